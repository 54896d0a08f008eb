package io.mlship.kube.manifest;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.mlship.spec.DeploySpec;
import io.mlship.spec.EnvironmentSpec;
import io.mlship.spec.ReleaseSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a resolved spec into the Kubernetes objects of one environment, in the order they are applied
 * (what others depend on first). Pure: no cluster is contacted.
 */
public final class ManifestRenderer {
    static final String CONTAINER = "server";
    static final String PORT_NAME = "http";

    public List<HasMetadata> render(ReleaseSpec spec, String environment, ImageTarget image) {
        if (spec.deploy() == null) {
            return List.of();
        }
        EnvironmentSpec env = spec.environments().get(environment);
        DeploySpec deploy = spec.deploy();
        Map<String, String> labels = ReleaseLabels.all(spec, environment);
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(new ServiceAccountBuilder()
                .withMetadata(meta(serviceAccountName(spec), env, labels, workloadIdentity(deploy)))
                .build());
        if (!deploy.env().isEmpty()) {
            objects.add(new ConfigMapBuilder()
                    .withMetadata(meta(configMapName(spec), env, labels, Map.of()))
                    .withData(new LinkedHashMap<>(deploy.env()))
                    .build());
        }
        objects.add(deployment(spec, env, labels, image));
        objects.add(new ServiceBuilder()
                .withMetadata(meta(spec.service().name(), env, labels, Map.of()))
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(ReleaseLabels.selector(spec))
                .addNewPort().withName(PORT_NAME).withPort(deploy.servicePort())
                .withTargetPort(new IntOrString(PORT_NAME)).withProtocol("TCP").endPort()
                .endSpec()
                .build());
        return objects;
    }

    private HasMetadata deployment(ReleaseSpec spec, EnvironmentSpec env, Map<String, String> labels, ImageTarget image) {
        DeploySpec deploy = spec.deploy();
        boolean autoscaled = deploy.autoscaling() != null && deploy.autoscaling().enabled();
        long[] user = uidGid(spec);
        return new DeploymentBuilder()
                .withMetadata(meta(spec.service().name(), env, labels, Map.of()))
                .withNewSpec()
                // Left out when an autoscaler owns the count, so a release does not reset it.
                .withReplicas(autoscaled ? null : deploy.replicas())
                .withRevisionHistoryLimit(5)
                .withProgressDeadlineSeconds(deploy.rollout().progressDeadlineSeconds())
                .withNewSelector().withMatchLabels(ReleaseLabels.selector(spec)).endSelector()
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxSurge(intOrPercent(deploy.rollout().maxSurge()))
                .withMaxUnavailable(intOrPercent(deploy.rollout().maxUnavailable()))
                .endRollingUpdate().endStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .withServiceAccountName(serviceAccountName(spec))
                .withNewSecurityContext()
                .withRunAsNonRoot(user[0] != 0).withRunAsUser(user[0]).withRunAsGroup(user[1]).withFsGroup(user[1])
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .addToContainers(container(spec, image))
                // The root file system is read-only; Python and most servers still need a writable /tmp.
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewTopologySpreadConstraint()
                .withMaxSkew(1).withTopologyKey("topology.kubernetes.io/zone").withWhenUnsatisfiable("ScheduleAnyway")
                .withNewLabelSelector().withMatchLabels(ReleaseLabels.selector(spec)).endLabelSelector()
                .endTopologySpreadConstraint()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private Container container(ReleaseSpec spec, ImageTarget image) {
        DeploySpec deploy = spec.deploy();
        int port = deploy.port() != null ? deploy.port() : spec.image().port();
        ContainerBuilder c = new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(image.reference())
                .addNewPort().withName(PORT_NAME).withContainerPort(port).withProtocol("TCP").endPort()
                .withResources(new ResourceRequirementsBuilder()
                        .withRequests(quantities(deploy.resources() == null ? null : deploy.resources().requests()))
                        .withLimits(quantities(deploy.resources() == null ? null : deploy.resources().limits()))
                        .build())
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().addToDrop("ALL").endCapabilities()
                .endSecurityContext()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount();
        if (!deploy.env().isEmpty()) {
            c.withEnvFrom(new EnvFromSourceBuilder().withNewConfigMapRef().withName(configMapName(spec)).endConfigMapRef().build());
        }
        if (deploy.probes() != null) {
            c.withReadinessProbe(probe(deploy.probes().readiness()));
            c.withLivenessProbe(probe(deploy.probes().liveness()));
            c.withStartupProbe(probe(deploy.probes().startup()));
        }
        return c.build();
    }

    private static Probe probe(DeploySpec.Probe p) {
        if (p == null || p.path() == null) {
            return null;
        }
        return new ProbeBuilder()
                .withNewHttpGet().withPath(p.path()).withPort(new IntOrString(PORT_NAME)).endHttpGet()
                .withInitialDelaySeconds(p.initialDelaySeconds())
                .withPeriodSeconds(p.periodSeconds())
                .withTimeoutSeconds(p.timeoutSeconds())
                .withFailureThreshold(p.failureThreshold())
                .build();
    }

    private static Map<String, Quantity> quantities(DeploySpec.ResourceList list) {
        Map<String, Quantity> out = new LinkedHashMap<>();
        if (list != null) {
            if (list.cpu() != null) {
                out.put("cpu", new Quantity(list.cpu()));
            }
            if (list.memory() != null) {
                out.put("memory", new Quantity(list.memory()));
            }
        }
        return out.isEmpty() ? null : out;
    }

    private static IntOrString intOrPercent(String value) {
        if (value == null) {
            return null;
        }
        return value.endsWith("%") ? new IntOrString(value) : new IntOrString(Integer.parseInt(value));
    }

    private static ObjectMeta meta(String name, EnvironmentSpec env, Map<String, String> labels, Map<String, String> annotations) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(env.namespace())
                .withLabels(new LinkedHashMap<>(labels))
                .withAnnotations(annotations.isEmpty() ? null : new LinkedHashMap<>(annotations))
                .build();
    }

    private static Map<String, String> workloadIdentity(DeploySpec deploy) {
        if (deploy.serviceAccount() == null || deploy.serviceAccount().gcpServiceAccount() == null) {
            return Map.of();
        }
        return Map.of("iam.gke.io/gcp-service-account", deploy.serviceAccount().gcpServiceAccount());
    }

    static String serviceAccountName(ReleaseSpec spec) {
        DeploySpec.ServiceAccount sa = spec.deploy().serviceAccount();
        return sa != null && sa.name() != null ? sa.name() : spec.service().name();
    }

    static String configMapName(ReleaseSpec spec) {
        return spec.service().name() + "-env";
    }

    /** uid and gid from the image's {@code user} ({@code 65532:65532}); without an image, the nobody-style default. */
    private static long[] uidGid(ReleaseSpec spec) {
        String user = spec.image() != null ? spec.image().user() : "65532:65532";
        String[] parts = user.split(":");
        long uid = Long.parseLong(parts[0]);
        return new long[] {uid, parts.length > 1 ? Long.parseLong(parts[1]) : uid};
    }
}
