package io.mlship.kube.manifest;

import io.mlship.spec.SpecFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The example's spec with a canary of two steps, routed by nginx or by the environments' Gateway. */
public final class CanarySpecs {
    private CanarySpecs() {
    }

    public static String withCanary(String example, boolean gateway) {
        String deploy = "deploy:\n" + (gateway ? "  routing: gateway\n" : "") + "  canary:\n    steps: [10, 50]\n";
        String out = example.replaceFirst("(?m)^deploy:\n", deploy);
        if (gateway) {
            out = out.replaceAll("(?m)^(    host: .*)$", "$1\n    gateway: {name: internal-http, namespace: gateway-infra}");
        }
        return out;
    }

    /** A copy of the example in {@code dir} (its spec names files in it) whose spec has the canary; the spec's path. */
    public static Path exampleWithCanary(Path dir, boolean gateway) throws IOException {
        SpecFixtures.copyTree(Path.of("examples/reco-service").toAbsolutePath(), dir);
        Path spec = dir.resolve("mlship.yaml");
        Files.writeString(spec, withCanary(Files.readString(spec), gateway));
        return spec;
    }
}
