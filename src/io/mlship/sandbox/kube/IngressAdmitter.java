package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Plays the ingress controller: an Ingress without a load-balancer address gets the configured one. */
final class IngressAdmitter {
    private final KubernetesClient client;
    private final String namespace;
    private final String address;
    private volatile boolean enabled = true;

    IngressAdmitter(KubernetesClient client, String namespace, String address) {
        this.client = client;
        this.namespace = namespace;
        this.address = address;
    }

    /** From now on Ingresses get no address, as in a cluster whose ingress controller is missing. */
    void disable() {
        enabled = false;
    }

    void admit(String name) {
        Ingress ing = client.network().v1().ingresses().inNamespace(namespace).withName(name).get();
        if (!enabled || ing == null || hasAddress(ing)) {
            return;
        }
        ing.setStatus(new IngressStatusBuilder()
                .withNewLoadBalancer().addNewIngress().withIp(address).endIngress().endLoadBalancer().build());
        client.network().v1().ingresses().inNamespace(namespace).resource(ing).updateStatus();
    }

    private static boolean hasAddress(Ingress ing) {
        return ing.getStatus() != null && ing.getStatus().getLoadBalancer() != null
                && ing.getStatus().getLoadBalancer().getIngress() != null && !ing.getStatus().getLoadBalancer().getIngress().isEmpty();
    }
}
