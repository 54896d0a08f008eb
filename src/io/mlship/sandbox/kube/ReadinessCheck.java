package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/** The kubelet's readiness check against a server on loopback: an HTTP GET answering 200, or (no HTTP probe) a port that accepts. */
final class ReadinessCheck {
    private ReadinessCheck() {
    }

    /** The container's HTTP readiness probe path, or null when it has none. */
    static String path(Container c) {
        var probe = c.getReadinessProbe();
        return probe != null && probe.getHttpGet() != null && probe.getHttpGet().getPath() != null
                ? probe.getHttpGet().getPath() : null;
    }

    static boolean passes(int port, String path) {
        return path == null ? accepts(port) : answers200(port, path);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean answers200(int port, String path) {
        try {
            HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
            http.setConnectTimeout(500);
            http.setReadTimeout(2000);
            http.setRequestProperty("Connection", "close"); // no idle connection left to hold up a graceful stop
            try {
                int status = http.getResponseCode();
                try (InputStream body = status < 400 ? http.getInputStream() : http.getErrorStream()) {
                    if (body != null) {
                        body.readAllBytes();
                    }
                }
                return status == 200;
            } finally {
                http.disconnect();
            }
        } catch (IOException e) {
            return false; // not listening yet
        }
    }
}
