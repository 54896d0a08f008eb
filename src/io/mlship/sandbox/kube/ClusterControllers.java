package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The controllers of the whole sandbox cluster: one {@link RolloutSimulator} per namespace, started when the
 * namespace appears (a release creates its environment's namespace when it is missing) and closed, with the
 * servers it runs, when the namespace goes.
 */
public final class ClusterControllers implements AutoCloseable {
    private final KubernetesClient client;
    private final Function<String, RolloutSimulator> perNamespace;
    private final Map<String, RolloutSimulator> simulators = new ConcurrentHashMap<>();
    /** Starting a simulator waits for its informers' first lists: not on the namespace informer's own thread. */
    private final ExecutorService starter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mlship-cluster-controllers");
        t.setDaemon(true);
        return t;
    });
    private SharedIndexInformer<Namespace> namespaces;
    private volatile boolean closed;

    /** {@code perNamespace} builds and starts the simulator of one namespace. */
    public ClusterControllers(KubernetesClient client, Function<String, RolloutSimulator> perNamespace) {
        this.client = client;
        this.perNamespace = perNamespace;
    }

    public ClusterControllers start() {
        namespaces = client.namespaces().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                String name = ns.getMetadata().getName();
                starter.execute(() -> {
                    if (!closed) {
                        simulators.computeIfAbsent(name, perNamespace);
                    }
                });
            }

            @Override
            public void onUpdate(Namespace oldNs, Namespace newNs) {
            }

            @Override
            public void onDelete(Namespace ns, boolean deletedFinalStateUnknown) {
                String name = ns.getMetadata().getName();
                starter.execute(() -> {
                    // Stopped first, forgotten second: once a namespace is gone from namespaces(), so are its servers.
                    RolloutSimulator s = simulators.get(name);
                    if (s != null) {
                        s.close();
                        simulators.remove(name, s);
                    }
                });
            }
        });
        return this;
    }

    /** The namespaces that have a running simulator now. */
    public Set<String> namespaces() {
        return Set.copyOf(simulators.keySet());
    }

    /** The simulator of one namespace, waiting up to {@code seconds} for it to start (tests use this). */
    public RolloutSimulator simulator(String namespace, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            RolloutSimulator s = simulators.get(namespace);
            if (s != null) {
                return s;
            }
            Thread.sleep(20); // waiting for the namespace informer's callback; there is no event to join
        }
        throw new IllegalStateException("no simulator for namespace " + namespace + " after " + seconds + "s");
    }

    @Override
    public void close() {
        closed = true;
        if (namespaces != null) {
            namespaces.close();
        }
        starter.shutdown();
        try {
            starter.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        simulators.values().parallelStream().forEach(RolloutSimulator::close);
        simulators.clear();
    }
}
