package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.CreateEndpointRequest;
import com.google.cloud.aiplatform.v1.DeleteEndpointRequest;
import com.google.cloud.aiplatform.v1.DeployModelRequest;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.EndpointServiceGrpc;
import com.google.cloud.aiplatform.v1.GetEndpointRequest;
import com.google.cloud.aiplatform.v1.ListEndpointsRequest;
import com.google.cloud.aiplatform.v1.ListEndpointsResponse;
import com.google.cloud.aiplatform.v1.UndeployModelRequest;
import com.google.cloud.aiplatform.v1.UpdateEndpointRequest;
import com.google.longrunning.Operation;
import io.grpc.stub.StreamObserver;

/** {@code google.cloud.aiplatform.v1.EndpointService}: endpoints, deployments and traffic. */
final class EndpointServiceImpl extends EndpointServiceGrpc.EndpointServiceImplBase {
    private final Endpoints endpoints;
    private final Deployments deployments;

    EndpointServiceImpl(Endpoints endpoints, Deployments deployments) {
        this.endpoints = endpoints;
        this.deployments = deployments;
    }

    @Override
    public void createEndpoint(CreateEndpointRequest request, StreamObserver<Operation> observer) {
        GrpcCalls.answer(observer, () -> endpoints.createEndpoint(request));
    }

    @Override
    public void getEndpoint(GetEndpointRequest request, StreamObserver<Endpoint> observer) {
        GrpcCalls.answer(observer, () -> endpoints.getEndpoint(request.getName()));
    }

    @Override
    public void listEndpoints(ListEndpointsRequest request, StreamObserver<ListEndpointsResponse> observer) {
        GrpcCalls.answer(observer, () -> {
            var page = Pages.of(endpoints.listEndpoints(request.getParent(), request.getFilter()), request.getPageSize(),
                    request.getPageToken(), request.getParent() + "?" + request.getFilter());
            return ListEndpointsResponse.newBuilder().addAllEndpoints(page.items()).setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    public void updateEndpoint(UpdateEndpointRequest request, StreamObserver<Endpoint> observer) {
        GrpcCalls.answer(observer, () -> endpoints.updateEndpoint(request));
    }

    @Override
    public void deleteEndpoint(DeleteEndpointRequest request, StreamObserver<Operation> observer) {
        GrpcCalls.answer(observer, () -> endpoints.deleteEndpoint(request.getName()));
    }

    @Override
    public void deployModel(DeployModelRequest request, StreamObserver<Operation> observer) {
        GrpcCalls.answer(observer, () -> deployments.deploy(request));
    }

    @Override
    public void undeployModel(UndeployModelRequest request, StreamObserver<Operation> observer) {
        GrpcCalls.answer(observer, () -> deployments.undeploy(request));
    }
}
