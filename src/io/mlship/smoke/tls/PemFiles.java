package io.mlship.smoke.tls;

import io.mlship.result.MlshipException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the PEM files a gate is given. A file that cannot be used is bad input (exit 2) naming the field, the file
 * and what it should hold. Keys come in the encodings cert-manager writes (PKCS#1 RSA by default, PKCS#8 when asked,
 * SEC1 for EC keys), so BouncyCastle's PEM parser reads them rather than the JDK, which reads PKCS#8 only.
 */
public final class PemFiles {
    private PemFiles() {
    }

    /** Every certificate of a PEM bundle, in order; at least one. */
    public static List<X509Certificate> certificates(Path file, String field) {
        return certificates(read(file, field), file.toString(), field);
    }

    /** The same for PEM text that did not come from a file ({@code where} names its source). */
    public static List<X509Certificate> certificates(String pem, String where, String field) {
        return certificates(pem.getBytes(StandardCharsets.US_ASCII), where, field);
    }

    public static PrivateKey privateKey(String pem, String where, String field) {
        return privateKey(pem.getBytes(StandardCharsets.US_ASCII), where, field);
    }

    private static List<X509Certificate> certificates(byte[] bytes, String file, String field) {
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certs.isEmpty()) {
                throw noCertificate(file, field, "it holds no certificate");
            }
            return certs;
        } catch (CertificateException e) {
            throw noCertificate(file, field, "it is not a PEM certificate bundle (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new IllegalStateException(e); // an in-memory stream
        }
    }

    /** The unencrypted private key of a PEM file. */
    public static PrivateKey privateKey(Path file, String field) {
        return privateKey(read(file, field), file.toString(), field);
    }

    private static PrivateKey privateKey(byte[] bytes, String file, String field) {
        String fix = "give the unencrypted PEM key of the client certificate (-----BEGIN PRIVATE KEY----- or "
                + "-----BEGIN RSA/EC PRIVATE KEY-----), e.g. tls.key of its Secret";
        try (Reader r = new java.io.InputStreamReader(new java.io.ByteArrayInputStream(bytes), StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(r)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PEMKeyPair pair) {
                    // The private part alone: a SEC1 EC key may leave out its public key.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw MlshipException.badInput(field + ": the key in " + file + " is encrypted", fix);
                }
            }
            throw MlshipException.badInput(field + ": " + file + " holds no PEM private key", fix);
        } catch (IOException e) {
            throw MlshipException.badInput(field + ": " + file + " is not a PEM private key (" + e.getMessage() + ")", fix);
        }
    }

    private static byte[] read(Path file, String field) {
        if (!Files.isRegularFile(file)) {
            throw MlshipException.badInput(field + ": " + file + (Files.exists(file) ? " is not a file" : " does not exist"),
                    "correct the path; spec paths are relative to the folder of mlship.yaml");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw MlshipException.badInput(field + ": cannot read " + file + ": " + e.getMessage(), "check its permissions");
        }
    }

    private static MlshipException noCertificate(String file, String field, String why) {
        return MlshipException.badInput(field + ": " + file + " cannot be used: " + why,
                "give a PEM bundle of one or more certificates (-----BEGIN CERTIFICATE-----), e.g. ca.crt of the issuer's Secret");
    }
}
