package io.mlship.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.CredentialRetriever;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.ManifestListTemplate;
import com.google.cloud.tools.jib.registry.RegistryClient;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A registry client for one repository, with the credentials the build uses (docker config, credential helpers,
 * Application Default Credentials). Jib's HTTP client bounds every request with its own connect and read timeouts.
 */
final class RegistryAccess {
    private RegistryAccess() {
    }

    static RegistryClient client(ImageReference ref, FailoverHttpClient http, Consumer<LogEvent> log)
            throws IOException, RegistryException {
        return client(ref, http, log, false);
    }

    /** @param push whether the client writes (tags): a token scoped for pull only cannot. */
    static RegistryClient client(ImageReference ref, FailoverHttpClient http, Consumer<LogEvent> log, boolean push)
            throws IOException, RegistryException {
        RegistryClient.Factory factory = RegistryClient.factory(EventHandlers.NONE, ref.getRegistry(),
                ref.getRepository(), http);
        Optional<Credential> credential = credential(ref, log);
        credential.ifPresent(factory::setCredential);
        RegistryClient client = factory.newRegistryClient();
        boolean bearer = push ? client.doPushBearerAuth() : client.doPullBearerAuth();
        if (!bearer && credential.isPresent()) {
            client.configureBasicAuth();
        }
        return client;
    }

    /** Each of {@code platforms}' manifest digest in a manifest list or image index; one it lacks is left out. */
    static Map<String, String> platformDigests(ManifestListTemplate list, List<String> platforms) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String platform : platforms) {
            String[] osArch = PlatformIndex.osArch(platform);
            list.getDigestsForPlatform(osArch[1], osArch[0]).stream().findFirst().ifPresent(d -> out.put(platform, d));
        }
        return out;
    }

    /** The image's config as the registry holds it (its labels under config.Labels, its os and architecture). */
    static JsonNode config(RegistryClient client, BuildableManifestTemplate image) throws IOException {
        ByteArrayOutputStream config = new ByteArrayOutputStream();
        client.pullBlob(image.getContainerConfiguration().getDigest(), size -> { }, written -> { }).writeTo(config);
        return new ObjectMapper().readTree(config.toByteArray());
    }

    static void shutDown(FailoverHttpClient http) {
        try {
            http.shutDown();
        } catch (IOException ignored) {
            // nothing to release that matters: the connections close with the client
        }
    }

    private static Optional<Credential> credential(ImageReference ref, Consumer<LogEvent> log) {
        for (CredentialRetriever retriever : JibPush.credentials(ref, log)) {
            try {
                Optional<Credential> found = retriever.retrieve();
                if (found.isPresent()) {
                    return found;
                }
            } catch (CredentialRetrievalException e) {
                log.accept(LogEvent.debug("credential lookup for " + ref.getRegistry() + " failed: " + e.getMessage()));
            }
        }
        return Optional.empty();
    }
}
