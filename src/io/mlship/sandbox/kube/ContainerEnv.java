package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/** A container's environment as the kubelet would build it: envFrom sources first, then env (which wins). */
final class ContainerEnv {
    private ContainerEnv() {
    }

    static Map<String, String> resolve(KubernetesClient client, String namespace, Container c) {
        Map<String, String> env = new TreeMap<>();
        if (c.getEnvFrom() != null) {
            for (EnvFromSource from : c.getEnvFrom()) {
                String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                if (from.getConfigMapRef() != null) {
                    ConfigMap cm = client.configMaps().inNamespace(namespace).withName(from.getConfigMapRef().getName()).get();
                    if (cm != null && cm.getData() != null) {
                        cm.getData().forEach((k, v) -> env.put(prefix + k, v));
                    }
                }
                if (from.getSecretRef() != null) {
                    Secret s = client.secrets().inNamespace(namespace).withName(from.getSecretRef().getName()).get();
                    if (s != null && s.getData() != null) {
                        s.getData().forEach((k, v) -> env.put(prefix + k, decode(v)));
                    }
                }
            }
        }
        if (c.getEnv() != null) {
            for (EnvVar v : c.getEnv()) {
                String value = v.getValue();
                if (value == null && v.getValueFrom() != null && v.getValueFrom().getConfigMapKeyRef() != null) {
                    var ref = v.getValueFrom().getConfigMapKeyRef();
                    ConfigMap cm = client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
                    value = cm == null || cm.getData() == null ? null : cm.getData().get(ref.getKey());
                }
                if (value == null && v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null) {
                    var ref = v.getValueFrom().getSecretKeyRef();
                    Secret s = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
                    String raw = s == null || s.getData() == null ? null : s.getData().get(ref.getKey());
                    // stringData is what a writer may send; a real API server folds it into data, the mock keeps it.
                    value = raw != null ? decode(raw) : s == null || s.getStringData() == null ? null : s.getStringData().get(ref.getKey());
                }
                env.put(v.getName(), value == null ? "" : value);
            }
        }
        return env;
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
