package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.Model;
import java.util.HashMap;
import java.util.Map;

/** Picks the deployed model, and its server, for each prediction on an endpoint by the endpoint's traffic split. */
final class TrafficRouter {
    /** Smooth weighted round robin scores, by endpoint and deployed model id. */
    private final Map<String, Integer> rotation = new HashMap<>();
    private final StateLock lock;
    private final Endpoints endpoints;
    private final ModelRegistry models;
    private final ModelServers servers;

    TrafficRouter(StateLock lock, Endpoints endpoints, ModelRegistry models, ModelServers servers) {
        this.lock = lock;
        this.endpoints = endpoints;
        this.models = models;
        this.servers = servers;
    }

    /** Picks the deployed model for the next request: smooth weighted round robin, so splits are exact over 100 calls. */
    Route route(String endpointName) {
        synchronized (lock) {
            Endpoint e = endpoints.getEndpoint(endpointName);
            int total = 0;
            String best = null;
            int bestScore = Integer.MIN_VALUE;
            for (Map.Entry<String, Integer> s : e.getTrafficSplitMap().entrySet()) {
                if (s.getValue() <= 0) {
                    continue;
                }
                total += s.getValue();
                int score = rotation.merge(endpointName + "|" + s.getKey(), s.getValue(), Integer::sum);
                if (score > bestScore || (score == bestScore && s.getKey().compareTo(best) < 0)) {
                    best = s.getKey();
                    bestScore = score;
                }
            }
            if (best == null) {
                throw ApiError.precondition("endpoint " + endpointName + " has no deployed model receiving traffic");
            }
            rotation.merge(endpointName + "|" + best, -total, Integer::sum);
            String id = best;
            DeployedModel d = e.getDeployedModelsList().stream().filter(x -> x.getId().equals(id)).findFirst().orElseThrow();
            Model m = models.getModel(d.getModel() + "@" + d.getModelVersionId());
            ServingRuntime.Server server = servers.get(id);
            if (server == null) {
                throw new ApiError(io.grpc.Status.Code.UNAVAILABLE, "deployed model " + id + " has no running server");
            }
            String route = ContainerEnvironment.predictRoute(m.getContainerSpec(),
                    e.getName().substring(e.getName().lastIndexOf('/') + 1), id);
            return new Route(d, m, server.port(), route);
        }
    }

    /** Where one prediction goes: the deployed model, its model version, and its server's port and path. */
    record Route(DeployedModel deployed, Model model, int port, String predictRoute) {
    }
}
