package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.EnvVar;
import com.google.cloud.aiplatform.v1.MachineSpec;
import com.google.cloud.aiplatform.v1.ModelContainerSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a custom serving container is started with, as Vertex AI documents it ("Custom container requirements",
 * variables set by Vertex AI): the {@code AIP_*} variables of the deployment, then {@code containerSpec.env}, whose
 * values and the spec's command and args may reference them as {@code $(NAME)}. One difference: every server here
 * shares this machine's network, so {@code AIP_HTTP_PORT} is a free loopback port, not {@code containerSpec.ports}.
 */
final class ContainerEnvironment {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private ContainerEnvironment() {
    }

    /** The route Vertex AI sends predictions to: the spec's, else its per-deployment default. */
    static String predictRoute(ModelContainerSpec spec, String endpointId, String deployedModelId) {
        return spec.getPredictRoute().isEmpty() ? defaultRoute(endpointId, deployedModelId) + ":predict"
                : spec.getPredictRoute();
    }

    /** The route Vertex AI health-checks: the spec's, else its per-deployment default. */
    static String healthRoute(ModelContainerSpec spec, String endpointId, String deployedModelId) {
        return spec.getHealthRoute().isEmpty() ? defaultRoute(endpointId, deployedModelId) : spec.getHealthRoute();
    }

    private static String defaultRoute(String endpointId, String deployedModelId) {
        return "/v1/endpoints/" + endpointId + "/deployedModels/" + deployedModelId;
    }

    /**
     * The container's variables: Vertex AI's own, then the spec's env in order (each may reference the ones before),
     * then {@code extra} (what only the sandbox adds, such as where its Cloud Storage is).
     *
     * @param storageUri the copy of the model's artifacts ({@code gs://…}), or empty when the model has none
     */
    static Map<String, String> variables(ModelContainerSpec spec, String endpointName, DeployedModel deployed,
                                         String storageUri, int port, Map<String, String> extra) {
        String endpointId = endpointName.substring(endpointName.lastIndexOf('/') + 1);
        Map<String, String> env = new LinkedHashMap<>();
        MachineSpec machine = deployed.getDedicatedResources().getMachineSpec();
        if (machine.getAcceleratorCount() > 0) {
            env.put("AIP_ACCELERATOR_TYPE", machine.getAcceleratorType().name());
        }
        env.put("AIP_DEPLOYED_MODEL_ID", deployed.getId());
        env.put("AIP_ENDPOINT_ID", endpointId);
        env.put("AIP_FRAMEWORK", "CUSTOM_CONTAINER");
        env.put("AIP_HEALTH_ROUTE", healthRoute(spec, endpointId, deployed.getId()));
        env.put("AIP_HTTP_PORT", Integer.toString(port));
        env.put("AIP_MACHINE_TYPE", machine.getMachineType());
        env.put("AIP_MODE", "PREDICTION");
        env.put("AIP_MODE_VERSION", "1.0.0");
        env.put("AIP_MODEL_NAME", endpointId);
        env.put("AIP_PREDICT_ROUTE", predictRoute(spec, endpointId, deployed.getId()));
        env.put("AIP_PROJECT_NUMBER", projectNumber(endpointName));
        env.put("AIP_STORAGE_URI", storageUri);
        env.put("AIP_VERSION_NAME", deployed.getId());
        for (EnvVar e : spec.getEnvList()) {
            env.put(e.getName(), expand(e.getValue(), env));
        }
        env.putAll(extra);
        return new TreeMap<>(env);
    }

    /** The spec's command or args with {@code $(NAME)} references to {@code env} expanded. */
    static List<String> expandAll(List<String> values, Map<String, String> env) {
        return values.stream().map(v -> expand(v, env)).toList();
    }

    /**
     * Kubernetes' expansion, which Vertex AI uses: {@code $(NAME)} becomes the variable's value, {@code $$} a single
     * {@code $}, and a reference to an unknown variable stays as written.
     */
    static String expand(String value, Map<String, String> env) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = m.group(1) == null ? "$" : env.getOrDefault(m.group(1), m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Names in the emulator's state carry the project's number ({@link ProjectNumbers}). */
    private static String projectNumber(String resourceName) {
        String[] parts = resourceName.split("/");
        return ProjectNumbers.of(parts[1]);
    }
}
