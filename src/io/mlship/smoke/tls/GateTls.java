package io.mlship.smoke.tls;

import io.mlship.spec.SmokeSpec;
import java.nio.file.Path;

/**
 * The TLS files a gate uses for HTTPS services, each with where it came from (the option or spec field, named in
 * messages): {@code caFile}, a PEM bundle trusted in addition to the JVM's default trust; {@code certFile} and
 * {@code keyFile}, a client certificate for mutual TLS. Null files are not used; {@link #none()} is the JVM's trust.
 */
public record GateTls(Path caFile, String caField, Path certFile, String certField, Path keyFile, String keyField) {

    public static GateTls none() {
        return new GateTls(null, null, null, null, null, null);
    }

    /**
     * The files for one environment: the spec's {@code smoke.tls} as resolved for it (its overrides merged), paths
     * against the repository root (validated there); {@code caFile} given on the command line replaces the spec's CA.
     */
    public static GateTls of(SmokeSpec.Tls spec, Path repoRoot, Path caFileOption) {
        Path ca = caFileOption != null ? caFileOption.toAbsolutePath().normalize()
                : spec == null || spec.caFile() == null ? null : repoRoot.resolve(spec.caFile()).normalize();
        String caField = caFileOption != null ? "--ca-file" : "smoke.tls.caFile";
        if (spec == null) {
            return new GateTls(ca, caField, null, null, null, null);
        }
        return new GateTls(ca, caField, spec.certFile() == null ? null : repoRoot.resolve(spec.certFile()).normalize(),
                "smoke.tls.certFile", spec.keyFile() == null ? null : repoRoot.resolve(spec.keyFile()).normalize(),
                "smoke.tls.keyFile");
    }

    public boolean isDefault() {
        return caFile == null && certFile == null && keyFile == null;
    }

    /** Where a CA can be given, for hints after an unknown CA. */
    public static final String CA_HINT = "pass --ca-file (a PEM bundle of the CA) or set smoke.tls.caFile, "
            + "per environment under environments.<env>.overrides.smoke.tls";
}
