package io.mlship.model;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.ClientSettings;
import com.google.cloud.aiplatform.v1.EndpointServiceClient;
import com.google.cloud.aiplatform.v1.EndpointServiceSettings;
import com.google.cloud.aiplatform.v1.ModelServiceClient;
import com.google.cloud.aiplatform.v1.ModelServiceSettings;
import com.google.cloud.aiplatform.v1.PredictionServiceClient;
import com.google.cloud.aiplatform.v1.PredictionServiceSettings;
import com.google.longrunning.OperationsClient;
import io.grpc.ManagedChannelBuilder;
import io.mlship.result.MlshipException;
import java.io.IOException;
import java.time.Duration;

/**
 * The official Vertex AI clients, configured once for a target: the same code talks to Google and to the
 * emulator; only the endpoint and the credentials differ. Unary calls get a deadline. Each client (and its
 * channel) is created on first use: promotion never predicts and the smoke gate never uploads, and setting one
 * up is a noticeable part of a command's start.
 */
public final class VertexClients implements AutoCloseable {
    private final VertexApi target;
    private final org.threeten.bp.Duration callTimeout;
    private ModelServiceClient models;
    private EndpointServiceClient endpoints;
    private PredictionServiceClient predictions;

    public VertexClients(VertexApi target, Duration callTimeout) {
        this.target = target;
        this.callTimeout = org.threeten.bp.Duration.ofMillis(callTimeout.toMillis());
    }

    public synchronized ModelServiceClient models() {
        if (models == null) {
            ModelServiceSettings.Builder ms = forTarget(ModelServiceSettings.newBuilder());
            ms.applyToAllUnaryMethods(this::withDeadline);
            // Reads are safe to repeat (AIP-194): a brief UNAVAILABLE is retried with backoff within the call's
            // deadline. Writes keep the client's own settings: an upload is never sent twice blindly; a re-run resumes.
            retryReads(ms.getModelSettings(), callTimeout);
            retryReads(ms.listModelsSettings(), callTimeout);
            retryReads(ms.listModelVersionsSettings(), callTimeout);
            models = create(() -> ModelServiceClient.create(ms.build()));
        }
        return models;
    }

    public synchronized EndpointServiceClient endpoints() {
        if (endpoints == null) {
            EndpointServiceSettings.Builder es = forTarget(EndpointServiceSettings.newBuilder());
            es.applyToAllUnaryMethods(this::withDeadline);
            retryReads(es.getEndpointSettings(), callTimeout); // reads only, as for models
            retryReads(es.listEndpointsSettings(), callTimeout);
            endpoints = create(() -> EndpointServiceClient.create(es.build()));
        }
        return endpoints;
    }

    public synchronized PredictionServiceClient predictions() {
        if (predictions == null) {
            PredictionServiceSettings.Builder ps = forTarget(PredictionServiceSettings.newBuilder());
            ps.applyToAllUnaryMethods(this::withDeadline);
            predictions = create(() -> PredictionServiceClient.create(ps.build()));
        }
        return predictions;
    }

    /** Operations are read through the service that started them; both share one API surface here. */
    public OperationsClient operations() {
        return models().getOperationsClient();
    }

    @Override
    public synchronized void close() {
        if (models != null) {
            models.close();
        }
        if (endpoints != null) {
            endpoints.close();
        }
        if (predictions != null) {
            predictions.close();
        }
    }

    /** Google's regional endpoint with the agent's credentials, or the emulator in plaintext without any. */
    private <B extends ClientSettings.Builder<?, B>> B forTarget(B settings) {
        settings.setEndpoint(target.grpcEndpoint());
        if (target.emulator()) {
            settings.setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
                            .setEndpoint(target.grpcEndpoint())
                            .setChannelConfigurator(ManagedChannelBuilder::usePlaintext).build())
                    .setCredentialsProvider(NoCredentialsProvider.create());
        }
        return settings;
    }

    private Void withDeadline(com.google.api.gax.rpc.UnaryCallSettings.Builder<?, ?> b) {
        b.setRetrySettings(b.getRetrySettings().toBuilder()
                .setTotalTimeout(callTimeout).setInitialRpcTimeout(callTimeout).setMaxRpcTimeout(callTimeout).build());
        return null;
    }

    private interface ClientFactory<T> {
        T create() throws IOException;
    }

    /** Creating a client opens no connection; what can fail here is the local set-up (credentials, channel). */
    private <T> T create(ClientFactory<T> factory) {
        try {
            return factory.create();
        } catch (IOException e) {
            throw MlshipException.infrastructure("cannot set up the Vertex AI client for " + target.grpcEndpoint() + ": "
                    + e.getMessage(), "check the agent's Google credentials (Workload Identity, or"
                    + " GOOGLE_APPLICATION_CREDENTIALS naming a key file)", e);
        }
    }

    private static void retryReads(com.google.api.gax.rpc.UnaryCallSettings.Builder<?, ?> b, org.threeten.bp.Duration total) {
        b.setRetryableCodes(com.google.api.gax.rpc.StatusCode.Code.UNAVAILABLE);
        b.setRetrySettings(b.getRetrySettings().toBuilder()
                .setInitialRetryDelay(org.threeten.bp.Duration.ofMillis(200)).setRetryDelayMultiplier(2.0)
                .setMaxRetryDelay(org.threeten.bp.Duration.ofSeconds(5)).setMaxAttempts(6)
                .setTotalTimeout(total).setInitialRpcTimeout(total).setMaxRpcTimeout(total).build());
    }
}
