package io.mlship.kube.connect;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Which GKE cluster this agent's pod runs in, as the GKE metadata server tells it (the cluster's project, location
 * and name). {@code GCE_METADATA_HOST} points elsewhere, as it does for Google's client libraries.
 */
public final class AgentCluster {
    private static final String DEFAULT_HOST = "metadata.google.internal";

    /** One cluster, named as the spec's environments name theirs. */
    public record Identity(String project, String location, String cluster) {
        boolean is(ClusterRef target) {
            return project.equals(target.project()) && location.equals(target.location()) && cluster.equals(target.cluster());
        }

        @Override
        public String toString() {
            return "cluster " + cluster + " in " + location + " of project " + project;
        }
    }

    private final String host;
    private final Duration timeout;

    public AgentCluster(Map<String, String> environment, Duration timeout) {
        String given = environment.get("GCE_METADATA_HOST");
        this.host = given == null || given.isBlank() ? DEFAULT_HOST : given;
        this.timeout = timeout;
    }

    /** The agent's cluster; empty when no metadata server answers (not on GKE) within the timeout. */
    public Optional<Identity> identify() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        try {
            String project = read(http, "project/project-id");
            String location = read(http, "instance/attributes/cluster-location");
            String cluster = read(http, "instance/attributes/cluster-name");
            return Optional.of(new Identity(project, location, cluster));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private String read(HttpClient http, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/computeMetadata/v1/" + path))
                .header("Metadata-Flavor", "Google").timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("metadata server answered " + r.statusCode() + " for " + path);
        }
        return r.body().trim();
    }
}
