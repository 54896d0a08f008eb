package io.mlship.sandbox.vertex;

import io.mlship.sandbox.serving.Workload;
import io.mlship.sandbox.serving.WorkloadRequest;
import io.mlship.sandbox.serving.WorkloadRuntime;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Serves deployed models as Vertex AI does: it runs the image {@code containerSpec.imageUri} names, found by digest
 * in the sandbox's images folder, through the same runtime the simulated cluster uses (unpacked as a local process,
 * or a podman container). An image that is not there fails the deployment, as Vertex AI fails one it cannot pull.
 */
public final class ImageServing implements ServingRuntime {
    private final WorkloadRuntime workloads;
    private final Path imagesDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code imagesDir}: where {@code mlship build --tar} puts images for {@code workloads} (named in errors). */
    public ImageServing(WorkloadRuntime workloads, Path imagesDir) {
        this.workloads = workloads;
        this.imagesDir = imagesDir;
    }

    @Override
    public Server start(Request request) throws Exception {
        if (!workloads.has(request.imageUri())) {
            String by = request.imageUri().contains("@sha256:") ? "" : " (name it by digest: REPOSITORY@sha256:…)";
            throw new ApiError(io.grpc.Status.Code.FAILED_PRECONDITION, "image " + request.imageUri()
                    + " is not in the sandbox's images folder " + imagesDir + ": build it there with 'mlship build --tar "
                    + imagesDir + "/NAME.tar' and deploy the digest it reports" + by);
        }
        Workload workload = workloads.start(new WorkloadRequest("vertex-" + request.deployedModelId(), request.imageUri(),
                request.command(), request.args(), request.env(), "AIP_HTTP_PORT", request.port()));
        try {
            awaitHealthy(workload, request);
        } catch (Exception e) {
            workload.close();
            throw e;
        }
        return new Running(workload);
    }

    private void awaitHealthy(Workload workload, Request request) throws Exception {
        Instant deadline = Instant.now().plus(request.healthTimeout());
        URI uri = URI.create("http://127.0.0.1:" + request.port() + request.healthRoute());
        while (true) {
            Optional<Workload.Exit> exit = workload.exit();
            if (exit.isPresent()) {
                throw new IllegalStateException("the model server exited with " + exit.get().code()
                        + " before it was healthy (" + workload.logLocation() + "): " + exit.get().lastLines());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the model server did not answer 200 on " + uri + " within "
                        + request.healthTimeout().toSeconds() + " s; its log: " + workload.logLocation());
            }
            Thread.sleep(100); // polling a port: a server gives no other signal that it is ready
        }
    }

    private record Running(Workload workload) implements Server {
        @Override
        public int port() {
            return workload.port();
        }

        @Override
        public void close() {
            workload.close();
        }
    }
}
