package io.mlship.smoke.tls;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/**
 * Why a server's certificate was not trusted, in the words a person fixing it needs: signed by an unknown CA
 * (naming it), issued for other names, expired or not yet valid. Thrown by {@link CheckedTrust} during the handshake
 * and found again in the handshake exception's causes.
 */
public final class CertificateProblem extends CertificateException {
    private static final long serialVersionUID = 1L;

    public enum Kind { UNKNOWN_CA, WRONG_HOST, EXPIRED, NOT_YET_VALID, OTHER }

    private final Kind kind;
    private final String subject;
    private final String issuer;
    private final List<String> names;
    private final Date notBefore;
    private final Date notAfter;

    private CertificateProblem(Kind kind, X509Certificate leaf, CertificateException cause) {
        super(kind + ": " + cause.getMessage(), cause);
        this.kind = kind;
        this.subject = leaf.getSubjectX500Principal().getName();
        this.issuer = leaf.getIssuerX500Principal().getName();
        this.names = dnsNames(leaf);
        this.notBefore = leaf.getNotBefore();
        this.notAfter = leaf.getNotAfter();
    }

    /** What the trust manager's refusal of {@code chain} at {@code now} means. */
    static CertificateProblem of(X509Certificate[] chain, CertificateException e, Date now) {
        X509Certificate leaf = chain[0];
        Kind kind;
        if (now.after(leaf.getNotAfter())) {
            kind = Kind.EXPIRED;
        } else if (now.before(leaf.getNotBefore())) {
            kind = Kind.NOT_YET_VALID;
        } else if (causedBy(e, CertPathBuilderException.class) || causedBy(e, CertPathValidatorException.class)) {
            kind = Kind.UNKNOWN_CA;
        } else if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("subject alternative")
                || String.valueOf(e.getMessage()).startsWith("No name matching")) {
            kind = Kind.WRONG_HOST;
        } else {
            kind = Kind.OTHER;
        }
        return new CertificateProblem(kind, leaf, e);
    }

    public Kind kind() {
        return kind;
    }

    /** One sentence about the certificate {@code host} showed. */
    public String describe(String host) {
        String of = "the certificate of " + host;
        return switch (kind) {
            case UNKNOWN_CA -> of + " is signed by an unknown CA (" + issuer + ")";
            case WRONG_HOST -> of + " is issued for " + (names.isEmpty() ? subject : String.join(", ", names))
                    + ", not for " + host;
            case EXPIRED -> of + " expired on " + notAfter.toInstant() + " (" + subject + ", issued by " + issuer + ")";
            case NOT_YET_VALID -> of + " is not valid before " + notBefore.toInstant() + " (" + subject + ")";
            case OTHER -> of + " is not trusted: " + getCause().getMessage();
        };
    }

    /** What to do about it. */
    public String hint() {
        return switch (kind) {
            case UNKNOWN_CA -> GateTls.CA_HINT;
            case WRONG_HOST -> "gate the host the certificate names, or issue the certificate for this host "
                    + "(its Certificate's dnsNames: the environment's host)";
            case EXPIRED, NOT_YET_VALID -> "renew the certificate (cert-manager: check the Certificate and its issuer), "
                    + "or check the clocks of the service and the agent";
            case OTHER -> "check the service's certificate chain, e.g. openssl s_client -connect HOST:443 -showcerts";
        };
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> dnsNames(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    if (san.size() >= 2 && (Integer.valueOf(2).equals(san.get(0)) || Integer.valueOf(7).equals(san.get(0)))) {
                        out.add(String.valueOf(san.get(1))); // dNSName, iPAddress
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // No names to show: the subject is named instead.
        }
        return out;
    }
}
