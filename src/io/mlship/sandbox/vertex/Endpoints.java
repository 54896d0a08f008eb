package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.CreateEndpointOperationMetadata;
import com.google.cloud.aiplatform.v1.CreateEndpointRequest;
import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.DeployedModelRef;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.UpdateEndpointRequest;
import com.google.longrunning.Operation;
import com.google.protobuf.Empty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulated endpoints: create, read, update (traffic split, names, labels) and delete. Deploying and
 * undeploying models is {@link Deployments}' job; it changes endpoints through {@link #find} and {@link #put}.
 */
final class Endpoints {
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final StateLock lock;
    private final Ids ids;
    private final OperationRegistry operations;

    Endpoints(StateLock lock, Ids ids, OperationRegistry operations) {
        this.lock = lock;
        this.ids = ids;
        this.operations = operations;
    }

    Operation createEndpoint(CreateEndpointRequest req) {
        synchronized (lock) {
            String parent = Locations.of(req.getParent());
            if (req.getEndpoint().getDisplayName().isEmpty()) {
                throw ApiError.invalid("endpoint.display_name is required");
            }
            Labels.check(req.getEndpoint().getLabelsMap());
            String id = req.getEndpointId().isEmpty() ? ids.next() : req.getEndpointId();
            String name = parent + "/endpoints/" + id;
            if (endpoints.containsKey(name)) {
                throw ApiError.exists("endpoint " + name + " already exists");
            }
            Endpoint e = req.getEndpoint().toBuilder().setName(name).setCreateTime(OperationMeta.now())
                    .setUpdateTime(OperationMeta.now()).clearDeployedModels().clearTrafficSplit().build();
            CreateEndpointOperationMetadata meta = CreateEndpointOperationMetadata.newBuilder()
                    .setGenericMetadata(OperationMeta.startedNow()).build();
            return operations.start(name, "CreateEndpoint", meta, () -> {
                synchronized (lock) {
                    endpoints.put(name, e);
                    return e;
                }
            });
        }
    }

    Endpoint getEndpoint(String name) {
        synchronized (lock) {
            Endpoint e = endpoints.get(name);
            if (e == null) {
                throw ApiError.notFound("endpoint " + name + " not found");
            }
            return e;
        }
    }

    List<Endpoint> listEndpoints(String parent, String filter) {
        synchronized (lock) {
            String loc = Locations.of(parent);
            return endpoints.values().stream().filter(e -> e.getName().startsWith(loc + "/endpoints/"))
                    .filter(e -> Filters.matches(filter, e)).toList();
        }
    }

    Endpoint updateEndpoint(UpdateEndpointRequest req) {
        synchronized (lock) {
            Endpoint current = getEndpoint(req.getEndpoint().getName());
            List<String> paths = req.getUpdateMask().getPathsList();
            if (paths.isEmpty()) {
                throw ApiError.invalid("update_mask is required");
            }
            Endpoint.Builder b = current.toBuilder();
            for (String path : paths) {
                switch (path) {
                    case "traffic_split", "trafficSplit" -> {
                        Map<String, Integer> split = req.getEndpoint().getTrafficSplitMap();
                        TrafficSplits.check(current, split, null);
                        b.clearTrafficSplit().putAllTrafficSplit(split);
                    }
                    case "display_name", "displayName" -> b.setDisplayName(req.getEndpoint().getDisplayName());
                    case "description" -> b.setDescription(req.getEndpoint().getDescription());
                    case "labels" -> {
                        Labels.check(req.getEndpoint().getLabelsMap());
                        b.clearLabels().putAllLabels(req.getEndpoint().getLabelsMap());
                    }
                    default -> throw ApiError.invalid("update_mask path '" + path + "' cannot be updated");
                }
            }
            Endpoint updated = b.setUpdateTime(OperationMeta.now()).build();
            endpoints.put(updated.getName(), updated);
            return updated;
        }
    }

    Operation deleteEndpoint(String name) {
        synchronized (lock) {
            Endpoint e = getEndpoint(name);
            if (e.getDeployedModelsCount() > 0) {
                throw ApiError.precondition("endpoint " + name + " still has deployed models; undeploy them first");
            }
            endpoints.remove(name);
            return operations.start(name, "DeleteEndpoint", OperationMeta.delete(), Empty::getDefaultInstance);
        }
    }

    /** The endpoint, or null if it is gone (a deployment can finish after its endpoint was deleted). */
    Endpoint find(String name) {
        assert Thread.holdsLock(lock);
        return endpoints.get(name);
    }

    /** Replaces an endpoint with its changed self. */
    void put(Endpoint e) {
        assert Thread.holdsLock(lock);
        endpoints.put(e.getName(), e);
    }

    /** Where one model version is deployed, as {@code Model.deployed_models} lists it. */
    List<DeployedModelRef> deploymentsOf(String model, String versionId) {
        assert Thread.holdsLock(lock);
        List<DeployedModelRef> refs = new ArrayList<>();
        for (Endpoint e : endpoints.values()) {
            for (DeployedModel d : e.getDeployedModelsList()) {
                if (d.getModel().equals(model) && d.getModelVersionId().equals(versionId)) {
                    refs.add(DeployedModelRef.newBuilder().setEndpoint(e.getName()).setDeployedModelId(d.getId()).build());
                }
            }
        }
        return refs;
    }
}
