package io.mlship.release;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one release needs, resolved and checked before the first remote call: which parts run, and the
 * options each stage's command gets. Built with {@link #builder()}.
 */
public record ReleaseInputs(
        Path spec, Path repoRoot, String env, String service,
        boolean build, boolean deploy, boolean promote, boolean gateService, boolean gateVertex,
        String imageDigest, String baseImage, Path tar, boolean allowInsecureRegistry,
        String modelVersion, String artifacts, Integer canary, boolean servingImageIsService,
        Path cases, Path predictionCases, String baseline,
        String approvedBy, Path sandbox, String kubeconfig, String kubeContext,
        String gitSha, String buildUrl, String timeout, Path workDir) {

    public static Builder builder() {
        return new Builder();
    }

    /** The options every stage shares: spec, environment and the stage's own result folder. */
    List<String> common(String command, String stage) {
        List<String> a = new ArrayList<>(List.of(command, "--spec", spec.toString(), "--env", env,
                "--result-dir", stageDir(stage).toString()));
        if (repoRoot != null) {
            a.add("--repo-root");
            a.add(repoRoot.toString());
        }
        return a;
    }

    Path stageDir(String stage) {
        return workDir.resolve(stage);
    }

    public static final class Builder {
        private Path spec;
        private Path repoRoot;
        private String env;
        private String service;
        private boolean build;
        private boolean deploy;
        private boolean promote;
        private boolean gateService;
        private boolean gateVertex;
        private String imageDigest;
        private String baseImage;
        private Path tar;
        private boolean allowInsecureRegistry;
        private String modelVersion;
        private String artifacts;
        private Integer canary;
        private boolean servingImageIsService;
        private Path cases;
        private Path predictionCases;
        private String baseline;
        private String approvedBy;
        private Path sandbox;
        private String kubeconfig;
        private String kubeContext;
        private String gitSha;
        private String buildUrl;
        private String timeout = "30m";
        private Path workDir;

        public Builder spec(Path v, Path root) {
            spec = v;
            repoRoot = root;
            return this;
        }

        public Builder target(String environment, String serviceName) {
            env = environment;
            service = serviceName;
            return this;
        }

        /** Which parts run. */
        public Builder parts(boolean buildImage, boolean deployService, boolean promoteModel, boolean gateTheService,
                             boolean gateTheEndpoint) {
            build = buildImage;
            deploy = deployService;
            promote = promoteModel;
            gateService = gateTheService;
            gateVertex = gateTheEndpoint;
            return this;
        }

        public Builder image(String digest, String base, Path tarFile, boolean insecure) {
            imageDigest = digest;
            baseImage = base;
            tar = tarFile;
            allowInsecureRegistry = insecure;
            return this;
        }

        public Builder model(String version, String artifactsFolder, Integer canaryPercent, boolean servedByServiceImage) {
            modelVersion = version;
            artifacts = artifactsFolder;
            canary = canaryPercent;
            servingImageIsService = servedByServiceImage;
            return this;
        }

        public Builder gate(Path serviceCases, Path endpointCases, String baselineUrl) {
            cases = serviceCases;
            predictionCases = endpointCases;
            baseline = baselineUrl;
            return this;
        }

        public Builder cluster(String kubeconfigFile, String context) {
            kubeconfig = kubeconfigFile;
            kubeContext = context;
            return this;
        }

        public Builder provenance(String sha, String url, String approver) {
            gitSha = sha;
            buildUrl = url;
            approvedBy = approver;
            return this;
        }

        public Builder sandbox(Path dir) {
            sandbox = dir;
            return this;
        }

        public Builder timeout(String v) {
            timeout = v;
            return this;
        }

        public Builder workDir(Path v) {
            workDir = v;
            return this;
        }

        public ReleaseInputs build() {
            if (spec == null || env == null || workDir == null) {
                throw new IllegalStateException("spec, environment and work folder are required");
            }
            return new ReleaseInputs(spec, repoRoot, env, service, build, deploy, promote, gateService, gateVertex,
                    imageDigest, baseImage, tar, allowInsecureRegistry, modelVersion, artifacts, canary,
                    servingImageIsService, cases, predictionCases, baseline, approvedBy, sandbox, kubeconfig, kubeContext,
                    gitSha, buildUrl, timeout, workDir);
        }
    }
}
