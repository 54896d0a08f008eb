package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Optional;

/**
 * What the kubelet finds when a pod refers to Secrets: a {@code secret} volume whose Secret does not exist keeps
 * the pod in ContainerCreating with FailedMount events; a {@code secretKeyRef} or {@code envFrom} Secret that is
 * missing, or lacks the key, stops the container with CreateContainerConfigError. References marked optional
 * are skipped, as there. The messages are the kubelet's own, so a deploy's explanation can be checked here.
 */
final class SecretRefCheck {
    /** Why pods of a template cannot start; {@code volume} is set for a mount failure, else it is a config error. */
    record Missing(String volume, String message) {
        boolean mount() {
            return volume != null;
        }
    }

    private final KubernetesClient client;
    private final String namespace;

    SecretRefCheck(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    Optional<Missing> check(PodSpec pod) {
        if (pod.getVolumes() != null) {
            for (Volume v : pod.getVolumes()) {
                var src = v.getSecret();
                if (src != null && !Boolean.TRUE.equals(src.getOptional()) && secret(src.getSecretName()) == null) {
                    return Optional.of(new Missing(v.getName(), "MountVolume.SetUp failed for volume \"" + v.getName()
                            + "\" : secret \"" + src.getSecretName() + "\" not found"));
                }
            }
        }
        for (Container c : pod.getContainers()) {
            Optional<Missing> env = env(c);
            if (env.isPresent()) {
                return env;
            }
        }
        return Optional.empty();
    }

    private Optional<Missing> env(Container c) {
        if (c.getEnvFrom() != null) {
            for (EnvFromSource from : c.getEnvFrom()) {
                var ref = from.getSecretRef();
                if (ref != null && !Boolean.TRUE.equals(ref.getOptional()) && secret(ref.getName()) == null) {
                    return Optional.of(new Missing(null, "secret \"" + ref.getName() + "\" not found"));
                }
            }
        }
        if (c.getEnv() != null) {
            for (EnvVar v : c.getEnv()) {
                var ref = v.getValueFrom() == null ? null : v.getValueFrom().getSecretKeyRef();
                if (ref == null || Boolean.TRUE.equals(ref.getOptional())) {
                    continue;
                }
                Secret s = secret(ref.getName());
                if (s == null) {
                    return Optional.of(new Missing(null, "secret \"" + ref.getName() + "\" not found"));
                }
                if (!has(s.getData(), ref.getKey()) && !has(s.getStringData(), ref.getKey())) {
                    return Optional.of(new Missing(null, "couldn't find key " + ref.getKey() + " in Secret " + namespace + "/" + ref.getName()));
                }
            }
        }
        return Optional.empty();
    }

    private Secret secret(String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
    }

    private static boolean has(Map<String, String> data, String key) {
        return data != null && data.containsKey(key);
    }
}
