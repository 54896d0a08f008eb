package io.mlship.model;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.aiplatform.v1.EndpointServiceClient;
import com.google.cloud.aiplatform.v1.EndpointServiceSettings;
import com.google.cloud.aiplatform.v1.ModelServiceClient;
import com.google.cloud.aiplatform.v1.ModelServiceSettings;
import com.google.cloud.aiplatform.v1.PredictionServiceClient;
import com.google.cloud.aiplatform.v1.PredictionServiceSettings;
import com.google.longrunning.OperationsClient;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.time.Duration;

/**
 * The official Vertex AI clients, configured once for a target: the same code talks to Google and to the
 * emulator; only the endpoint and the credentials differ. Unary calls get a deadline.
 */
public final class VertexClients implements AutoCloseable {
    private final ModelServiceClient models;
    private final EndpointServiceClient endpoints;
    private final PredictionServiceClient predictions;

    public VertexClients(VertexTarget target, Duration callTimeout) throws IOException {
        ModelServiceSettings.Builder ms = ModelServiceSettings.newBuilder().setEndpoint(target.grpcEndpoint());
        EndpointServiceSettings.Builder es = EndpointServiceSettings.newBuilder().setEndpoint(target.grpcEndpoint());
        PredictionServiceSettings.Builder ps = PredictionServiceSettings.newBuilder().setEndpoint(target.grpcEndpoint());
        if (target.emulator()) {
            TransportChannelProvider channel = InstantiatingGrpcChannelProvider.newBuilder()
                    .setEndpoint(target.grpcEndpoint())
                    .setChannelConfigurator(ManagedChannelBuilder::usePlaintext).build();
            ms.setTransportChannelProvider(channel).setCredentialsProvider(NoCredentialsProvider.create());
            es.setTransportChannelProvider(channel).setCredentialsProvider(NoCredentialsProvider.create());
            ps.setTransportChannelProvider(channel).setCredentialsProvider(NoCredentialsProvider.create());
        }
        org.threeten.bp.Duration t = org.threeten.bp.Duration.ofMillis(callTimeout.toMillis());
        ms.applyToAllUnaryMethods(b -> {
            b.setRetrySettings(b.getRetrySettings().toBuilder().setTotalTimeout(t).setInitialRpcTimeout(t).setMaxRpcTimeout(t).build());
            return null;
        });
        es.applyToAllUnaryMethods(b -> {
            b.setRetrySettings(b.getRetrySettings().toBuilder().setTotalTimeout(t).setInitialRpcTimeout(t).setMaxRpcTimeout(t).build());
            return null;
        });
        ps.applyToAllUnaryMethods(b -> {
            b.setRetrySettings(b.getRetrySettings().toBuilder().setTotalTimeout(t).setInitialRpcTimeout(t).setMaxRpcTimeout(t).build());
            return null;
        });
        // Reads are safe to repeat (AIP-194): a brief UNAVAILABLE is retried with backoff within the call's deadline.
        // Writes keep the client's own settings: an upload or deploy is never sent twice blindly; a re-run resumes.
        retryReads(ms.getModelSettings(), t);
        retryReads(ms.listModelsSettings(), t);
        retryReads(ms.listModelVersionsSettings(), t);
        retryReads(es.getEndpointSettings(), t);
        retryReads(es.listEndpointsSettings(), t);
        this.models = ModelServiceClient.create(ms.build());
        this.endpoints = EndpointServiceClient.create(es.build());
        this.predictions = PredictionServiceClient.create(ps.build());
    }

    private static void retryReads(com.google.api.gax.rpc.UnaryCallSettings.Builder<?, ?> b, org.threeten.bp.Duration total) {
        b.setRetryableCodes(com.google.api.gax.rpc.StatusCode.Code.UNAVAILABLE);
        b.setRetrySettings(b.getRetrySettings().toBuilder()
                .setInitialRetryDelay(org.threeten.bp.Duration.ofMillis(200)).setRetryDelayMultiplier(2.0)
                .setMaxRetryDelay(org.threeten.bp.Duration.ofSeconds(5)).setMaxAttempts(6)
                .setTotalTimeout(total).setInitialRpcTimeout(total).setMaxRpcTimeout(total).build());
    }

    public ModelServiceClient models() {
        return models;
    }

    public EndpointServiceClient endpoints() {
        return endpoints;
    }

    public PredictionServiceClient predictions() {
        return predictions;
    }

    /** Operations are read through the service that started them; both share one API surface here. */
    public OperationsClient operations() {
        return models.getOperationsClient();
    }

    @Override
    public void close() {
        models.close();
        endpoints.close();
        predictions.close();
    }
}
