package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.DeleteModelRequest;
import com.google.cloud.aiplatform.v1.DeleteModelVersionRequest;
import com.google.cloud.aiplatform.v1.GetModelRequest;
import com.google.cloud.aiplatform.v1.ListModelVersionsRequest;
import com.google.cloud.aiplatform.v1.ListModelVersionsResponse;
import com.google.cloud.aiplatform.v1.ListModelsRequest;
import com.google.cloud.aiplatform.v1.ListModelsResponse;
import com.google.cloud.aiplatform.v1.MergeVersionAliasesRequest;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.ModelServiceGrpc;
import com.google.cloud.aiplatform.v1.UploadModelRequest;
import com.google.longrunning.Operation;
import io.grpc.stub.StreamObserver;

/** {@code google.cloud.aiplatform.v1.ModelService}: the calls mlship and gcloud use. */
final class ModelServiceImpl extends ModelServiceGrpc.ModelServiceImplBase {
    private final ModelRegistry models;

    ModelServiceImpl(ModelRegistry models) {
        this.models = models;
    }

    @Override
    public void uploadModel(UploadModelRequest request, StreamObserver<Operation> observer) {
        GrpcCalls.answer(observer, () -> models.upload(request));
    }

    @Override
    public void getModel(GetModelRequest request, StreamObserver<Model> observer) {
        GrpcCalls.answer(observer, () -> models.getModel(request.getName()));
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> observer) {
        GrpcCalls.answer(observer, () -> {
            var page = Pages.of(models.listModels(request.getParent(), request.getFilter()), request.getPageSize(),
                    request.getPageToken(), request.getParent() + "?" + request.getFilter());
            return ListModelsResponse.newBuilder().addAllModels(page.items()).setNextPageToken(page.nextPageToken()).build();
        });
    }

    @Override
    public void listModelVersions(ListModelVersionsRequest request, StreamObserver<ListModelVersionsResponse> observer) {
        GrpcCalls.answer(observer, () -> {
            var page = Pages.of(models.listVersions(request.getName(), request.getFilter()), request.getPageSize(),
                    request.getPageToken(), request.getName() + "?" + request.getFilter());
            return ListModelVersionsResponse.newBuilder().addAllModels(page.items()).setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    public void mergeVersionAliases(MergeVersionAliasesRequest request, StreamObserver<Model> observer) {
        GrpcCalls.answer(observer, () -> models.mergeAliases(request));
    }

    @Override
    public void updateModel(com.google.cloud.aiplatform.v1.UpdateModelRequest request, StreamObserver<Model> observer) {
        GrpcCalls.answer(observer, () -> models.updateModel(request));
    }

    @Override
    public void deleteModel(DeleteModelRequest request, StreamObserver<Operation> observer) {
        GrpcCalls.answer(observer, () -> models.deleteModel(request.getName()));
    }

    @Override
    public void deleteModelVersion(DeleteModelVersionRequest request, StreamObserver<Operation> observer) {
        GrpcCalls.answer(observer, () -> models.deleteVersion(request.getName()));
    }
}
