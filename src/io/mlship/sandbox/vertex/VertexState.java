package io.mlship.sandbox.vertex;

import io.mlship.sandbox.storage.LocalBuckets;
import java.time.Duration;
import java.util.Map;

/**
 * What the emulated Vertex AI holds, by service: the Model Registry, endpoints and the deployments on them,
 * and the model servers that answer predictions. The gRPC services and the REST mapping both call these
 * parts, so they always agree; the parts share one {@link StateLock} and one id sequence.
 */
record VertexState(OperationRegistry operations, ModelRegistry models, Endpoints endpoints, Deployments deployments,
                   ModelServers servers, TrafficRouter router) {

    static VertexState create(OperationRegistry operations, ServingRuntime runtime, LocalBuckets buckets,
                              Map<String, String> sandboxEnv, Duration healthTimeout) {
        StateLock lock = new StateLock();
        Ids ids = new Ids();
        Endpoints endpoints = new Endpoints(lock, ids, operations);
        ModelRegistry models = new ModelRegistry(lock, ids, operations, endpoints, new ArtifactCopies(buckets));
        ModelServers servers = new ModelServers(lock, runtime, sandboxEnv, healthTimeout);
        Deployments deployments = new Deployments(lock, ids, operations, endpoints, models, servers);
        TrafficRouter router = new TrafficRouter(lock, endpoints, models, servers);
        return new VertexState(operations, models, endpoints, deployments, servers, router);
    }
}
