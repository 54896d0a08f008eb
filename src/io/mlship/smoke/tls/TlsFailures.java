package io.mlship.smoke.tls;

import io.mlship.result.MlshipException;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Tells a certificate problem apart from a service that answers badly. A certificate the gate cannot trust says
 * nothing about the version under test — every request would fail the same way — so it is an infrastructure error
 * (exit 3) naming the problem, not a failed gate that rolls a good release back.
 */
public final class TlsFailures {
    private TlsFailures() {
    }

    /** Throws exit 3 when {@code e}, from a request to {@code host}, was a certificate problem; else returns. */
    public static void check(Throwable e, String host) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateProblem p) {
                throw MlshipException.infrastructure(p.describe(host), p.hint(), e);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLPeerUnverifiedException) {
                // The HTTP client's own host name check, after a handshake the trust manager accepted.
                throw MlshipException.infrastructure("the certificate of " + host + " is not issued for " + host + ": "
                        + t.getMessage(), "gate the host the certificate names, or issue the certificate for this host", e);
            }
            if (t instanceof SSLHandshakeException && refusedOurCertificate(t.getMessage())) {
                throw MlshipException.infrastructure(host + " refused the gate's client certificate (" + t.getMessage() + ")",
                        "set smoke.tls.certFile and keyFile to a certificate the service trusts (mutual TLS)", e);
            }
        }
    }

    /** The TLS alerts a server sends when it wants a client certificate, or does not trust the one it got. */
    private static boolean refusedOurCertificate(String message) {
        String m = String.valueOf(message).toLowerCase(Locale.ROOT);
        return m.contains("certificate_required") || m.contains("bad_certificate") || m.contains("unknown_ca")
                || m.contains("certificate_unknown");
    }
}
