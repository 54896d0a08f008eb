package io.mlship.sandbox.storage;

import java.nio.file.Path;
import java.util.Map;

/**
 * One resumable upload session: where the object goes, the preconditions and checksums given when it began, the
 * staged bytes received so far, and — once the last byte is in — the object it made, which a repeated final
 * request or a status query answers again.
 */
final class ResumableUpload {
    final String bucket;
    final String name;
    final Preconditions preconditions;
    final ObjectFiles.Checksums claimed;
    final Path staged;
    /** The object's size as the client announced it (X-Upload-Content-Length), or null until known. */
    Long total;
    long received;
    Map<String, Object> finished;

    ResumableUpload(String bucket, String name, Preconditions preconditions, ObjectFiles.Checksums claimed,
                    Path staged, Long total) {
        this.bucket = bucket;
        this.name = name;
        this.preconditions = preconditions;
        this.claimed = claimed;
        this.staged = staged;
        this.total = total;
    }
}
