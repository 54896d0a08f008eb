package io.mlship.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that serves in one environment after a change: the service's image, the model version and the
 * endpoint's aliases and traffic. Each journal entry holds the whole of it, so the state at any instant is one
 * entry, never a replay.
 *
 * @param modelVersion   the artifact version label ({@code v1}, the training run's folder)
 * @param modelVersionId Vertex AI's version id of that model
 * @param aliases        model version id → its aliases
 * @param traffic        deployed model id → percent of the endpoint's traffic
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Serving(String imageDigest, String modelVersion, String modelVersionId,
                      Map<String, List<String>> aliases, Map<String, Integer> traffic) {

    /** Nothing known to serve yet: what a first change starts from. */
    public static final Serving NOTHING = new Serving(null, null, null, null, null);

    public Serving {
        aliases = aliases == null ? null : sorted(aliases, List::copyOf);
        traffic = traffic == null ? null : sorted(traffic, v -> v);
    }

    /** The same, with the service on another image (a deploy or a service rollback changes only this). */
    public Serving withImage(String digest) {
        return new Serving(digest, modelVersion, modelVersionId, aliases, traffic);
    }

    /** The same service, with another model version, aliases and traffic (a promotion, shift or model rollback). */
    public Serving withModel(String version, String versionId, Map<String, List<String>> versionAliases,
                             Map<String, Integer> split) {
        return new Serving(imageDigest, version, versionId, versionAliases, split);
    }

    // Sorted, so that the same state is always written (and shown) the same way.
    private static <V> Map<String, V> sorted(Map<String, V> map, java.util.function.UnaryOperator<V> copy) {
        TreeMap<String, V> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(k, v == null ? null : copy.apply(v)));
        return Collections.unmodifiableMap(out);
    }
}
