package io.mlship.sandbox.tls;

import io.mlship.smoke.tls.PemFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * TLS terminated in front of a plain-HTTP server, as an ingress controller does with a host's certificate: a
 * loopback port that speaks TLS with the given certificate and key and relays each connection's bytes to the
 * backend that {@code backend} names at that moment (null: no backend ready, the connection is closed).
 */
public final class TlsFront implements AutoCloseable {
    private static final char[] NO_PASSWORD = new char[0];

    private final SSLServerSocket server;
    private final Supplier<InetSocketAddress> backend;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mlship-sandbox-tls");
        t.setDaemon(true);
        return t;
    });

    private TlsFront(SSLServerSocket server, Supplier<InetSocketAddress> backend) {
        this.server = server;
        this.backend = backend;
    }

    /** Serves {@code certificatePem} (the chain) with {@code keyPem} on a free loopback port. */
    public static TlsFront start(String certificatePem, String keyPem, Supplier<InetSocketAddress> backend) throws IOException {
        SSLContext context = context(certificatePem, keyPem);
        SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 128, InetAddress.getLoopbackAddress());
        TlsFront front = new TlsFront(s, backend);
        front.threads.execute(front::accept);
        return front;
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> relay(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(Socket client) {
        InetSocketAddress to = backend.get();
        if (to == null) {
            close(client);
            return;
        }
        try {
            Socket upstream = new Socket();
            upstream.connect(to, 5_000);
            upstream.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            threads.execute(() -> pump(upstream, client));
            pump(client, upstream); // the handshake happens on the first read
        } catch (IOException e) {
            close(client);
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side went away (or the handshake failed): the other is closed below.
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static SSLContext context(String certificatePem, String keyPem) throws IOException {
        try {
            List<X509Certificate> chain = PemFiles.certificates(certificatePem, "the Secret", "tls.crt");
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("tls", PemFiles.privateKey(keyPem, "the Secret", "tls.key"), NO_PASSWORD,
                    chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, NO_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot serve the certificate: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // nothing to release beyond the socket
        }
        threads.shutdownNow();
    }
}
