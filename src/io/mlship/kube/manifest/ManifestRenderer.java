package io.mlship.kube.manifest;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
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
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.mlship.spec.DeploySpec;
import io.mlship.spec.EnvironmentSpec;
import io.mlship.spec.EnvironmentView;
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
    /** The image digest the pod runs, in its environment; the server may echo it, and the smoke gate checks it. */
    public static final String IMAGE_DIGEST_ENV = "MLSHIP_IMAGE_DIGEST";
    static final String PORT_NAME = "http";
    public static final String CERTIFICATE_API_VERSION = "cert-manager.io/v1";
    private static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
    /** On the pod template: a changed ConfigMap changes the template, so pods restart and read the new env. */
    public static final String CONFIG_HASH = "mlship.io/config-hash";

    public List<HasMetadata> render(EnvironmentView view, PodImage image) {
        return render(view, image, ReleaseIdentity.NONE);
    }

    public List<HasMetadata> render(EnvironmentView view, PodImage image, ReleaseIdentity release) {
        ReleaseSpec spec = view.spec();
        if (spec.deploy() == null) {
            return List.of();
        }
        String environment = view.name();
        EnvironmentSpec env = view.settings();
        DeploySpec deploy = spec.deploy();
        Map<String, String> podLabels = ReleaseLabels.all(spec, environment);
        Map<String, String> labels = ReleaseLabels.withRelease(podLabels, release);
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
        // Before the pods exist, so they never run unprotected.
        if (deploy.networkPolicy() != null && deploy.networkPolicy().enabled()) {
            objects.add(networkPolicy(spec, env, labels));
        }
        objects.add(deployment(spec, env, labels, podLabels, image));
        objects.add(new ServiceBuilder()
                .withMetadata(meta(spec.service().name(), env, labels, Map.of()))
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(ReleaseLabels.selector(spec))
                .addNewPort().withName(PORT_NAME).withPort(deploy.servicePort())
                .withTargetPort(new IntOrString(PORT_NAME)).withProtocol("TCP").endPort()
                .endSpec()
                .build());
        if (deploy.disruptionBudget() != null) {
            objects.add(disruptionBudget(spec, env, labels));
        }
        if (autoscaled(deploy)) {
            objects.add(autoscaler(spec, env, labels));
        }
        objects.addAll(new RouteRenderer(spec, env, labels).stable());
        return objects;
    }

    private static boolean autoscaled(DeploySpec deploy) {
        return deploy.autoscaling() != null && deploy.autoscaling().enabled();
    }

    /** Traffic only from the ingress controller's namespace and the namespaces the spec lists, to the server port. */
    private HasMetadata networkPolicy(ReleaseSpec spec, EnvironmentSpec env, Map<String, String> labels) {
        DeploySpec.NetworkPolicy np = spec.deploy().networkPolicy();
        List<String> namespaces = new ArrayList<>();
        namespaces.add(np.ingressControllerNamespace());
        for (String ns : np.allowFromNamespaces()) {
            if (!namespaces.contains(ns)) {
                namespaces.add(ns);
            }
        }
        NetworkPolicyIngressRuleBuilder rule = new NetworkPolicyIngressRuleBuilder();
        for (String ns : namespaces) {
            // kubernetes.io/metadata.name is set on every namespace by the API server itself (1.21+).
            rule.addNewFrom().withNewNamespaceSelector().addToMatchLabels(NAMESPACE_NAME_LABEL, ns).endNamespaceSelector().endFrom();
        }
        rule.addNewPort().withProtocol("TCP").withPort(new IntOrString(containerPort(spec))).endPort();
        return new NetworkPolicyBuilder()
                .withMetadata(meta(spec.service().name(), env, labels, Map.of()))
                .withNewSpec()
                .withNewPodSelector().withMatchLabels(ReleaseLabels.selector(spec)).endPodSelector()
                .withPolicyTypes("Ingress")
                .withIngress(rule.build())
                .endSpec()
                .build();
    }

    private HasMetadata disruptionBudget(ReleaseSpec spec, EnvironmentSpec env, Map<String, String> labels) {
        DeploySpec.DisruptionBudget pdb = spec.deploy().disruptionBudget();
        return new PodDisruptionBudgetBuilder()
                .withMetadata(meta(spec.service().name(), env, labels, Map.of()))
                .withNewSpec()
                .withMinAvailable(intOrPercent(pdb.minAvailable()))
                .withMaxUnavailable(intOrPercent(pdb.maxUnavailable()))
                .withNewSelector().withMatchLabels(ReleaseLabels.selector(spec)).endSelector()
                .endSpec()
                .build();
    }

    private HasMetadata autoscaler(ReleaseSpec spec, EnvironmentSpec env, Map<String, String> labels) {
        DeploySpec deploy = spec.deploy();
        DeploySpec.Autoscaling hpa = deploy.autoscaling();
        int min = hpa.minReplicas() != null ? hpa.minReplicas() : deploy.replicas();
        return new HorizontalPodAutoscalerBuilder()
                .withMetadata(meta(spec.service().name(), env, labels, Map.of()))
                .withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(spec.service().name()).endScaleTargetRef()
                .withMinReplicas(Math.max(1, min))
                .withMaxReplicas(hpa.maxReplicas())
                .addNewMetric().withType("Resource").withNewResource().withName("cpu")
                .withNewTarget().withType("Utilization").withAverageUtilization(hpa.targetCPUUtilizationPercentage()).endTarget()
                .endResource().endMetric()
                .endSpec()
                .build();
    }

    public static String tlsSecretName(ReleaseSpec spec) {
        DeploySpec.Tls tls = spec.deploy().ingress().tls();
        return tls != null && tls.secretName() != null ? tls.secretName() : spec.service().name() + "-tls";
    }

    private static int containerPort(ReleaseSpec spec) {
        DeploySpec deploy = spec.deploy();
        return deploy.port() != null ? deploy.port() : spec.image().port();
    }

    private HasMetadata deployment(ReleaseSpec spec, EnvironmentSpec env, Map<String, String> labels,
                                   Map<String, String> podLabels, PodImage image) {
        DeploySpec deploy = spec.deploy();
        boolean autoscaled = autoscaled(deploy);
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
                .withNewMetadata().withLabels(new LinkedHashMap<>(podLabels))
                .withAnnotations(deploy.env().isEmpty() ? null : Map.of(CONFIG_HASH, configHash(deploy.env())))
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(serviceAccountName(spec))
                .withNewSecurityContext()
                .withRunAsNonRoot(user[0] != 0).withRunAsUser(user[0]).withRunAsGroup(user[1]).withFsGroup(user[1])
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .addToContainers(container(spec, image))
                // The root file system is read-only; Python and most servers still need a writable /tmp.
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .addAllToVolumes(SecretRefs.volumes(deploy))
                .addNewTopologySpreadConstraint()
                .withMaxSkew(1).withTopologyKey("topology.kubernetes.io/zone").withWhenUnsatisfiable("ScheduleAnyway")
                .withNewLabelSelector().withMatchLabels(ReleaseLabels.selector(spec)).endLabelSelector()
                .endTopologySpreadConstraint()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private Container container(ReleaseSpec spec, PodImage image) {
        DeploySpec deploy = spec.deploy();
        int port = containerPort(spec);
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
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .addAllToVolumeMounts(SecretRefs.mounts(deploy));
        List<EnvVar> env = new ArrayList<>();
        if (image.pinned()) {
            // The digest the pod runs, for the server to echo (X-Mlship-Image-Digest): the gate then knows which
            // version answered. The image reference changes with it, so it adds no rollout of its own.
            env.add(new EnvVarBuilder().withName(IMAGE_DIGEST_ENV).withValue(image.digest()).build());
        }
        env.addAll(SecretRefs.env(deploy));
        if (!env.isEmpty()) {
            c.withEnv(env);
        }
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

    private static String configHash(Map<String, String> env) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            new java.util.TreeMap<>(env).forEach((k, v) -> sha.update((k + "=" + v + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
