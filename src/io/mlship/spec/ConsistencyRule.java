package io.mlship.spec;

/** Settings that are each valid but contradict each other. */
final class ConsistencyRule implements SpecRule {

    @Override
    public void check(RuleContext ctx) {
        ReleaseSpec spec = ctx.spec();
        if (spec.image() != null) {
            image(ctx, spec.image());
        }
        if (spec.deploy() != null) {
            deploy(ctx, spec);
        }
        if (spec.model() != null) {
            model(ctx, spec);
        }
        if (spec.smoke() != null) {
            smoke(ctx, spec);
        }
    }

    private void image(RuleContext ctx, ImageSpec image) {
        ImageSpec.Python py = image.python();
        if (py != null && py.sitePackages() != null && (py.requirements() != null || py.wheels() != null)) {
            ctx.error("/image/python/sitePackages", "sitePackages cannot be combined with requirements or wheels",
                    "use a ready site-packages folder, or requirements (optionally installed from wheels), not both");
        }
        if (py != null && py.indexUrlEnv() != null && (py.wheels() != null || py.sitePackages() != null)) {
            // Offline installs and ready folders never ask an index: a named index would be silently unused.
            ctx.error("/image/python/indexUrlEnv", "indexUrlEnv cannot be combined with "
                            + (py.wheels() != null ? "wheels (installed offline)" : "sitePackages (nothing is installed)"),
                    "install from the index (requirements and indexUrlEnv) or from wheels, not both");
        }
        if (image.user().equals("0") || image.user().startsWith("0:")) {
            ctx.warning("/image/user", "the container runs as root", "use a numeric non-root uid such as 65532:65532");
        }
    }

    private void deploy(RuleContext ctx, ReleaseSpec spec) {
        DeploySpec d = spec.deploy();
        if (d.port() != null && spec.image() != null && d.port() != spec.image().port()) {
            ctx.error("/deploy/port", "port " + d.port() + " conflicts with image.port " + spec.image().port(),
                    "the container listens on one port: remove deploy.port or make both the same");
        }
        if (d.port() == null && spec.image() == null) {
            ctx.error("/deploy/port", "required key is missing", "without an image section, set the container port here");
        }
        DeploySpec.Autoscaling hpa = d.autoscaling();
        int minReplicas = d.replicas();
        if (hpa != null && hpa.enabled()) {
            minReplicas = hpa.minReplicas() != null ? hpa.minReplicas() : d.replicas();
            if (hpa.maxReplicas() == null) {
                ctx.error("/deploy/autoscaling/maxReplicas", "required key is missing",
                        "set the most replicas the autoscaler may run, or set enabled: false");
            } else if (hpa.maxReplicas() < minReplicas) {
                ctx.error("/deploy/autoscaling/maxReplicas", "maxReplicas " + hpa.maxReplicas()
                        + " is less than minReplicas " + minReplicas, "raise maxReplicas or lower minReplicas");
            }
        }
        DeploySpec.DisruptionBudget pdb = d.disruptionBudget();
        if (pdb != null) {
            if ((pdb.minAvailable() == null) == (pdb.maxUnavailable() == null)) {
                ctx.error("/deploy/disruptionBudget", "set exactly one of minAvailable and maxUnavailable",
                        "Kubernetes accepts only one of the two in a PodDisruptionBudget");
            } else if (pdb.minAvailable() != null && !pdb.minAvailable().endsWith("%")
                    && Integer.parseInt(pdb.minAvailable()) >= minReplicas && minReplicas > 0) {
                ctx.error("/deploy/disruptionBudget/minAvailable", "minAvailable " + pdb.minAvailable()
                        + " with " + minReplicas + " replica(s) would block every node drain",
                        "keep minAvailable below the replica count, or use maxUnavailable: 1");
            }
        }
        DeploySpec.Ingress ingress = d.ingress();
        if (ingress != null && ingress.enabled() && ctx.environment().host() == null) {
            ctx.error(ctx.envPointer("host"), "required key is missing",
                    "deploy.ingress is enabled, so environment '" + ctx.environmentName() + "' needs the host on the internal domain");
        }
        DeploySpec.Rollout rollout = d.rollout();
        if (rollout != null && Durations.parse(rollout.timeout()).toSeconds() < rollout.progressDeadlineSeconds()) {
            ctx.error("/deploy/rollout/timeout", "timeout " + rollout.timeout() + " is shorter than progressDeadlineSeconds "
                    + rollout.progressDeadlineSeconds(), "the rollout would be given up before Kubernetes reports it stuck; raise the timeout");
        }
        if (rollout != null && rollout.readinessGrace() != null
                && Durations.parse(rollout.readinessGrace()).compareTo(Durations.parse(rollout.timeout())) > 0) {
            ctx.error("/deploy/rollout/readinessGrace", "readinessGrace " + rollout.readinessGrace()
                            + " is longer than the rollout timeout " + rollout.timeout(),
                    "the rollout would time out before a pod's readiness grace ends; shorten readinessGrace or raise deploy.rollout.timeout");
        }
        if (rollout != null && isZero(rollout.maxSurge()) && isZero(rollout.maxUnavailable())) {
            ctx.error("/deploy/rollout/maxSurge", "maxSurge and maxUnavailable are both 0", "a rollout could never progress; set maxSurge: 1");
        }
    }

    private void model(RuleContext ctx, ReleaseSpec spec) {
        ModelSpec m = spec.model();
        if (m.maxReplicas() < m.minReplicas()) {
            ctx.error("/model/maxReplicas", "maxReplicas " + m.maxReplicas() + " is less than minReplicas " + m.minReplicas(),
                    "raise maxReplicas or lower minReplicas");
        }
        if (m.aliases().candidate().equals(m.aliases().prod())) {
            ctx.error("/model/aliases/prod", "the candidate and prod aliases are both '" + m.aliases().prod() + "'",
                    "a version under test must not be reachable as prod; give them different names");
        }
        for (String which : new String[] {"candidate", "prod"}) {
            String alias = which.equals("prod") ? m.aliases().prod() : m.aliases().candidate();
            if (alias.equals("default")) {
                ctx.error("/model/aliases/" + which, "'default' is the alias Vertex AI manages itself", "choose another name");
            }
        }
        if (m.serving().usesServiceImage() && spec.image() == null) {
            ctx.error("/model/serving/image", "'service' means the image this spec builds, but there is no image section",
                    "add an image section or name the serving image");
        }
        if (Placeholders.unbalanced(m.artifacts())) {
            ctx.error("/model/artifacts", "unbalanced '{' or '}' in '" + m.artifacts() + "'", "placeholders look like {version}");
        }
    }

    private void smoke(RuleContext ctx, ReleaseSpec spec) {
        SmokeSpec s = spec.smoke();
        if (s.targets().contains("vertex") && spec.model() == null) {
            ctx.error("/smoke/targets", "target 'vertex' needs a model section", "remove 'vertex' or add the model");
        }
        if (s.targets().contains("service") && spec.deploy() == null) {
            ctx.error("/smoke/targets", "target 'service' needs a deploy section", "remove 'service' or add deploy");
        }
        if (s.load() != null && s.load().requests() != null && s.load().duration() != null) {
            ctx.error("/smoke/load", "set requests or duration, not both", "a load run ends after a count or after a time");
        }
        SmokeSpec.Thresholds t = s.thresholds();
        if (t != null) {
            ordered(ctx, t.p50(), "p50", t.p95(), "p95");
            ordered(ctx, t.p95(), "p95", t.p99(), "p99");
            ordered(ctx, t.p50(), "p50", t.p99(), "p99");
            if (t.p99() != null && Durations.parse(t.p99()).compareTo(Durations.parse(s.requestTimeout())) > 0) {
                ctx.error("/smoke/thresholds/p99", "p99 " + t.p99() + " is longer than requestTimeout " + s.requestTimeout(),
                        "requests are cut off at the timeout, so this threshold can never be reached; raise requestTimeout");
            }
        }
        if (s.golden() != null && s.golden().enabled() && s.cases() == null) {
            ctx.error("/smoke/golden", "golden comparison needs cases", "set smoke.cases to the inputs to compare");
        }
    }

    private static void ordered(RuleContext ctx, String low, String lowName, String high, String highName) {
        if (low != null && high != null && Durations.parse(low).compareTo(Durations.parse(high)) > 0) {
            ctx.error("/smoke/thresholds/" + lowName, lowName + " " + low + " is above " + highName + " " + high,
                    "a lower percentile cannot be slower than a higher one; these thresholds could never pass together");
        }
    }

    private static boolean isZero(String intOrPercent) {
        return intOrPercent != null && (intOrPercent.equals("0") || intOrPercent.equals("0%"));
    }
}
