package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.DeleteOperationMetadata;
import com.google.cloud.aiplatform.v1.GenericOperationMetadata;
import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Timestamps and the metadata every long-running operation carries. */
final class OperationMeta {
    private OperationMeta() {
    }

    /** The generic part of an operation's metadata: created now. */
    static GenericOperationMetadata.Builder startedNow() {
        return GenericOperationMetadata.newBuilder().setCreateTime(now());
    }

    static DeleteOperationMetadata delete() {
        return DeleteOperationMetadata.newBuilder().setGenericMetadata(startedNow()).build();
    }

    static Timestamp now() {
        Instant n = Instant.now();
        return Timestamp.newBuilder().setSeconds(n.getEpochSecond()).setNanos(n.getNano()).build();
    }
}
