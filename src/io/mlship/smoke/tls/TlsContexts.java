package io.mlship.smoke.tls;

import io.mlship.result.MlshipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The gate's TLS context: the JVM's default trust anchors (its trust store, {@code javax.net.ssl.trustStore} when
 * set) plus the CA bundle given, in one PKIX trust manager — so public and internal hosts are both trusted and no
 * home-made chain logic decides — and the client certificate when one is given.
 */
public final class TlsContexts {
    private static final char[] NO_PASSWORD = new char[0];

    private TlsContexts() {
    }

    public static SSLContext build(GateTls tls) {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            int i = 0;
            for (X509Certificate c : defaultTrust().getAcceptedIssuers()) {
                anchors.setCertificateEntry("jvm-" + i++, c);
            }
            if (tls.caFile() != null) {
                int j = 0;
                for (X509Certificate c : PemFiles.certificates(tls.caFile(), tls.caField())) {
                    anchors.setCertificateEntry("given-" + j++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(tls), new TrustManager[] {new CheckedTrust(extended(tmf))}, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw MlshipException.infrastructure("cannot set up TLS for the gate: " + e.getMessage(),
                    "check the JVM's trust store settings (javax.net.ssl.trustStore)", e);
        }
    }

    private static X509ExtendedTrustManager defaultTrust() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        return extended(tmf);
    }

    private static X509ExtendedTrustManager extended(TrustManagerFactory tmf) {
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("the JVM has no X.509 trust manager");
    }

    private static KeyManager[] keyManagers(GateTls tls) throws GeneralSecurityException, IOException {
        if (tls.certFile() == null && tls.keyFile() == null) {
            return null;
        }
        if (tls.certFile() == null || tls.keyFile() == null) {
            throw MlshipException.badInput("a client certificate needs both certFile and keyFile",
                    "set smoke.tls.certFile and smoke.tls.keyFile together, or neither");
        }
        List<X509Certificate> chain = PemFiles.certificates(tls.certFile(), tls.certField());
        PrivateKey key = PemFiles.privateKey(tls.keyFile(), tls.keyField());
        if (!matches(key, chain.get(0))) {
            throw MlshipException.badInput(tls.keyField() + ": the key in " + tls.keyFile() + " does not belong to the certificate in "
                    + tls.certFile() + " (" + chain.get(0).getSubjectX500Principal().getName() + ")",
                    "give the tls.key and tls.crt of the same Secret");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, NO_PASSWORD);
        return kmf.getKeyManagers();
    }

    /** Whether the key signs what the certificate's public key verifies: a mismatch would fail every handshake. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true; // cannot tell here; the handshake will
        }
        try {
            byte[] probe = "mlship".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
