package io.mlship.smoke.targets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlship.smoke.cases.SmokeRequest;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Vertex AI endpoint as a gate target. The answer's JSON is Predict's response as the REST API shows it,
 * {@code {"predictions": [...], "deployedModelId": "...", "modelVersionId": "..."}}, so cases can check
 * predictions with the same JSONPath expectations as for an HTTP service.
 */
public final class VertexTarget implements Target {
    private final VertexPredictor predictor;
    private final Duration timeout;
    private final ObjectMapper json;
    private final ExecutorService calls;
    // Every answer counts, cases and load run alike: a canary split shows up as more than one version.
    private final Map<String, LongAdder> served = new ConcurrentHashMap<>();
    private final java.util.Set<Future<?>> inFlight = ConcurrentHashMap.newKeySet();

    public VertexTarget(VertexPredictor predictor, Duration timeout, ObjectMapper json, int parallelism) {
        this.predictor = predictor;
        this.timeout = timeout;
        this.json = json;
        this.calls = Executors.newFixedThreadPool(Math.max(1, parallelism), r -> {
            Thread t = new Thread(r, "mlship-vertex-predict");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String describe() {
        return predictor.endpoint();
    }

    @Override
    public Response send(SmokeRequest request) {
        if (!(request instanceof SmokeRequest.PredictCall call)) {
            return Response.failed("an HTTP case cannot be sent to a Vertex AI endpoint; give it instances", 0);
        }
        long start = System.nanoTime();
        // Bounded here too: a client stuck on a dead channel must not hold the gate.
        Future<VertexPredictor.Prediction> future = calls.submit(() -> predictor.predict(call.instances(), call.parameters()));
        inFlight.add(future);
        try {
            VertexPredictor.Prediction p = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            long nanos = System.nanoTime() - start;
            served.computeIfAbsent(String.valueOf(p.modelVersionId()), v -> new LongAdder()).increment();
            ObjectNode body = json.createObjectNode();
            body.set("predictions", p.predictions());
            body.put("deployedModelId", p.deployedModelId());
            body.put("modelVersionId", p.modelVersionId());
            return new Response(200, json.writeValueAsString(body), body, nanos, null, p.modelVersionId());
        } catch (TimeoutException e) {
            future.cancel(true);
            return Response.failed("no answer within " + timeout.toMillis() + " ms", System.nanoTime() - start);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return Response.failed(cause.getClass().getSimpleName() + ": " + cause.getMessage(), System.nanoTime() - start);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return Response.failed("interrupted", System.nanoTime() - start);
        } catch (java.util.concurrent.CancellationException e) {
            return Response.failed("cancelled: the gate's verdict was already certain", System.nanoTime() - start);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Response.failed("cannot write the prediction as JSON: " + e.getOriginalMessage(), System.nanoTime() - start);
        } finally {
            inFlight.remove(future);
        }
    }

    @Override
    public void cancelInFlight() {
        inFlight.forEach(f -> f.cancel(true));
    }

    @Override
    public Map<String, Long> modelVersions() {
        Map<String, Long> out = new TreeMap<>();
        served.forEach((version, count) -> out.put(version, count.sum()));
        return out;
    }

    @Override
    public void close() {
        calls.shutdownNow();
        try {
            predictor.close();
        } catch (Exception e) {
            // Closing a client after the gate has decided changes nothing about the verdict.
        }
    }

}
