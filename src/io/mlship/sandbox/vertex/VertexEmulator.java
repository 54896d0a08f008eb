package io.mlship.sandbox.vertex;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.mlship.sandbox.storage.LocalBuckets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Vertex AI emulator: a gRPC server on loopback speaking {@code google.cloud.aiplatform.v1} (ModelService,
 * EndpointService, PredictionService) and {@code google.longrunning.Operations}, with real state and rules.
 */
public final class VertexEmulator implements AutoCloseable {
    private final Server grpc;
    private final VertexState state;
    private final FaultHooks hooks;
    private final ScheduledExecutorService scheduler;
    private final VertexRest rest;
    private final CallCounter calls = new CallCounter();

    private VertexEmulator(Builder b) throws IOException {
        this.hooks = new FaultHooks();
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "vertex-emulator-ops");
            t.setDaemon(true);
            return t;
        });
        OperationRegistry operations = new OperationRegistry(scheduler, b.operationDelay, hooks);
        ServingRuntime runtime = b.runtime != null ? b.runtime : request -> {
            throw new IllegalStateException("this emulator was started without a serving runtime, so it runs no model"
                    + " servers; the sandbox gives it one (mlship sandbox up)");
        };
        Map<String, String> sandboxEnv = b.storageUrl == null ? Map.of() : Map.of("STORAGE_EMULATOR_HOST", b.storageUrl);
        this.state = VertexState.create(operations, runtime, new LocalBuckets(b.storageRoot), sandboxEnv, b.healthTimeout);
        Predictor predictor = new Predictor(state.router());
        this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", b.grpcPort))
                .addService(new ModelServiceImpl(state.models()))
                .addService(new EndpointServiceImpl(state.endpoints(), state.deployments()))
                .addService(new PredictionServiceImpl(predictor))
                .addService(new OperationsImpl(operations))
                .intercept(new NumberedNames())
                .intercept(new Unavailable(hooks))
                .intercept(calls.grpcInterceptor()) // added last, so it runs first: refused calls count too
                .build().start();
        this.rest = b.restPort < 0 ? null : VertexRest.start(state, predictor, calls, b.restPort);
    }

    /** Refuses calls the fault hooks name with UNAVAILABLE, before any service code runs. */
    private record Unavailable(FaultHooks hooks) implements io.grpc.ServerInterceptor {
        @Override
        public <Q, A> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, A> call, io.grpc.Metadata headers,
                                                                   io.grpc.ServerCallHandler<Q, A> next) {
            if (hooks.refuse(call.getMethodDescriptor().getBareMethodName())) {
                call.close(io.grpc.Status.UNAVAILABLE.withDescription("injected: backend briefly unavailable"), new io.grpc.Metadata());
                return new io.grpc.ServerCall.Listener<>() { };
            }
            return next.startCall(call, headers);
        }
    }

    /** {@code storageRoot}: the sandbox's Cloud Storage folder, where model versions' artifacts are read and copied. */
    public static Builder builder(Path storageRoot) {
        return new Builder(storageRoot);
    }

    /** {@code 127.0.0.1:PORT}, what a gRPC client's endpoint setting takes. */
    public String grpcAddress() {
        return "127.0.0.1:" + grpc.getPort();
    }

    /** {@code http://127.0.0.1:PORT/}, what gcloud's {@code api_endpoint_overrides/aiplatform} takes; null without REST. */
    public String restUrl() {
        return rest == null ? null : "http://127.0.0.1:" + rest.port() + "/";
    }

    /** Calls received so far, per method; also served as JSON at {@code GET <restUrl>sandbox/calls}. */
    public CallCounter calls() {
        return calls;
    }

    public FaultHooks faults() {
        return hooks;
    }

    @Override
    public void close() {
        if (rest != null) {
            rest.close();
        }
        grpc.shutdownNow();
        try {
            grpc.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        state.servers().stopAll();
    }

    public void awaitTermination() throws InterruptedException {
        grpc.awaitTermination();
    }

    public static final class Builder {
        private final Path storageRoot;
        private int grpcPort;
        private int restPort;
        private Duration operationDelay = Duration.ofMillis(200);
        private Duration healthTimeout = Duration.ofSeconds(30);
        private ServingRuntime runtime;
        private String storageUrl;

        private Builder(Path storageRoot) {
            this.storageRoot = Objects.requireNonNull(storageRoot);
        }

        /** 0 (default) picks a free port. */
        public Builder grpcPort(int port) {
            this.grpcPort = port;
            return this;
        }

        /** 0 (default) picks a free port; -1 serves no REST. */
        public Builder restPort(int port) {
            this.restPort = port;
            return this;
        }

        /** How long every long-running operation takes. */
        public Builder operationDelay(Duration delay) {
            this.operationDelay = delay;
            return this;
        }

        public Builder healthTimeout(Duration timeout) {
            this.healthTimeout = timeout;
            return this;
        }

        /** Runs the deployed models' serving containers ({@link ImageServing} in the sandbox). */
        public Builder runtime(ServingRuntime runtime) {
            this.runtime = runtime;
            return this;
        }

        /**
         * The Cloud Storage JSON API over {@code storageRoot} ({@code http://host:port}): model servers get it as
         * {@code STORAGE_EMULATOR_HOST}, so they read their {@code gs://} artifact copy from it.
         */
        public Builder storageUrl(String url) {
            this.storageUrl = url;
            return this;
        }

        public VertexEmulator start() throws IOException {
            return new VertexEmulator(this);
        }
    }
}
