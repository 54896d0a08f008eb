package io.mlship.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.result.MlshipException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The last {@value #KEPT} passed gates of one environment, newest first, in document {@code gates} of its
 * {@link StateStore}. Recording is a compare-and-set write, retried when another writer was first.
 */
public final class GateVerdicts {
    public static final int KEPT = 100;
    static final String NAME = "gates";

    private final StateStore store;
    private final ObjectMapper json;

    public GateVerdicts(StateStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /** Adds a passed gate in front, dropping the oldest beyond {@value #KEPT}. */
    public void record(GateVerdict verdict) {
        Objects.requireNonNull(verdict, "verdict");
        Contention.retry("recording a passed gate", store, () -> {
            Optional<StateObject> now = store.read(NAME);
            List<GateVerdict> verdicts = new ArrayList<>();
            verdicts.add(verdict);
            verdicts.addAll(now.map(this::parse).orElse(List.of()));
            List<GateVerdict> kept = verdicts.subList(0, Math.min(KEPT, verdicts.size()));
            return store.write(NAME, write(kept), now.map(StateObject::version).orElse(null));
        });
    }

    /** Every verdict kept, newest first. */
    public List<GateVerdict> all() {
        return store.read(NAME).map(this::parse).orElse(List.of());
    }

    /** The newest passed gate. */
    public Optional<GateVerdict> latest() {
        return all().stream().findFirst();
    }

    /** The newest passed gate of the image with this digest. */
    public Optional<GateVerdict> passedImage(String digest) {
        return newest(v -> digest != null && digest.equals(v.imageDigest()));
    }

    /** The newest passed gate of this model version ({@code v1}). */
    public Optional<GateVerdict> passedModel(String modelVersion) {
        return newest(v -> modelVersion != null && modelVersion.equals(v.modelVersion()));
    }

    private Optional<GateVerdict> newest(Predicate<GateVerdict> which) {
        return all().stream().filter(which).findFirst();
    }

    private List<GateVerdict> parse(StateObject doc) {
        try {
            Document read = json.readValue(doc.content(), Document.class);
            return read.verdicts() == null ? List.of() : read.verdicts();
        } catch (JsonProcessingException e) {
            throw MlshipException.infrastructure("the passed gates (" + NAME + ") in " + store.where() + " are not readable: "
                    + e.getOriginalMessage(), "delete the document: the next passed gate starts it again", e);
        }
    }

    private String write(List<GateVerdict> verdicts) {
        try {
            return json.writeValueAsString(new Document(verdicts));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the passed gates", e);
        }
    }

    /** The document's shape. */
    record Document(List<GateVerdict> verdicts) {
    }
}
