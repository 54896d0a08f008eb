package io.mlship.sandbox.storage;

import com.sun.net.httpserver.HttpExchange;
import io.mlship.sandbox.LoopbackHttp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The sandbox's Cloud Storage, spoken as the Cloud Storage JSON API over the folder of buckets: buckets (get, list,
 * insert), object listing, metadata with the checksums GCS computes, media, uploads (media, multipart, resumable),
 * rewrite, copy, compose and delete. The official clients reach it unchanged: the Java client with its host set to
 * {@link #url()} and no credentials (as {@code STORAGE_EMULATOR_HOST} points Google's libraries), gcloud with
 * {@code api_endpoint_overrides/storage} set to {@link #restUrl()}.
 */
public final class StorageJsonApi implements AutoCloseable {
    private final ObjectListing listing;
    private final ObjectRequests objects;
    private final ObjectUploads uploads;
    private final BucketRequests buckets;
    private final LoopbackHttp server;

    private StorageJsonApi(Path root, int port) throws IOException {
        ObjectFiles files = new ObjectFiles(root);
        this.listing = new ObjectListing(files);
        this.objects = new ObjectRequests(files);
        this.uploads = new ObjectUploads(files);
        this.buckets = new BucketRequests(files);
        this.server = LoopbackHttp.start(port, "sandbox-storage", this::handle);
    }

    /** Serves the buckets below {@code root} on loopback; port 0 picks a free one. */
    public static StorageJsonApi start(Path root, int port) throws IOException {
        return new StorageJsonApi(root, port);
    }

    /** {@code http://127.0.0.1:PORT}: the Java client's host setting, and STORAGE_EMULATOR_HOST's value. */
    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** {@code http://127.0.0.1:PORT/storage/v1/}: the API's root, what gcloud's api_endpoint_overrides/storage takes. */
    public String restUrl() {
        return url() + "/storage/v1/";
    }

    @Override
    public void close() {
        server.close();
    }

    private void handle(HttpExchange http) throws IOException {
        try (http) {
            ApiExchange ex = new ApiExchange(http);
            try {
                route(ex);
            } catch (ApiError e) {
                http.getRequestBody().readAllBytes(); // an unread body would stall a client still sending it
                ex.error(e);
            }
        }
    }

    /**
     * The JSON API's paths: {@code /storage/v1/b…} for metadata, {@code /download/storage/v1/…} for media,
     * {@code /upload/storage/v1/…} and {@code /resumable/upload/storage/v1/…} for uploads.
     */
    private void route(ApiExchange ex) throws IOException {
        List<String> s = ex.path;
        String door = s.isEmpty() ? "" : s.get(0);
        int skip = switch (door) {
            case "download", "upload" -> 1;
            case "resumable" -> 2;
            default -> 0;
        };
        s = s.subList(Math.min(skip, s.size()), s.size());
        if (s.size() < 3 || !s.get(0).equals("storage") || !s.get(1).equals("v1") || !s.get(2).equals("b")) {
            throw ApiError.notFound("No such path: " + ex.http.getRequestURI().getPath()
                    + " (this is the Cloud Storage JSON API: /storage/v1/b/…)");
        }
        String method = ex.method();
        boolean upload = door.equals("upload") || door.equals("resumable");
        if (s.size() == 3) {
            switch (method) {
                case "GET" -> buckets.list(ex);
                case "POST" -> buckets.insert(ex);
                default -> throw notAllowed(method, s);
            }
            return;
        }
        String bucket = s.get(3);
        if (s.size() == 4 && method.equals("GET")) {
            buckets.get(ex, bucket);
        } else if (s.size() == 5 && method.equals("GET") && s.get(4).equals("storageLayout")) {
            buckets.storageLayout(ex, bucket);
        } else if (s.size() >= 5 && !s.get(4).equals("o")) {
            throw notAllowed(method, s);
        } else if (s.size() == 5 && upload) {
            switch (method) {
                case "POST" -> uploads.insert(ex, bucket);
                case "PUT" -> uploads.put(ex);
                case "DELETE" -> uploads.cancel(ex);
                default -> throw notAllowed(method, s);
            }
        } else if (s.size() == 5 && method.equals("GET")) {
            listing.list(ex, bucket);
        } else if (s.size() == 6 && method.equals("GET")) {
            objects.get(ex, bucket, s.get(5));
        } else if (s.size() == 6 && method.equals("DELETE")) {
            objects.delete(ex, bucket, s.get(5));
        } else if (s.size() == 7 && method.equals("POST") && s.get(6).equals("compose")) {
            objects.compose(ex, bucket, s.get(5));
        } else if (s.size() == 11 && method.equals("POST") && s.get(7).equals("b") && s.get(9).equals("o")
                && s.get(6).equals("rewriteTo")) {
            objects.rewrite(ex, bucket, s.get(5), s.get(8), s.get(10));
        } else if (s.size() == 11 && method.equals("POST") && s.get(7).equals("b") && s.get(9).equals("o")
                && s.get(6).equals("copyTo")) {
            objects.copy(ex, bucket, s.get(5), s.get(8), s.get(10));
        } else {
            throw notAllowed(method, s);
        }
    }

    private static ApiError notAllowed(String method, List<String> path) {
        return new ApiError(405, "methodNotAllowed", method + " /" + String.join("/", path)
                + " is not served by the sandbox's Cloud Storage");
    }
}
