package io.mlship.sandbox;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The detached sandbox process {@code mlship sandbox up} starts: runs the services until it is terminated.
 * Arguments: state folder, then {@code --runtime=process|podman} (optional).
 */
public final class SandboxMain {
    private SandboxMain() {
    }

    public static void main(String[] args) throws Exception {
        // The JDK's HTTP server writes headers and body apart; without this each answer waits for a delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        SandboxStateDir state = new SandboxStateDir(Path.of(args[0]));
        RuntimeKind runtime = RuntimeKind.fromEnvironment();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--runtime=")) {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "': expected --runtime=process|podman");
            }
            runtime = RuntimeKind.parse(args[i].substring("--runtime=".length()));
        }
        Sandbox sandbox = Sandbox.start(state, runtime);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }, "sandbox-stop"));
        SandboxInfo info = sandbox.publish();
        System.err.println("[mlship sandbox] up: " + SandboxStateDir.toJson(info));
        stopped.await();
    }
}
