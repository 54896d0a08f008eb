package io.mlship.kube.manifest;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlship.spec.DeploySpec;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.ReleaseSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The candidate of a service canary, made from the objects a deploy of the new image would apply, so it runs
 * exactly what stable will: the same Deployment, Service, ConfigMap and NetworkPolicy under the name
 * {@code <service>-canary}, with pods the stable Service, PodDisruptionBudget and autoscaler do not select (their
 * {@code app.kubernetes.io/instance} differs), and its own ConfigMap so a changed environment never reaches stable
 * pods before the gate passed. The route giving it a share of the host comes from {@link RouteRenderer}.
 */
public final class CanaryRenderer {
    /** On every candidate object: which service it is the candidate of. */
    public static final String CANARY_OF = "mlship.io/canary-of";
    private static final String SUFFIX = "-canary";

    private final KubernetesSerialization serialization = new KubernetesSerialization();

    public static String candidateName(ReleaseSpec spec) {
        return spec.service().name() + SUFFIX;
    }

    /** The candidate's labels: the stable ones, another instance, and whose candidate it is. */
    static Map<String, String> candidateLabels(Map<String, String> stable, ReleaseSpec spec) {
        Map<String, String> out = new LinkedHashMap<>(stable);
        out.put(ReleaseLabels.INSTANCE, candidateName(spec));
        out.put(CANARY_OF, spec.service().name());
        return out;
    }

    /**
     * The candidate's objects, in the order to apply them, from {@code rendered}: what {@link ManifestRenderer} gives
     * for the new image (routes, autoscaler, budget and service account are stable's alone).
     */
    public List<HasMetadata> candidate(EnvironmentView view, List<HasMetadata> rendered) {
        ReleaseSpec spec = view.spec();
        DeploySpec.Canary canary = spec.deploy().canary();
        String stable = spec.service().name();
        String configMap = ManifestRenderer.configMapName(spec);
        List<HasMetadata> out = new ArrayList<>();
        for (HasMetadata original : rendered) {
            HasMetadata o = copy(original);
            String name = o.getMetadata().getName();
            if (o instanceof ConfigMap && name.equals(configMap)) {
                rename(o, candidateName(spec) + "-env", spec);
                out.add(o);
            } else if (o instanceof NetworkPolicy np && name.equals(stable)) {
                rename(o, candidateName(spec), spec);
                Map<String, String> pods = new LinkedHashMap<>(np.getSpec().getPodSelector().getMatchLabels());
                pods.put(ReleaseLabels.INSTANCE, candidateName(spec));
                np.getSpec().getPodSelector().setMatchLabels(pods);
                out.add(o);
            } else if (o instanceof Deployment d && name.equals(stable)) {
                rename(o, candidateName(spec), spec);
                retarget(d, spec, canary == null ? 1 : canary.replicas());
                out.add(o);
            } else if (o instanceof Service s && name.equals(stable)) {
                rename(o, candidateName(spec), spec);
                Map<String, String> selector = new LinkedHashMap<>(s.getSpec().getSelector());
                selector.put(ReleaseLabels.INSTANCE, candidateName(spec));
                s.getSpec().setSelector(selector);
                out.add(o);
            }
        }
        return out;
    }

    /** The route giving the candidate {@code percent} of the host's traffic, or taking it all back at 0. */
    public HasMetadata route(EnvironmentView view, int percent) {
        ReleaseSpec spec = view.spec();
        RouteRenderer routes = new RouteRenderer(spec, view.settings(), ReleaseLabels.all(spec, view.name()));
        return routes.canary(percent);
    }

    /** The candidate's pods: selected by their own instance, their env from the candidate's ConfigMap, a fixed count. */
    private static void retarget(Deployment d, ReleaseSpec spec, int replicas) {
        d.getSpec().setReplicas(replicas); // the autoscaler scales stable only
        Map<String, String> selector = new LinkedHashMap<>(d.getSpec().getSelector().getMatchLabels());
        selector.put(ReleaseLabels.INSTANCE, candidateName(spec));
        d.getSpec().getSelector().setMatchLabels(selector);
        Map<String, String> podLabels = new LinkedHashMap<>(d.getSpec().getTemplate().getMetadata().getLabels());
        podLabels.put(ReleaseLabels.INSTANCE, candidateName(spec));
        d.getSpec().getTemplate().getMetadata().setLabels(podLabels);
        d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()
                .forEach(t -> t.getLabelSelector().setMatchLabels(selector));
        for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
            if (c.getEnvFrom() == null) {
                continue;
            }
            for (EnvFromSource from : c.getEnvFrom()) {
                if (from.getConfigMapRef() != null && from.getConfigMapRef().getName().equals(ManifestRenderer.configMapName(spec))) {
                    from.getConfigMapRef().setName(candidateName(spec) + "-env");
                }
            }
        }
    }

    private static void rename(HasMetadata o, String name, ReleaseSpec spec) {
        o.getMetadata().setName(name);
        o.getMetadata().setLabels(candidateLabels(o.getMetadata().getLabels(), spec));
    }

    private HasMetadata copy(HasMetadata o) {
        return serialization.unmarshal(serialization.asJson(o), o.getClass());
    }
}
