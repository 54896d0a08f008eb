package io.mlship.sandbox.tls;

import io.mlship.smoke.tls.PemFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * The sandbox's certificate authority, standing in for cert-manager's internal ClusterIssuer: a key and a
 * self-signed CA certificate made once per sandbox state folder ({@code tls/ca.crt}, {@code tls/ca.key}) and kept
 * across restarts, so a CA file a person passes keeps working. It issues server certificates for DNS names as
 * cert-manager's CA issuer does (ECDSA P-256, serverAuth, the names as subject alternative names; keys PKCS#8).
 */
public final class SandboxCa {
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** cert-manager's default duration of a Certificate. */
    public static final Duration CERT_VALIDITY = Duration.ofDays(90);

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Path certFile;

    private SandboxCa(X509Certificate certificate, PrivateKey key, Path certFile) {
        this.certificate = certificate;
        this.key = key;
        this.certFile = certFile;
    }

    /** The CA kept in {@code folder}, made there first when it has none. */
    public static SandboxCa in(Path folder) throws IOException {
        Path crt = folder.resolve("ca.crt");
        Path keyFile = folder.resolve("ca.key");
        if (Files.isRegularFile(crt) && Files.isRegularFile(keyFile)) {
            return new SandboxCa(PemFiles.certificates(crt, "sandbox CA").get(0), PemFiles.privateKey(keyFile, "sandbox CA key"), crt);
        }
        Files.createDirectories(folder);
        KeyPair pair = newKeyPair();
        X500Name name = new X500Name("CN=mlship sandbox CA,O=mlship sandbox");
        Instant now = Instant.now();
        X509Certificate cert = sign(new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic()), pair, true, null, pair.getPrivate());
        // The key first, readable by its owner only: the certificate's presence says the pair is complete.
        Files.writeString(keyFile, pem(pair.getPrivate()));
        keyFile.toFile().setReadable(false, false);
        keyFile.toFile().setReadable(true, true);
        Files.writeString(crt, pem(cert));
        return new SandboxCa(cert, pair.getPrivate(), crt);
    }

    /** The CA certificate as PEM (what cert-manager puts in a Secret's {@code ca.crt}). */
    public String certificatePem() {
        return pem(certificate);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Where the CA certificate is: what a person passes as {@code --ca-file}. */
    public Path certificateFile() {
        return certFile;
    }

    /** A server certificate for {@code dnsNames}, valid for cert-manager's default 90 days from now. */
    public Issued issue(List<String> dnsNames) {
        Instant now = Instant.now();
        return issue(dnsNames, now.minus(Duration.ofMinutes(5)), now.plus(CERT_VALIDITY));
    }

    /** A server certificate for {@code dnsNames}, valid between the instants given (tests make expired ones). */
    public Issued issue(List<String> dnsNames, Instant notBefore, Instant notAfter) {
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one DNS name");
        }
        KeyPair pair = newKeyPair();
        X500Name subject = new X500Name("CN=" + dnsNames.get(0));
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(notBefore),
                Date.from(notAfter), subject, pair.getPublic());
        GeneralNames names = new GeneralNames(dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n))
                .toArray(GeneralName[]::new));
        X509Certificate cert = sign(b, pair, false, names, key);
        return new Issued(pem(cert), pem(pair.getPrivate()), certificatePem());
    }

    /** What a Certificate's Secret holds: {@code tls.crt}, {@code tls.key}, {@code ca.crt}, as PEM. */
    public record Issued(String certificatePem, String keyPem, String caPem) {
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair subject, boolean ca, GeneralNames names,
                                        PrivateKey signer) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subject.getPublic()));
            if (ca) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                b.addExtension(Extension.subjectAlternativeName, false, names);
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot sign a sandbox certificate: " + e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM cannot make EC P-256 keys: " + e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE);
    }

    static String pem(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            // Keys as PKCS#8 (cert-manager's privateKey.encoding: PKCS8): self-describing, EC curve included.
            w.writeObject(o instanceof PrivateKey k ? new PemObject("PRIVATE KEY", k.getEncoded()) : o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
