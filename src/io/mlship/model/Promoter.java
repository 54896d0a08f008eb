package io.mlship.model;

import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.aiplatform.v1.CreateEndpointRequest;
import com.google.cloud.aiplatform.v1.DedicatedResources;
import com.google.cloud.aiplatform.v1.DeployModelRequest;
import com.google.cloud.aiplatform.v1.DeployModelResponse;
import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.ListEndpointsRequest;
import com.google.cloud.aiplatform.v1.ListModelVersionsRequest;
import com.google.cloud.aiplatform.v1.MachineSpec;
import com.google.cloud.aiplatform.v1.MergeVersionAliasesRequest;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.UndeployModelRequest;
import com.google.cloud.aiplatform.v1.UpdateEndpointRequest;
import com.google.cloud.aiplatform.v1.UploadModelRequest;
import com.google.cloud.aiplatform.v1.UploadModelResponse;
import com.google.longrunning.Operation;
import com.google.protobuf.FieldMask;
import com.google.protobuf.InvalidProtocolBufferException;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Promotion of a trained model: upload it as a new version (or reuse the version with the same artifact
 * digest), deploy it to the endpoint with the canary share; on command shift all traffic and move the prod
 * alias, or roll back to the recorded state. Every step first looks at what is already there, so running the
 * same command again after a failure or a restart finishes the job instead of repeating it.
 */
public final class Promoter {
    public static final String DIGEST_LABEL = "mlship-artifacts";

    private final VertexClients vertex;
    private final ArtifactStore store;
    private final OperationWaiter waiter;
    private final Progress progress;
    private final Consumer<PromotionRecord> checkpoint;

    public Promoter(VertexClients vertex, ArtifactStore store, OperationWaiter waiter, Progress progress,
                    Consumer<PromotionRecord> checkpoint) {
        this.vertex = vertex;
        this.store = store;
        this.waiter = waiter;
        this.progress = progress;
        this.checkpoint = checkpoint;
    }

    /** Finishes waiting for an operation a previous run left behind. */
    public void resume(PromotionRecord prior) {
        if (prior != null && prior.pendingOperation() != null) {
            progress.step("resuming: the previous run was waiting for " + prior.pendingOperation().what());
            try {
                waiter.await(prior.pendingOperation(), op -> checkpoint.accept(prior.withPending(op)));
            } catch (NotFoundException e) {
                // Operations are kept for a while only; whatever it did, the steps below look at what is there.
                progress.step("operation " + prior.pendingOperation().name()
                        + " is no longer known to Vertex AI; carrying on from the current state");
                checkpoint.accept(prior.withPending(null));
            }
        }
    }

    /**
     * Uploads (or reuses) the version and deploys it with the canary share. When the same artifacts were promoted
     * by the recorded run and the version is still deployed with its candidate alias, this is one Model Registry
     * lookup (the version by its digest label) and one endpoint read, and nothing is written.
     */
    public PromotionRecord promote(PromotionPlan plan, PromotionRecord prior) {
        List<StoredObject> objects = store.list(plan.artifacts());
        if (objects.isEmpty()) {
            throw MlshipException.badInput("no model files under " + plan.artifacts(),
                    "check the artifact path and version parameter; training leaves the model folder there");
        }
        String digest = ArtifactDigest.of(objects);
        String label = ArtifactDigest.labelValue(digest);
        progress.step(objects.size() + " files under " + plan.artifacts() + ", content " + digest);
        boolean resuming = prior != null && "promote".equals(prior.action()) && digest.equals(prior.artifactDigest());
        boolean knownBefore = resuming && prior.before() != null;
        // The rollback snapshot needs every version's aliases, so without a recorded one all versions are listed (and
        // searched for the digest here); with one, the registry is asked for the version with this digest only.
        List<Model> listed = versions(plan.modelName(), knownBefore ? "labels." + DIGEST_LABEL + "=\"" + label + "\"" : null);
        Endpoint endpoint = findEndpoint(plan);
        EndpointSnapshot before = knownBefore ? prior.before() : snapshot(endpoint, aliases(listed == null ? List.of() : listed));
        PromotionRecord rec = PromotionRecord.begun(plan.modelName(), plan.artifacts().toString(), digest,
                endpoint == null ? null : endpoint.getName(), before);

        Model version = listed == null ? null : listed.stream()
                .filter(v -> label.equals(v.getLabelsMap().get(DIGEST_LABEL))).findFirst().orElse(null);
        boolean reused = version != null;
        boolean changed = false;
        if (reused) {
            progress.step("version " + version.getVersionId() + " of " + plan.modelId()
                    + " already holds these artifacts; reusing it");
            if (!version.getVersionAliasesList().contains(plan.candidateAlias())) {
                merge(plan.modelName(), version.getVersionId(), List.of(plan.candidateAlias()));
                changed = true;
            }
            version = keepBlessing(plan, version);
        } else {
            // A filtered answer that is empty still means the model exists; only NOT_FOUND (null) means it does not.
            version = upload(plan, digest, listed == null || (!knownBefore && listed.isEmpty()), rec);
            changed = true;
        }
        rec = rec.withVersion(version.getVersionId(), reused);

        if (endpoint == null) {
            endpoint = createEndpoint(plan, rec);
            rec = rec.withEndpoint(endpoint.getName());
            changed = true;
        }
        String versionId = version.getVersionId();
        DeployedModel deployed = endpoint.getDeployedModelsList().stream()
                .filter(d -> ResourceNames.same(d.getModel(), plan.modelName()) && d.getModelVersionId().equals(versionId))
                .findFirst().orElse(null);
        if (deployed != null) {
            progress.step("version " + versionId + " is already deployed to " + endpoint.getDisplayName()
                    + " as " + deployed.getId());
        } else {
            deployed = deploy(plan, endpoint, versionId, TrafficSplits.forDeploy(endpoint.getTrafficSplitMap(), plan.canary()), rec);
            changed = true;
        }
        // Nothing written: the endpoint is as listed above, and so are the aliases — all of them when every version
        // was listed, else the recorded ones with this version's own read now.
        Map<String, List<String>> aliasesNow = changed ? null
                : knownBefore ? recordedAliases(prior, version) : aliases(listed);
        if (aliasesNow != null) {
            return rec.done(endpoint.getName(), deployed.getId(), endpoint.getTrafficSplitMap(), aliasesNow, List.of());
        }
        Endpoint after = vertex.endpoints().getEndpoint(endpoint.getName());
        return rec.done(after.getName(), deployed.getId(), after.getTrafficSplitMap(), aliases(versions(plan.modelName())),
                List.of());
    }

    /** The aliases the recorded run left, with {@code version}'s as just read; null when the record has none. */
    private static Map<String, List<String>> recordedAliases(PromotionRecord prior, Model version) {
        if (prior.aliases() == null) {
            return null;
        }
        Map<String, List<String>> out = new TreeMap<>(java.util.Comparator.comparingLong(Long::parseLong));
        out.putAll(prior.aliases());
        out.put(version.getVersionId(), List.copyOf(version.getVersionAliasesList()));
        return new LinkedHashMap<>(out);
    }

    /** All traffic to the promoted version, the prod alias onto it, versions left without traffic undeployed. */
    public PromotionRecord shift(PromotionPlan plan, PromotionRecord prior) {
        requirePrior(prior, "shift", "promote");
        Endpoint endpoint = vertex.endpoints().getEndpoint(prior.endpoint());
        String id = prior.deployedModelId();
        if (endpoint.getDeployedModelsList().stream().noneMatch(d -> d.getId().equals(id))) {
            throw MlshipException.badInput("deployed model " + id + " recorded in promote.json is no longer on "
                    + endpoint.getName(), "promote the version again before shifting traffic");
        }
        String modelName = prior.model();
        progress.step("shifting 100% of " + endpoint.getDisplayName() + " to deployed model " + id);
        vertex.endpoints().updateEndpoint(UpdateEndpointRequest.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setName(endpoint.getName()).putTrafficSplit(id, 100))
                .setUpdateMask(FieldMask.newBuilder().addPaths("traffic_split")).build());
        String previousProd = versions(modelName).stream()
                .filter(v -> v.getVersionAliasesList().contains(plan.prodAlias())).map(Model::getVersionId)
                .findFirst().orElse("none");
        vertex.models().mergeVersionAliases(MergeVersionAliasesRequest.newBuilder()
                .setName(modelName + "@" + prior.modelVersionId()).addVersionAliases(plan.prodAlias()).build());
        recordProdHistory(modelName, prior.modelVersionId(), previousProd);
        progress.step("alias '" + plan.prodAlias() + "' now on version " + prior.modelVersionId());
        List<String> undeployed = new ArrayList<>();
        PromotionRecord rec = prior.nextStep("shift", id).withEndpoint(endpoint.getName());
        for (DeployedModel d : endpoint.getDeployedModelsList()) {
            if (!d.getId().equals(id)) {
                undeploy(endpoint.getName(), d, rec);
                undeployed.add(d.getId());
            }
        }
        Endpoint after = vertex.endpoints().getEndpoint(endpoint.getName());
        return rec.done(after.getName(), id, after.getTrafficSplitMap(), aliases(versions(modelName)), undeployed);
    }

    /** Restores the recorded state: the versions that were deployed, their traffic split, and the aliases. */
    public PromotionRecord rollback(PromotionPlan plan, PromotionRecord prior) {
        requirePrior(prior, "rollback", "promote", "shift");
        EndpointSnapshot target = prior.before();
        String modelName = prior.model();
        Endpoint endpoint = vertex.endpoints().getEndpoint(prior.endpoint());
        PromotionRecord rec = prior.nextStep("rollback", prior.deployedModelId()).withEndpoint(endpoint.getName());
        // 1. Versions that were serving before and have been undeployed since come back, without traffic yet.
        Map<String, String> ids = new LinkedHashMap<>();
        for (Map.Entry<String, String> was : target.deployedVersions().entrySet()) {
            DeployedModel now = endpoint.getDeployedModelsList().stream()
                    .filter(d -> d.getId().equals(was.getKey())
                            || (ResourceNames.same(d.getModel(), modelName) && d.getModelVersionId().equals(was.getValue())))
                    .findFirst().orElse(null);
            if (now == null) {
                Map<String, Integer> keep = new LinkedHashMap<>(endpoint.getTrafficSplitMap());
                keep.put(TrafficSplits.DEPLOYING, keep.isEmpty() ? 100 : 0);
                now = deploy(plan, endpoint, was.getValue(), keep, rec);
                endpoint = vertex.endpoints().getEndpoint(endpoint.getName());
            }
            ids.put(was.getKey(), now.getId());
        }
        // 2. The old split, by the ids the versions have now.
        Map<String, Integer> split = new LinkedHashMap<>();
        target.trafficSplit().forEach((k, v) -> split.put(ids.getOrDefault(k, k), v));
        if (!split.isEmpty()) {
            progress.step("restoring traffic split " + split);
            vertex.endpoints().updateEndpoint(UpdateEndpointRequest.newBuilder()
                    .setEndpoint(Endpoint.newBuilder().setName(endpoint.getName()).putAllTrafficSplit(split))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("traffic_split")).build());
        }
        // 3. What was not there before goes (it has no traffic now).
        endpoint = vertex.endpoints().getEndpoint(endpoint.getName());
        List<String> undeployed = new ArrayList<>();
        for (DeployedModel d : endpoint.getDeployedModelsList()) {
            if (!ids.containsValue(d.getId())) {
                undeploy(endpoint.getName(), d, rec);
                undeployed.add(d.getId());
            }
        }
        restoreAliases(modelName, target.aliases());
        Endpoint after = vertex.endpoints().getEndpoint(endpoint.getName());
        return rec.done(after.getName(), prior.deployedModelId(), after.getTrafficSplitMap(), aliases(versions(modelName)),
                undeployed);
    }

    /** A reused version gets the metrics and blessing labels this promotion judged it by, when it lacks them. */
    private Model keepBlessing(PromotionPlan plan, Model version) {
        Map<String, String> wanted = new TreeMap<>(version.getLabelsMap());
        plan.labels().forEach((k, v) -> {
            if (MetricLabels.isBlessingLabel(k)) {
                wanted.put(k, v);
            }
        });
        if (wanted.equals(new TreeMap<>(version.getLabelsMap()))) {
            return version;
        }
        progress.step("keeping the metrics and blessing on version " + version.getVersionId() + " (labels)");
        return vertex.models().updateModel(com.google.cloud.aiplatform.v1.UpdateModelRequest.newBuilder()
                .setModel(Model.newBuilder().setName(plan.modelName() + "@" + version.getVersionId()).putAllLabels(wanted))
                .setUpdateMask(FieldMask.newBuilder().addPaths("labels")).build());
    }

    /** The version that had prod before, and when prod moved, kept on the version itself for audits. */
    private void recordProdHistory(String modelName, String versionId, String previousProd) {
        Model v = vertex.models().getModel(modelName + "@" + versionId);
        Map<String, String> labels = new TreeMap<>(v.getLabelsMap());
        labels.put("mlship-prod-previous", previousProd);
        labels.put("mlship-prod-since", Long.toString(java.time.Instant.now().getEpochSecond()));
        vertex.models().updateModel(com.google.cloud.aiplatform.v1.UpdateModelRequest.newBuilder()
                .setModel(Model.newBuilder().setName(modelName + "@" + versionId).putAllLabels(labels))
                .setUpdateMask(FieldMask.newBuilder().addPaths("labels")).build());
    }

    private void restoreAliases(String modelName, Map<String, List<String>> wanted) {
        Map<String, List<String>> current = aliases(versions(modelName));
        // Adding an alias takes it from whichever version has it, so adds go first, then what is left is removed.
        for (Map.Entry<String, List<String>> w : wanted.entrySet()) {
            List<String> add = new ArrayList<>(w.getValue());
            add.removeAll(current.getOrDefault(w.getKey(), List.of()));
            add.remove("default");
            if (!add.isEmpty() && current.containsKey(w.getKey())) {
                merge(modelName, w.getKey(), add);
            }
        }
        current = aliases(versions(modelName));
        for (Map.Entry<String, List<String>> c : current.entrySet()) {
            List<String> remove = new ArrayList<>();
            for (String a : c.getValue()) {
                if (!"default".equals(a) && !wanted.getOrDefault(c.getKey(), List.of()).contains(a)) {
                    remove.add("-" + a);
                }
            }
            if (!remove.isEmpty()) {
                merge(modelName, c.getKey(), remove);
            }
        }
    }

    private void merge(String modelName, String versionId, List<String> changes) {
        progress.step("aliases of version " + versionId + ": " + String.join(", ", changes));
        vertex.models().mergeVersionAliases(MergeVersionAliasesRequest.newBuilder()
                .setName(modelName + "@" + versionId).addAllVersionAliases(changes).build());
    }

    private Model upload(PromotionPlan plan, String digest, boolean firstVersion, PromotionRecord rec) {
        GcsUri artifacts = plan.artifacts();
        if (plan.copyTo() != null) {
            GcsUri target = plan.copyTo().child(ArtifactDigest.labelValue(digest));
            progress.step("copying " + artifacts + " to " + target + " (server-side)");
            store.copy(artifacts, target);
            artifacts = target;
        }
        Map<String, String> labels = new TreeMap<>(plan.labels());
        labels.put(DIGEST_LABEL, ArtifactDigest.labelValue(digest));
        Model.Builder model = Model.newBuilder().setDisplayName(plan.displayName()).setArtifactUri(artifacts.toString())
                .setContainerSpec(plan.container()).putAllLabels(labels).addVersionAliases(plan.candidateAlias())
                .setVersionDescription(versionDescription(plan, digest));
        if (plan.description() != null) {
            model.setDescription(plan.description());
        }
        UploadModelRequest.Builder req = UploadModelRequest.newBuilder().setParent(plan.location()).setModel(model);
        if (firstVersion) {
            req.setModelId(plan.modelId());
        } else {
            req.setParentModel(plan.modelName());
        }
        progress.step("uploading " + artifacts + " as a new version of " + plan.modelName());
        Operation op = vertex.models().uploadModelCallable().call(req.build());
        Operation done = waiter.await(new PendingOperation(op.getName(), "UploadModel", "UploadModel of " + plan.modelId()),
                p -> checkpoint.accept(rec.withPending(p)));
        UploadModelResponse response = unpack(done, UploadModelResponse.class);
        return vertex.models().getModel(response.getModel() + "@" + response.getModelVersionId());
    }

    private static String versionDescription(PromotionPlan plan, String digest) {
        StringBuilder s = new StringBuilder("artifacts " + plan.artifacts() + " (" + digest + ")");
        if (plan.buildUrl() != null) {
            s.append("; build ").append(plan.buildUrl());
        }
        return s.toString();
    }

    private Endpoint createEndpoint(PromotionPlan plan, PromotionRecord rec) {
        progress.step("creating endpoint " + plan.endpointDisplayName() + " in " + plan.location());
        Operation op = vertex.endpoints().createEndpointCallable().call(CreateEndpointRequest.newBuilder()
                .setParent(plan.location())
                .setEndpoint(Endpoint.newBuilder().setDisplayName(plan.endpointDisplayName()).putLabels("mlship-managed", "true"))
                .build());
        Operation done = waiter.await(new PendingOperation(op.getName(), "CreateEndpoint",
                "CreateEndpoint " + plan.endpointDisplayName()), p -> checkpoint.accept(rec.withPending(p)));
        return unpack(done, Endpoint.class);
    }

    private DeployedModel deploy(PromotionPlan plan, Endpoint endpoint, String versionId, Map<String, Integer> split,
                                 PromotionRecord rec) {
        progress.step("deploying version " + versionId + " to " + endpoint.getDisplayName()
                + " with traffic " + split);
        DeployedModel.Builder dm = DeployedModel.newBuilder().setModel(plan.modelName() + "@" + versionId)
                .setDisplayName(plan.modelId() + "-v" + versionId)
                .setDedicatedResources(DedicatedResources.newBuilder()
                        .setMachineSpec(MachineSpec.newBuilder().setMachineType(plan.machineType()))
                        .setMinReplicaCount(plan.minReplicas()).setMaxReplicaCount(plan.maxReplicas()));
        Operation op = vertex.endpoints().deployModelCallable().call(DeployModelRequest.newBuilder()
                .setEndpoint(endpoint.getName()).setDeployedModel(dm).putAllTrafficSplit(split).build());
        Operation done = waiter.await(new PendingOperation(op.getName(), "DeployModel",
                        "DeployModel of version " + versionId + " to " + endpoint.getDisplayName()),
                p -> checkpoint.accept(rec.withPending(p)));
        return unpack(done, DeployModelResponse.class).getDeployedModel();
    }

    private void undeploy(String endpoint, DeployedModel d, PromotionRecord rec) {
        progress.step("undeploying " + d.getId() + " (version " + d.getModelVersionId() + ")");
        Operation op = vertex.endpoints().undeployModelCallable().call(UndeployModelRequest.newBuilder()
                .setEndpoint(endpoint).setDeployedModelId(d.getId()).build());
        waiter.await(new PendingOperation(op.getName(), "UndeployModel", "UndeployModel of " + d.getId()),
                p -> checkpoint.accept(rec.withPending(p)));
    }

    private Endpoint findEndpoint(PromotionPlan plan) {
        List<Endpoint> found = new ArrayList<>();
        vertex.endpoints().listEndpoints(ListEndpointsRequest.newBuilder().setParent(plan.location())
                .setFilter("display_name=\"" + plan.endpointDisplayName() + "\"").build()).iterateAll().forEach(found::add);
        if (found.size() > 1) {
            throw MlshipException.badInput(found.size() + " endpoints in " + plan.location() + " are named "
                    + plan.endpointDisplayName(), "give the environment's endpoint a unique display name");
        }
        return found.isEmpty() ? null : found.get(0);
    }

    private List<Model> versions(String modelName) {
        List<Model> out = versions(modelName, null);
        return out == null ? List.of() : out;
    }

    /** The model's versions matching {@code filter} (all when null); null when the model does not exist. */
    private List<Model> versions(String modelName, String filter) {
        ListModelVersionsRequest.Builder req = ListModelVersionsRequest.newBuilder().setName(modelName);
        if (filter != null) {
            req.setFilter(filter);
        }
        List<Model> out = new ArrayList<>();
        try {
            vertex.models().listModelVersions(req.build()).iterateAll().forEach(out::add);
        } catch (NotFoundException e) {
            return null;
        }
        return out;
    }

    private static Map<String, List<String>> aliases(List<Model> versions) {
        Map<String, List<String>> out = new TreeMap<>(java.util.Comparator.comparingLong(Long::parseLong));
        for (Model v : versions) {
            out.put(v.getVersionId(), List.copyOf(v.getVersionAliasesList()));
        }
        return new LinkedHashMap<>(out);
    }

    private static EndpointSnapshot snapshot(Endpoint endpoint, Map<String, List<String>> aliases) {
        if (endpoint == null) {
            return new EndpointSnapshot(Map.of(), Map.of(), aliases);
        }
        Map<String, String> deployed = new TreeMap<>();
        endpoint.getDeployedModelsList().forEach(d -> deployed.put(d.getId(), d.getModelVersionId()));
        return new EndpointSnapshot(endpoint.getTrafficSplitMap(), deployed, aliases);
    }

    private static void requirePrior(PromotionRecord prior, String action, String... after) {
        Set<String> allowed = new LinkedHashSet<>(List.of(after));
        if (prior == null || prior.endpoint() == null || !allowed.contains(prior.action())) {
            throw MlshipException.badInput("nothing to " + action + ": promote.json has no "
                            + String.join(" or ", allowed) + " to " + action + " from"
                            + (prior == null ? "" : " (last action: " + prior.action() + ")"),
                    "run mlship promote first, with the same --result-dir");
        }
    }

    private static <T extends com.google.protobuf.Message> T unpack(Operation op, Class<T> type) {
        try {
            return op.getResponse().unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw MlshipException.infrastructure("operation " + op.getName() + " answered with an unexpected "
                    + op.getResponse().getTypeUrl(), "report this as a bug", e);
        }
    }
}
