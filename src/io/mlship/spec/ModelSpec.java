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
        Map<String, String> labels,
        Evaluation evaluation) {

    public ModelSpec {
        labels = Lists.copy(labels);
    }

    /**
     * Blessing: {@code metrics} is a JSON file inside the artifacts folder (training writes it), {@code thresholds}
     * the rules it must meet (see {@link MetricThreshold}) before any traffic moves to the version.
     */
    public record Evaluation(String metrics, List<String> thresholds) {
        public Evaluation {
            thresholds = Lists.copy(thresholds);
        }

        /** The rules, parsed; the spec's rule has already refused any that do not parse. */
        public List<MetricThreshold> rules() {
            return thresholds.stream().map(MetricThreshold::parse).toList();
        }
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
