package io.mlship.kube.deploy;

import io.mlship.spec.CommitSha;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.ImageDigest;
import io.mlship.state.StateStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One deploy (or rollback) of the service to one environment. Without a digest only a dry run is possible:
 * releases deploy by digest, never by tag. {@code recordFile} keeps what a deploy replaced, for a rollback.
 * {@code deployedBy} names the build on the Deployment's metadata. {@code state} keeps the record off the agent
 * (null: the workspace file only).
 */
public record DeployInput(EnvironmentView environment, ImageDigest imageDigest, boolean dryRun, String releaseId,
                          CommitSha gitSha, String kubeconfig, String kubeContext, Path recordFile,
                          Duration certificateTimeout, Duration ingressTimeout, Duration requestTimeout,
                          boolean agentCluster, DeployedBy deployedBy, StateStore state) {

    public DeployInput {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(recordFile, "recordFile");
        certificateTimeout = certificateTimeout == null ? Duration.ofMinutes(5) : certificateTimeout;
        ingressTimeout = ingressTimeout == null ? Duration.ofMinutes(5) : ingressTimeout;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(30) : requestTimeout;
        deployedBy = deployedBy == null ? DeployedBy.UNKNOWN : deployedBy;
    }

    public static DeployInput of(EnvironmentView environment, ImageDigest digest, Path recordFile) {
        return new DeployInput(environment, digest, false, null, null, null, null, recordFile, null, null, null, false,
                DeployedBy.UNKNOWN, null);
    }

    /** The same deploy of another image (the one just built). */
    public DeployInput withImage(ImageDigest digest) {
        return new DeployInput(environment, digest, dryRun, releaseId, gitSha, kubeconfig, kubeContext, recordFile,
                certificateTimeout, ingressTimeout, requestTimeout, agentCluster, deployedBy, state);
    }

    public DeployInput withDryRun(boolean dry) {
        return new DeployInput(environment, imageDigest, dry, releaseId, gitSha, kubeconfig, kubeContext, recordFile,
                certificateTimeout, ingressTimeout, requestTimeout, agentCluster, deployedBy, state);
    }

    public DeployInput withRelease(String id, CommitSha sha) {
        return new DeployInput(environment, imageDigest, dryRun, id, sha, kubeconfig, kubeContext, recordFile,
                certificateTimeout, ingressTimeout, requestTimeout, agentCluster, deployedBy, state);
    }

    public DeployInput withCluster(String file, String context) {
        return new DeployInput(environment, imageDigest, dryRun, releaseId, gitSha, file, context, recordFile,
                certificateTimeout, ingressTimeout, requestTimeout, agentCluster, deployedBy, state);
    }

    /** Allowed, without a kubeconfig, to deploy into the cluster the agent runs in whatever the environment names. */
    public DeployInput withAgentCluster(boolean allowed) {
        return new DeployInput(environment, imageDigest, dryRun, releaseId, gitSha, kubeconfig, kubeContext, recordFile,
                certificateTimeout, ingressTimeout, requestTimeout, allowed, deployedBy, state);
    }

    public DeployInput withTimeouts(Duration certificate, Duration ingress, Duration request) {
        return new DeployInput(environment, imageDigest, dryRun, releaseId, gitSha, kubeconfig, kubeContext, recordFile,
                certificate, ingress, request, agentCluster, deployedBy, state);
    }

    /** The build (and approver) the Deployment is to name; per-build facts, kept off the pod template. */
    public DeployInput withDeployedBy(DeployedBy by) {
        return new DeployInput(environment, imageDigest, dryRun, releaseId, gitSha, kubeconfig, kubeContext, recordFile,
                certificateTimeout, ingressTimeout, requestTimeout, agentCluster, by, state);
    }

    /** Where the environment's release state is kept beside the workspace file. */
    public DeployInput withState(StateStore store) {
        return new DeployInput(environment, imageDigest, dryRun, releaseId, gitSha, kubeconfig, kubeContext, recordFile,
                certificateTimeout, ingressTimeout, requestTimeout, agentCluster, deployedBy, store);
    }
}
