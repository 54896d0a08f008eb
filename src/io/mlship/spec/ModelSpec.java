package io.mlship.spec;

import java.util.List;
import java.util.Map;

/** A trained model promoted from Cloud Storage into the Vertex AI Model Registry and onto an endpoint. */
public record ModelSpec(
        String id,
        String displayName,
        String description,
        String artifacts,
        Serving serving,
        String machineType,
        int minReplicas,
        int maxReplicas,
        int canaryPercent,
        Aliases aliases,
        Map<String, String> labels) {

    public ModelSpec {
        labels = Lists.copy(labels);
    }

    /** The aliases mlship moves between versions. */
    public record Aliases(String candidate, String prod) {
    }

    /** The custom serving container, with its routes always explicit. */
    public record Serving(String image, List<String> command, List<String> args, Map<String, String> env, int port,
                          String predictRoute, String healthRoute) {
        public Serving {
            command = Lists.copy(command);
            args = Lists.copy(args);
            env = Lists.copy(env);
        }

        /** {@code image: service} serves the model with the image this spec builds. */
        public boolean usesServiceImage() {
            return "service".equals(image);
        }
    }
}
