package io.mlship.kube.lock;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads one Lease together with the API server's time of the answer (its HTTP {@code Date} header), so that
 * whether a lease has expired is decided with one clock only, the server's, never the agent's.
 */
final class LeaseReads {
    private final KubernetesClient client;
    private final String path;
    private final Duration timeout;

    LeaseReads(KubernetesClient client, String namespace, String name, Duration timeout) {
        this.client = client;
        this.path = "apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases/" + name;
        this.timeout = timeout;
    }

    /**
     * The Lease (null when there is none) and the server's time when it answered, or null when the answer had no
     * {@code Date} (a server with a clock must send one, RFC 9110 §6.6.1; a proxy might drop it).
     */
    record Observed(Lease lease, Instant serverTime) {
    }

    Observed read() {
        String base = client.getMasterUrl().toString();
        HttpClient http = client.getHttpClient(); // the client's own: same credentials, TLS and proxy
        HttpRequest request = http.newHttpRequestBuilder().uri((base.endsWith("/") ? base : base + "/") + path)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).build();
        HttpResponse<String> response;
        try {
            response = http.sendAsync(request, String.class).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted while reading " + path, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KubernetesClientException("reading " + path + " failed within " + timeout.toSeconds() + "s: "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
        Instant serverTime = date(response.header("Date"));
        if (response.code() == 404) {
            return new Observed(null, serverTime);
        }
        if (!response.isSuccessful()) {
            throw new KubernetesClientException("GET " + path + " answered " + response.code() + ": " + response.body(),
                    response.code(), null);
        }
        return new Observed(client.getKubernetesSerialization().unmarshal(response.body(), Lease.class), serverTime);
    }

    static Instant date(String header) {
        if (header == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
