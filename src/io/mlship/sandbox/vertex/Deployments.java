package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.DeployModelOperationMetadata;
import com.google.cloud.aiplatform.v1.DeployModelRequest;
import com.google.cloud.aiplatform.v1.DeployModelResponse;
import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.UndeployModelOperationMetadata;
import com.google.cloud.aiplatform.v1.UndeployModelRequest;
import com.google.cloud.aiplatform.v1.UndeployModelResponse;
import com.google.longrunning.Operation;
import java.util.Map;

/**
 * DeployModel and UndeployModel: a model version on an endpoint, its server and its share of the traffic
 * change together, so predict never routes to a model that has no server.
 */
final class Deployments {
    private final StateLock lock;
    private final Ids ids;
    private final OperationRegistry operations;
    private final Endpoints endpoints;
    private final ModelRegistry models;
    private final ModelServers servers;

    Deployments(StateLock lock, Ids ids, OperationRegistry operations, Endpoints endpoints, ModelRegistry models,
                ModelServers servers) {
        this.lock = lock;
        this.ids = ids;
        this.operations = operations;
        this.endpoints = endpoints;
        this.models = models;
        this.servers = servers;
    }

    Operation deploy(DeployModelRequest req) {
        synchronized (lock) {
            Endpoint e = endpoints.getEndpoint(req.getEndpoint());
            DeployedModel d = req.getDeployedModel();
            if (d.getModel().isEmpty()) {
                throw ApiError.invalid("deployed_model.model is required");
            }
            Model version = models.getModel(d.getModel());
            if (!Locations.of(e.getName()).equals(Locations.of(version.getName()))) {
                throw ApiError.invalid("model " + version.getName() + " and endpoint " + e.getName()
                        + " are in different locations");
            }
            checkResources(d);
            Map<String, Integer> split = req.getTrafficSplitMap();
            if (!split.isEmpty()) {
                TrafficSplits.check(e, split, "0");
            }
            DeployedModel deployed = d.toBuilder().setId(ids.next()).setModel(version.getName())
                    .setModelVersionId(version.getVersionId()).setCreateTime(OperationMeta.now())
                    .setDisplayName(d.getDisplayName().isEmpty() ? version.getDisplayName() : d.getDisplayName()).build();
            DeployModelOperationMetadata meta = DeployModelOperationMetadata.newBuilder()
                    .setGenericMetadata(OperationMeta.startedNow()).build();
            return operations.start(e.getName(), "DeployModel", meta,
                    () -> finishDeploy(e.getName(), deployed, version, split));
        }
    }

    private static void checkResources(DeployedModel d) {
        if (!d.hasDedicatedResources() && !d.hasAutomaticResources()) {
            throw ApiError.invalid("deployed_model needs dedicated_resources (machine_spec, min_replica_count)");
        }
        if (d.hasDedicatedResources()) {
            var r = d.getDedicatedResources();
            if (r.getMachineSpec().getMachineType().isEmpty()) {
                throw ApiError.invalid("dedicated_resources.machine_spec.machine_type is required");
            }
            if (r.getMinReplicaCount() < 1) {
                throw ApiError.invalid("dedicated_resources.min_replica_count must be at least 1");
            }
            if (r.getMaxReplicaCount() != 0 && r.getMaxReplicaCount() < r.getMinReplicaCount()) {
                throw ApiError.invalid("dedicated_resources.max_replica_count is below min_replica_count");
            }
        }
    }

    /** The operation's work: start the server (slow, unlocked), then add the model and its split at once. */
    private DeployModelResponse finishDeploy(String endpoint, DeployedModel deployed, Model version,
                                             Map<String, Integer> split) {
        ServingRuntime.Server server = servers.start(endpoint, deployed, version, models.storageUri(version));
        synchronized (lock) {
            Endpoint e = endpoints.find(endpoint);
            if (e == null) {
                server.close();
                throw ApiError.notFound("endpoint " + endpoint + " was deleted");
            }
            servers.put(deployed.getId(), server);
            Endpoint.Builder b = e.toBuilder().addDeployedModels(deployed).setUpdateTime(OperationMeta.now());
            if (!split.isEmpty()) {
                b.clearTrafficSplit();
                split.forEach((k, v) -> b.putTrafficSplit("0".equals(k) ? deployed.getId() : k, v));
            }
            endpoints.put(b.build());
            return DeployModelResponse.newBuilder().setDeployedModel(deployed).build();
        }
    }

    Operation undeploy(UndeployModelRequest req) {
        synchronized (lock) {
            Endpoint e = endpoints.getEndpoint(req.getEndpoint());
            String id = req.getDeployedModelId();
            if (e.getDeployedModelsList().stream().noneMatch(d -> d.getId().equals(id))) {
                throw ApiError.notFound("endpoint " + e.getName() + " has no deployed model '" + id + "'");
            }
            Map<String, Integer> split = req.getTrafficSplitMap();
            boolean last = e.getDeployedModelsCount() == 1;
            if (split.isEmpty()) {
                if (!last && e.getTrafficSplitOrDefault(id, 0) > 0) {
                    throw ApiError.precondition("deployed model " + id + " still receives " + e.getTrafficSplitOrThrow(id)
                            + "% of the traffic; move it away first or pass a traffic_split without it");
                }
            } else {
                if (split.containsKey(id)) {
                    throw ApiError.invalid("traffic_split still gives traffic to the model being undeployed (" + id + ")");
                }
                TrafficSplits.check(without(e, id).build(), split, null);
            }
            UndeployModelOperationMetadata meta = UndeployModelOperationMetadata.newBuilder()
                    .setGenericMetadata(OperationMeta.startedNow()).build();
            return operations.start(e.getName(), "UndeployModel", meta, () -> finishUndeploy(e.getName(), id, split));
        }
    }

    /** The operation's work: take the model and its traffic off the endpoint, then stop its server unlocked. */
    private UndeployModelResponse finishUndeploy(String endpoint, String id, Map<String, Integer> split) {
        ServingRuntime.Server server;
        synchronized (lock) {
            Endpoint.Builder b = without(endpoints.find(endpoint), id);
            b.removeTrafficSplit(id);
            if (!split.isEmpty()) {
                b.clearTrafficSplit().putAllTrafficSplit(split);
            }
            if (b.getDeployedModelsCount() == 0) {
                b.clearTrafficSplit();
            }
            endpoints.put(b.setUpdateTime(OperationMeta.now()).build());
            server = servers.remove(id);
        }
        if (server != null) {
            server.close();
        }
        return UndeployModelResponse.getDefaultInstance();
    }

    /** The endpoint as it would be without deployed model {@code id} (its traffic split untouched). */
    private static Endpoint.Builder without(Endpoint e, String id) {
        return e.toBuilder().clearDeployedModels().addAllDeployedModels(
                e.getDeployedModelsList().stream().filter(d -> !d.getId().equals(id)).toList());
    }
}
