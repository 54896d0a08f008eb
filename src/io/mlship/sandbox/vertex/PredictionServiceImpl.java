package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.PredictRequest;
import com.google.cloud.aiplatform.v1.PredictResponse;
import com.google.cloud.aiplatform.v1.PredictionServiceGrpc;
import io.grpc.stub.StreamObserver;

/** {@code google.cloud.aiplatform.v1.PredictionService}: Predict only. */
final class PredictionServiceImpl extends PredictionServiceGrpc.PredictionServiceImplBase {
    private final Predictor predictor;

    PredictionServiceImpl(Predictor predictor) {
        this.predictor = predictor;
    }

    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> observer) {
        GrpcCalls.answer(observer, () -> predictor.predict(request));
    }
}
