package io.mlship.sandbox.vertex;

import com.google.longrunning.GetOperationRequest;
import com.google.longrunning.ListOperationsRequest;
import com.google.longrunning.ListOperationsResponse;
import com.google.longrunning.Operation;
import com.google.longrunning.OperationsGrpc;
import io.grpc.stub.StreamObserver;

/** {@code google.longrunning.Operations}: how clients learn that an operation finished. */
final class OperationsImpl extends OperationsGrpc.OperationsImplBase {
    private final OperationRegistry operations;

    OperationsImpl(OperationRegistry operations) {
        this.operations = operations;
    }

    @Override
    public void getOperation(GetOperationRequest request, StreamObserver<Operation> observer) {
        GrpcCalls.answer(observer, () -> operations.get(request.getName()));
    }

    @Override
    public void listOperations(ListOperationsRequest request, StreamObserver<ListOperationsResponse> observer) {
        GrpcCalls.answer(observer, () -> {
            var page = Pages.of(operations.all().stream().filter(o -> o.getName().startsWith(request.getName())).toList(),
                    request.getPageSize(), request.getPageToken(), request.getName() + "?" + request.getFilter());
            return ListOperationsResponse.newBuilder().addAllOperations(page.items())
                    .setNextPageToken(page.nextPageToken()).build();
        });
    }
}
