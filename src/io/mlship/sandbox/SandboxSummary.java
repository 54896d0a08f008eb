package io.mlship.sandbox;

import io.mlship.sandbox.kube.RolloutSimulator;
import java.nio.file.Path;

/** How to reach a running sandbox, for a person (what {@code sandbox up} prints on stderr; stdout keeps the JSON). */
public final class SandboxSummary {
    private SandboxSummary() {
    }

    /** {@code how}: what just happened ({@code up in 812 ms}, {@code already running}). */
    public static String of(SandboxInfo info, Path state, String how) {
        String[][] rows = {
                {"Vertex AI (gRPC)", info.vertexGrpc()},
                {"Vertex AI (REST)", info.vertexRest()},
                {"Cloud Storage", info.storageRest() + " (JSON API: gcloud api_endpoint_overrides/storage) over "
                        + info.storageRoot() + " (gs://BUCKET/… = " + info.storageRoot() + "/BUCKET/…)"},
                {"", "client libraries: STORAGE_EMULATOR_HOST=" + info.storageHost()},
                {"Kubernetes", "--kubeconfig " + info.kubeconfig() + " --context " + info.kubeContext()},
                {"Image registry", "mlship build --tar " + info.imagesDir() + "/NAME.tar, deploy by its digest"},
                {"Services run as", ("podman".equals(info.runtime()) ? "podman containers" : "local processes (image unpacked, host programs)")
                        + "; URL in Service annotation " + RolloutSimulator.URL_ANNOTATION},
                {"HTTPS hosts", "signed by the sandbox CA: --ca-file " + info.caFile() + "; Ingress annotation "
                        + RolloutSimulator.HTTPS_URL_ANNOTATION + ", with --sandbox every host is " + info.ingressAddress()},
                {"HTTP hosts", info.routerUrl() + " routes by the Host header as the Ingresses and HTTPRoutes say, e.g. "
                        + "curl -H 'Host: HOST' " + info.routerUrl() + "/"},
                {"Log", new SandboxStateDir(state).logFile().toString()},
                {"Stop", "mlship sandbox down --state " + state},
        };
        StringBuilder s = new StringBuilder("[mlship sandbox] " + how + " (pid " + info.pid() + ")\n");
        for (String[] row : rows) {
            s.append(String.format("  %-17s %s%n", row[0], row[1]));
        }
        return s.toString();
    }
}
