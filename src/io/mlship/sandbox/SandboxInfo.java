package io.mlship.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How to reach a running sandbox; {@code sandbox up} prints it and keeps it in the state folder. A service
 * the sandbox does not run is null.
 *
 * @param storageRest the Cloud Storage JSON API over storageRoot, as gcloud's {@code api_endpoint_overrides/storage}
 *                    takes it: {@code http://127.0.0.1:PORT/storage/v1/}
 * @param storageHost the same API as Google's client libraries take it: {@code http://127.0.0.1:PORT}, the Java
 *                    client's host and the value of {@code STORAGE_EMULATOR_HOST}
 * @param kubeconfig  kubeconfig file of the in-process Kubernetes API (for {@code mlship deploy --kubeconfig})
 * @param kubeContext its one context ({@code --context})
 * @param imagesDir   the registry target: build with {@code --tar IMAGES_DIR/NAME.tar}, deploy by the digest
 * @param runtime     how services of those images run: {@code process} or {@code podman}
 * @param ingressAddress where the simulated ingress serves hosts (loopback): {@code mlship smoke --sandbox} resolves
 *                    every host there, as internal DNS points the hosts at the ingress
 * @param caFile      PEM of the sandbox's CA, which signs the certificates its cert-manager stand-in issues: what
 *                    {@code --ca-file} or {@code smoke.tls.caFile} takes to trust the sandbox's HTTPS hosts
 * @param routerUrl   where the sandbox's router serves every host over HTTP ({@code http://127.0.0.1:PORT}): the host
 *                    goes in the Host header, and the Ingresses' and HTTPRoutes' rules and weights pick the Service
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SandboxInfo(String vertexGrpc, String vertexRest, String storageRoot, String storageRest, String storageHost,
                          String kubeconfig,
                          String kubeContext, String imagesDir, String runtime, Long pid, String ingressAddress,
                          String caFile, String routerUrl) {

    public SandboxInfo(String vertexGrpc, String vertexRest, String storageRoot, String storageRest, String storageHost,
                       String kubeconfig, String kubeContext, String imagesDir, String runtime, Long pid) {
        this(vertexGrpc, vertexRest, storageRoot, storageRest, storageHost, kubeconfig, kubeContext, imagesDir, runtime, pid,
                null, null, null);
    }
}
