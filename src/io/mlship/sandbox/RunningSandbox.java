package io.mlship.sandbox;

import io.mlship.result.MlshipException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A sandbox a run was pointed at, read when first needed: a run whose input is bad reports that (exit 2) before
 * it looks for the sandbox (exit 3 when it is not running).
 */
public final class RunningSandbox {
    private final SandboxStateDir stateDir;
    private SandboxInfo info;

    public RunningSandbox(Path dir) {
        this.stateDir = new SandboxStateDir(dir);
    }

    public Path dir() {
        return stateDir.dir();
    }

    public synchronized SandboxInfo info() {
        if (info == null) {
            try {
                info = stateDir.require();
            } catch (IOException e) {
                throw MlshipException.infrastructure("cannot read the sandbox's state in " + stateDir.dir() + ": "
                        + e.getMessage(), "restart it: mlship sandbox down/up --state " + stateDir.dir(), e);
            }
        }
        return info;
    }
}
