package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.MergeVersionAliasesRequest;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.UpdateModelRequest;
import com.google.cloud.aiplatform.v1.UploadModelOperationMetadata;
import com.google.cloud.aiplatform.v1.UploadModelRequest;
import com.google.cloud.aiplatform.v1.UploadModelResponse;
import com.google.longrunning.Operation;
import com.google.protobuf.Empty;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The emulated Model Registry: models with numbered versions, aliases and labels. A model answers with the
 * endpoints its version is deployed to, so it reads {@link Endpoints}, and it refuses to delete what is deployed.
 * Each version keeps its own copy of the artifacts ({@link ArtifactCopies}), made when it is uploaded.
 */
final class ModelRegistry {
    private static final Pattern MODEL_ID = Pattern.compile("[a-z_][a-z0-9_-]{0,62}");

    private final Map<String, List<Model>> models = new LinkedHashMap<>();
    /** The artifact copy of each version, by {@code name@versionId}. */
    private final Map<String, String> storageUris = new HashMap<>();
    private final StateLock lock;
    private final Ids ids;
    private final OperationRegistry operations;
    private final Endpoints endpoints;
    private final ArtifactCopies copies;

    ModelRegistry(StateLock lock, Ids ids, OperationRegistry operations, Endpoints endpoints, ArtifactCopies copies) {
        this.lock = lock;
        this.ids = ids;
        this.operations = operations;
        this.endpoints = endpoints;
        this.copies = copies;
    }

    Operation upload(UploadModelRequest req) {
        synchronized (lock) {
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
            String name = req.getParentModel().isEmpty() ? newModelName(parent, req.getModelId())
                    : parentModel(parent, req.getParentModel());
            UploadModelOperationMetadata meta = UploadModelOperationMetadata.newBuilder()
                    .setGenericMetadata(OperationMeta.startedNow()).build();
            return operations.start(name, "UploadModel", meta, () -> {
                String copy = copies.copy(name, ids.next(), m.getArtifactUri()); // slow: outside the lock
                try {
                    return addVersion(name, m, copy);
                } catch (RuntimeException e) {
                    copies.delete(copy);
                    throw e;
                }
            });
        }
    }

    /** The {@code gs://} URI of the version's artifact copy (Vertex AI's AIP_STORAGE_URI), or "" without artifacts. */
    String storageUri(Model version) {
        synchronized (lock) {
            return storageUris.getOrDefault(version.getName() + "@" + version.getVersionId(), "");
        }
    }

    /** A new version's model: it must exist, in the location uploaded to. */
    private String parentModel(String parent, String name) {
        if (models.getOrDefault(name, List.of()).isEmpty()) {
            throw ApiError.notFound("parent model " + name + " not found");
        }
        if (!name.startsWith(parent + "/models/")) {
            throw ApiError.invalid("parent_model " + name + " is not in " + parent);
        }
        return name;
    }

    /** A new model's name: the id asked for, or the next free number. */
    private String newModelName(String parent, String modelId) {
        String id = modelId.isEmpty() ? ids.next() : modelId;
        if (!MODEL_ID.matcher(id).matches()) {
            throw ApiError.invalid("model_id '" + id + "' must match " + MODEL_ID.pattern());
        }
        String name = parent + "/models/" + id;
        if (!models.getOrDefault(name, List.of()).isEmpty()) {
            throw ApiError.exists("model " + name + " already exists; upload a new version with parent_model");
        }
        return name;
    }

    private UploadModelResponse addVersion(String name, Model m, String copy) {
        synchronized (lock) {
            List<Model> versions = models.computeIfAbsent(name, n -> new ArrayList<>());
            String version = Integer.toString(versions.size() + 1);
            Model.Builder b = m.toBuilder().setName(name).setVersionId(version)
                    .setCreateTime(OperationMeta.now()).setUpdateTime(OperationMeta.now())
                    .setVersionCreateTime(OperationMeta.now()).setVersionUpdateTime(OperationMeta.now())
                    .clearVersionAliases();
            List<String> aliases = new ArrayList<>();
            if (versions.isEmpty()) {
                aliases.add(VersionAliases.DEFAULT);
            }
            for (String alias : m.getVersionAliasesList()) {
                VersionAliases.take(versions, alias);
                aliases.add(alias);
            }
            b.addAllVersionAliases(aliases);
            b.addSupportedDeploymentResourcesTypes(Model.DeploymentResourcesType.DEDICATED_RESOURCES);
            versions.add(b.build());
            storageUris.put(name + "@" + version, copy);
            return UploadModelResponse.newBuilder().setModel(name).setModelVersionId(version).build();
        }
    }

    /** {@code name} alone is the default version; {@code name@ref} the version with that id or alias. */
    Model getModel(String name) {
        synchronized (lock) {
            String[] parts = name.split("@", 2);
            List<Model> versions = models.get(parts[0]);
            if (versions == null || versions.isEmpty()) {
                throw ApiError.notFound("model " + parts[0] + " not found");
            }
            String ref = parts.length == 2 ? parts[1] : VersionAliases.DEFAULT;
            for (Model v : versions) {
                if (v.getVersionId().equals(ref) || v.getVersionAliasesList().contains(ref)) {
                    return withDeployments(v);
                }
            }
            throw ApiError.notFound("model " + parts[0] + " has no version or alias '" + ref + "'");
        }
    }

    private Model withDeployments(Model v) {
        return v.toBuilder().clearDeployedModels()
                .addAllDeployedModels(endpoints.deploymentsOf(v.getName(), v.getVersionId())).build();
    }

    List<Model> listModels(String parent, String filter) {
        synchronized (lock) {
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
    }

    List<Model> listVersions(String name, String filter) {
        synchronized (lock) {
            List<Model> versions = models.get(name);
            if (versions == null || versions.isEmpty()) {
                throw ApiError.notFound("model " + name + " not found");
            }
            return versions.stream().map(this::withDeployments).filter(m -> Filters.matches(filter, m)).toList();
        }
    }

    Model mergeAliases(MergeVersionAliasesRequest req) {
        synchronized (lock) {
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
    }

    /** UpdateModel: labels, descriptions and display name of one version (name with @version) or the default one. */
    Model updateModel(UpdateModelRequest req) {
        synchronized (lock) {
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
                    case "version_description", "versionDescription" ->
                            b.setVersionDescription(req.getModel().getVersionDescription());
                    default -> throw ApiError.invalid("update_mask path '" + path + "' cannot be updated");
                }
            }
            List<Model> versions = models.get(current.getName());
            Model updated = b.clearDeployedModels().setVersionUpdateTime(OperationMeta.now()).build();
            versions.set(indexOf(versions, current.getVersionId()), updated);
            return withDeployments(updated);
        }
    }

    Operation deleteVersion(String name) {
        synchronized (lock) {
            Model v = getModel(name);
            if (v.getDeployedModelsCount() > 0) {
                throw ApiError.precondition("model version " + name + " is deployed to "
                        + v.getDeployedModels(0).getEndpoint() + "; undeploy it first");
            }
            if (v.getVersionAliasesList().contains(VersionAliases.DEFAULT)) {
                throw ApiError.precondition("model version " + name
                        + " is the default version; move the 'default' alias first");
            }
            List<Model> versions = models.get(v.getName());
            versions.remove(indexOf(versions, v.getVersionId()));
            String copy = storageUris.remove(v.getName() + "@" + v.getVersionId());
            return operations.start(v.getName(), "DeleteModelVersion", OperationMeta.delete(), () -> {
                copies.delete(copy);
                return Empty.getDefaultInstance();
            });
        }
    }

    Operation deleteModel(String name) {
        synchronized (lock) {
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
            List<String> copiesOfModel = versions.stream()
                    .map(v -> storageUris.remove(name + "@" + v.getVersionId())).toList();
            return operations.start(name, "DeleteModel", OperationMeta.delete(), () -> {
                copiesOfModel.forEach(copies::delete);
                return Empty.getDefaultInstance();
            });
        }
    }

    private static int indexOf(List<Model> versions, String versionId) {
        for (int i = 0; i < versions.size(); i++) {
            if (versions.get(i).getVersionId().equals(versionId)) {
                return i;
            }
        }
        throw ApiError.notFound("version " + versionId + " not found");
    }
}
