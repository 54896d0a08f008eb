package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.DeployModelOperationMetadata;
import com.google.cloud.aiplatform.v1.DeployModelRequest;
import com.google.cloud.aiplatform.v1.DeployModelResponse;
import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.CreateEndpointOperationMetadata;
import com.google.cloud.aiplatform.v1.CreateEndpointRequest;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.MergeVersionAliasesRequest;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.UndeployModelOperationMetadata;
import com.google.cloud.aiplatform.v1.UndeployModelRequest;
import com.google.cloud.aiplatform.v1.UndeployModelResponse;
import com.google.cloud.aiplatform.v1.UpdateEndpointRequest;
import com.google.cloud.aiplatform.v1.UploadModelOperationMetadata;
import com.google.cloud.aiplatform.v1.UploadModelRequest;
import com.google.cloud.aiplatform.v1.UploadModelResponse;
import com.google.longrunning.Operation;
import com.google.protobuf.Empty;
import io.mlship.sandbox.storage.LocalBuckets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the emulated Vertex AI holds — models with versions and aliases, endpoints with deployed models and
 * traffic splits — and the real API's rules for changing it. The gRPC services and the REST mapping both
 * call this class, so they always agree.
 */
final class VertexState {
    private static final Pattern MODEL_ID = Pattern.compile("[a-z_][a-z0-9_-]{0,62}");

    private final Map<String, List<Model>> models = new LinkedHashMap<>();
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, ServingRuntime.Server> servers = new HashMap<>();
    private final Map<String, Integer> rotation = new HashMap<>();
    private final AtomicLong ids = new AtomicLong(1_000_000);
    private final OperationRegistry operations;
    private final ServingRuntime runtime;
    private final LocalBuckets buckets;
    private final Path workDir;
    private final Duration healthTimeout;

    VertexState(OperationRegistry operations, ServingRuntime runtime, LocalBuckets buckets, Path workDir,
                Duration healthTimeout) {
        this.operations = operations;
        this.runtime = runtime;
        this.buckets = buckets;
        this.workDir = workDir;
        this.healthTimeout = healthTimeout;
    }

    OperationRegistry operations() {
        return operations;
    }

    // ---- models ----

    synchronized Operation upload(UploadModelRequest req) {
        String parent = Locations.of(req.getParent());
        Model m = req.getModel();
        if (m.getDisplayName().isEmpty()) {
            throw ApiError.invalid("model.display_name is required");
        }
        if (!m.hasContainerSpec() || m.getContainerSpec().getImageUri().isEmpty()) {
            throw ApiError.invalid("model.container_spec.image_uri is required");
        }
        Labels.check(m.getLabelsMap());
        for (String alias : m.getVersionAliasesList()) {
            VersionAliases.check(alias);
        }
        String name;
        if (!req.getParentModel().isEmpty()) {
            name = req.getParentModel();
            if (models.getOrDefault(name, List.of()).isEmpty()) {
                throw ApiError.notFound("parent model " + name + " not found");
            }
            if (!name.startsWith(parent + "/models/")) {
                throw ApiError.invalid("parent_model " + name + " is not in " + parent);
            }
        } else {
            String id = req.getModelId().isEmpty() ? Long.toString(ids.incrementAndGet()) : req.getModelId();
            if (!MODEL_ID.matcher(id).matches()) {
                throw ApiError.invalid("model_id '" + id + "' must match " + MODEL_ID.pattern());
            }
            name = parent + "/models/" + id;
            if (!models.getOrDefault(name, List.of()).isEmpty()) {
                throw ApiError.exists("model " + name + " already exists; upload a new version with parent_model");
            }
        }
        String target = name;
        UploadModelOperationMetadata meta = UploadModelOperationMetadata.newBuilder()
                .setGenericMetadata(OperationMeta.startedNow()).build();
        return operations.start(target, "UploadModel", meta, () -> addVersion(target, m));
    }

    private synchronized UploadModelResponse addVersion(String name, Model m) {
        List<Model> versions = models.computeIfAbsent(name, n -> new ArrayList<>());
        String version = Integer.toString(versions.size() + 1);
        Model.Builder b = m.toBuilder().setName(name).setVersionId(version)
                .setCreateTime(OperationMeta.now()).setUpdateTime(OperationMeta.now())
                .setVersionCreateTime(OperationMeta.now()).setVersionUpdateTime(OperationMeta.now())
                .clearVersionAliases();
        List<String> aliases = new ArrayList<>();
        if (versions.isEmpty()) {
            aliases.add("default");
        }
        for (String alias : m.getVersionAliasesList()) {
            VersionAliases.take(versions, alias);
            aliases.add(alias);
        }
        b.addAllVersionAliases(aliases);
        b.addSupportedDeploymentResourcesTypes(Model.DeploymentResourcesType.DEDICATED_RESOURCES);
        versions.add(b.build());
        return UploadModelResponse.newBuilder().setModel(name).setModelVersionId(version).build();
    }

    synchronized Model getModel(String name) {
        String[] parts = name.split("@", 2);
        List<Model> versions = models.get(parts[0]);
        if (versions == null || versions.isEmpty()) {
            throw ApiError.notFound("model " + parts[0] + " not found");
        }
        String ref = parts.length == 2 ? parts[1] : "default";
        for (Model v : versions) {
            if (v.getVersionId().equals(ref) || v.getVersionAliasesList().contains(ref)) {
                return withDeployments(v);
            }
        }
        throw ApiError.notFound("model " + parts[0] + " has no version or alias '" + ref + "'");
    }

    private Model withDeployments(Model v) {
        Model.Builder b = v.toBuilder().clearDeployedModels();
        for (Endpoint e : endpoints.values()) {
            for (DeployedModel d : e.getDeployedModelsList()) {
                if (d.getModel().equals(v.getName()) && d.getModelVersionId().equals(v.getVersionId())) {
                    b.addDeployedModels(com.google.cloud.aiplatform.v1.DeployedModelRef.newBuilder()
                            .setEndpoint(e.getName()).setDeployedModelId(d.getId()));
                }
            }
        }
        return b.build();
    }

    synchronized List<Model> listModels(String parent, String filter) {
        String loc = Locations.of(parent);
        List<Model> out = new ArrayList<>();
        for (Map.Entry<String, List<Model>> e : models.entrySet()) {
            if (e.getKey().startsWith(loc + "/models/") && !e.getValue().isEmpty()) {
                Model m = getModel(e.getKey());
                if (Filters.matches(filter, m)) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    synchronized List<Model> listVersions(String name, String filter) {
        List<Model> versions = models.get(name);
        if (versions == null || versions.isEmpty()) {
            throw ApiError.notFound("model " + name + " not found");
        }
        return versions.stream().map(this::withDeployments).filter(m -> Filters.matches(filter, m)).toList();
    }

    synchronized Model mergeAliases(MergeVersionAliasesRequest req) {
        String[] parts = req.getName().split("@", 2);
        if (parts.length != 2) {
            throw ApiError.invalid("name must name a version: " + req.getName() + "@<version>");
        }
        Model target = getModel(req.getName());
        VersionAliases.Change change = VersionAliases.Change.parse(req.getVersionAliasesList());
        List<Model> versions = models.get(parts[0]);
        for (String a : change.add()) {
            VersionAliases.take(versions, a);
        }
        int index = indexOf(versions, target.getVersionId());
        Model current = versions.get(index);
        Model updated = current.toBuilder().clearVersionAliases()
                .addAllVersionAliases(change.applyTo(current.getVersionAliasesList()))
                .setVersionUpdateTime(OperationMeta.now()).build();
        versions.set(index, updated);
        return withDeployments(updated);
    }

    /** UpdateModel: labels, descriptions and display name of one version (name with @version) or the default one. */
    synchronized Model updateModel(com.google.cloud.aiplatform.v1.UpdateModelRequest req) {
        Model current = getModel(req.getModel().getName());
        if (req.getUpdateMask().getPathsCount() == 0) {
            throw ApiError.invalid("update_mask is required");
        }
        Model.Builder b = current.toBuilder();
        for (String path : req.getUpdateMask().getPathsList()) {
            switch (path) {
                case "labels" -> {
                    Labels.check(req.getModel().getLabelsMap());
                    b.clearLabels().putAllLabels(req.getModel().getLabelsMap());
                }
                case "display_name", "displayName" -> b.setDisplayName(req.getModel().getDisplayName());
                case "description" -> b.setDescription(req.getModel().getDescription());
                case "version_description", "versionDescription" -> b.setVersionDescription(req.getModel().getVersionDescription());
                default -> throw ApiError.invalid("update_mask path '" + path + "' cannot be updated");
            }
        }
        List<Model> versions = models.get(current.getName());
        Model updated = b.clearDeployedModels().setVersionUpdateTime(OperationMeta.now()).build();
        versions.set(indexOf(versions, current.getVersionId()), updated);
        return withDeployments(updated);
    }

    synchronized Operation deleteVersion(String name) {
        Model v = getModel(name);
        if (v.getDeployedModelsCount() > 0) {
            throw ApiError.precondition("model version " + name + " is deployed to " + v.getDeployedModels(0).getEndpoint()
                    + "; undeploy it first");
        }
        if (v.getVersionAliasesList().contains("default")) {
            throw ApiError.precondition("model version " + name + " is the default version; move the 'default' alias first");
        }
        List<Model> versions = models.get(v.getName());
        versions.remove(indexOf(versions, v.getVersionId()));
        return operations.start(v.getName(), "DeleteModelVersion", OperationMeta.delete(), Empty::getDefaultInstance);
    }

    synchronized Operation deleteModel(String name) {
        List<Model> versions = models.get(name);
        if (versions == null) {
            throw ApiError.notFound("model " + name + " not found");
        }
        for (Model v : versions) {
            if (withDeployments(v).getDeployedModelsCount() > 0) {
                throw ApiError.precondition("model " + name + " has deployed versions; undeploy them first");
            }
        }
        models.remove(name);
        return operations.start(name, "DeleteModel", OperationMeta.delete(), Empty::getDefaultInstance);
    }

    // ---- endpoints ----

    synchronized Operation createEndpoint(CreateEndpointRequest req) {
        String parent = Locations.of(req.getParent());
        if (req.getEndpoint().getDisplayName().isEmpty()) {
            throw ApiError.invalid("endpoint.display_name is required");
        }
        Labels.check(req.getEndpoint().getLabelsMap());
        String id = req.getEndpointId().isEmpty() ? Long.toString(ids.incrementAndGet()) : req.getEndpointId();
        String name = parent + "/endpoints/" + id;
        if (endpoints.containsKey(name)) {
            throw ApiError.exists("endpoint " + name + " already exists");
        }
        Endpoint e = req.getEndpoint().toBuilder().setName(name).setCreateTime(OperationMeta.now())
                .setUpdateTime(OperationMeta.now())
                .clearDeployedModels().clearTrafficSplit().build();
        CreateEndpointOperationMetadata meta = CreateEndpointOperationMetadata.newBuilder()
                .setGenericMetadata(OperationMeta.startedNow()).build();
        return operations.start(name, "CreateEndpoint", meta, () -> {
            synchronized (this) {
                endpoints.put(name, e);
                return e;
            }
        });
    }

    synchronized Endpoint getEndpoint(String name) {
        Endpoint e = endpoints.get(name);
        if (e == null) {
            throw ApiError.notFound("endpoint " + name + " not found");
        }
        return e;
    }

    synchronized List<Endpoint> listEndpoints(String parent, String filter) {
        String loc = Locations.of(parent);
        return endpoints.values().stream().filter(e -> e.getName().startsWith(loc + "/endpoints/"))
                .filter(e -> Filters.matches(filter, e)).toList();
    }

    synchronized Endpoint updateEndpoint(UpdateEndpointRequest req) {
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

    synchronized Operation deleteEndpoint(String name) {
        Endpoint e = getEndpoint(name);
        if (e.getDeployedModelsCount() > 0) {
            throw ApiError.precondition("endpoint " + name + " still has deployed models; undeploy them first");
        }
        endpoints.remove(name);
        return operations.start(name, "DeleteEndpoint", OperationMeta.delete(), Empty::getDefaultInstance);
    }

    synchronized Operation deploy(DeployModelRequest req) {
        Endpoint e = getEndpoint(req.getEndpoint());
        DeployedModel d = req.getDeployedModel();
        if (d.getModel().isEmpty()) {
            throw ApiError.invalid("deployed_model.model is required");
        }
        Model version = getModel(d.getModel());
        if (!Locations.of(e.getName()).equals(Locations.of(version.getName()))) {
            throw ApiError.invalid("model " + version.getName() + " and endpoint " + e.getName() + " are in different locations");
        }
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
        Map<String, Integer> split = req.getTrafficSplitMap();
        if (!split.isEmpty()) {
            TrafficSplits.check(e, split, "0");
        }
        String id = Long.toString(ids.incrementAndGet());
        DeployedModel deployed = d.toBuilder().setId(id).setModel(version.getName())
                .setModelVersionId(version.getVersionId()).setCreateTime(OperationMeta.now())
                .setDisplayName(d.getDisplayName().isEmpty() ? version.getDisplayName() : d.getDisplayName()).build();
        DeployModelOperationMetadata meta = DeployModelOperationMetadata.newBuilder()
                .setGenericMetadata(OperationMeta.startedNow()).build();
        return operations.start(e.getName(), "DeployModel", meta, () -> finishDeploy(e.getName(), deployed, version, split));
    }

    private DeployModelResponse finishDeploy(String endpoint, DeployedModel deployed, Model version,
                                             Map<String, Integer> split) {
        ServingRuntime.Server server = startServer(deployed.getId(), version);
        synchronized (this) {
            Endpoint e = endpoints.get(endpoint);
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
            endpoints.put(endpoint, b.build());
            return DeployModelResponse.newBuilder().setDeployedModel(deployed).build();
        }
    }

    private ServingRuntime.Server startServer(String deployedId, Model version) {
        try {
            Path modelDir = workDir.resolve("serving").resolve(deployedId).resolve("model");
            if (!version.getArtifactUri().isEmpty()) {
                copyTree(buckets.resolve(version.getArtifactUri()), modelDir);
            } else {
                Files.createDirectories(modelDir);
            }
            return runtime.start(deployedId, version.getContainerSpec(), modelDir, healthTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the model server");
        } catch (Exception e) {
            throw new ApiError(io.grpc.Status.Code.FAILED_PRECONDITION,
                    "model server for " + version.getName() + "@" + version.getVersionId() + " failed to start: " + e.getMessage());
        }
    }

    /** Vertex copies the artifacts to its own storage before serving; so does the emulator. */
    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            throw new IOException("artifact folder " + from + " does not exist");
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    synchronized Operation undeploy(UndeployModelRequest req) {
        Endpoint e = getEndpoint(req.getEndpoint());
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
            Endpoint without = e.toBuilder().clearDeployedModels().addAllDeployedModels(
                    e.getDeployedModelsList().stream().filter(d -> !d.getId().equals(id)).toList()).build();
            TrafficSplits.check(without, split, null);
        }
        UndeployModelOperationMetadata meta = UndeployModelOperationMetadata.newBuilder()
                .setGenericMetadata(OperationMeta.startedNow()).build();
        return operations.start(e.getName(), "UndeployModel", meta, () -> {
            ServingRuntime.Server server;
            synchronized (this) {
                Endpoint cur = endpoints.get(e.getName());
                Endpoint.Builder b = cur.toBuilder().clearDeployedModels().addAllDeployedModels(
                        cur.getDeployedModelsList().stream().filter(d -> !d.getId().equals(id)).toList());
                b.removeTrafficSplit(id);
                if (!split.isEmpty()) {
                    b.clearTrafficSplit().putAllTrafficSplit(split);
                }
                if (b.getDeployedModelsCount() == 0) {
                    b.clearTrafficSplit();
                }
                endpoints.put(e.getName(), b.setUpdateTime(OperationMeta.now()).build());
                server = servers.remove(id);
            }
            if (server != null) {
                server.close();
            }
            return UndeployModelResponse.getDefaultInstance();
        });
    }

    /** Picks the deployed model for the next request: smooth weighted round robin, so splits are exact over 100 calls. */
    synchronized Route route(String endpointName) {
        Endpoint e = getEndpoint(endpointName);
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
        Model m = getModel(d.getModel() + "@" + d.getModelVersionId());
        ServingRuntime.Server server = servers.get(id);
        if (server == null) {
            throw new ApiError(io.grpc.Status.Code.UNAVAILABLE, "deployed model " + id + " has no running server");
        }
        String route = m.getContainerSpec().getPredictRoute().isEmpty() ? "/predict" : m.getContainerSpec().getPredictRoute();
        return new Route(d, m, server.port(), route);
    }

    record Route(DeployedModel deployed, Model model, int port, String predictRoute) {
    }

    /** Stops every model server (emulator shutdown). */
    void stopServers() {
        List<ServingRuntime.Server> all;
        synchronized (this) {
            all = new ArrayList<>(servers.values());
            servers.clear();
        }
        all.forEach(ServingRuntime.Server::close);
    }

    // ---- helpers ----

    private static int indexOf(List<Model> versions, String versionId) {
        for (int i = 0; i < versions.size(); i++) {
            if (versions.get(i).getVersionId().equals(versionId)) {
                return i;
            }
        }
        throw ApiError.notFound("version " + versionId + " not found");
    }

}
