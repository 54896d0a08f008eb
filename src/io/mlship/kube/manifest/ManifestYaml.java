package io.mlship.kube.manifest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/** Multi-document YAML a person can read and {@code kubectl apply -f -} can take. */
public final class ManifestYaml {
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    public String write(List<HasMetadata> objects, List<String> headerComments) {
        StringBuilder out = new StringBuilder();
        for (String comment : headerComments) {
            out.append("# ").append(comment).append('\n');
        }
        for (HasMetadata object : objects) {
            String yaml = serialization.asYaml(object);
            out.append(yaml.startsWith("---") ? yaml : "---\n" + yaml);
            if (!yaml.endsWith("\n")) {
                out.append('\n');
            }
        }
        return out.toString();
    }
}
