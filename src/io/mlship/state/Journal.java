package io.mlship.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.result.MlshipException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The append-only journal of every change of what serves in one environment, kept in a {@link StateStore} as
 * segments {@code journal-00001}, {@code journal-00002}, … of up to {@value #ENTRIES_PER_SEGMENT} entries each.
 * Appends are compare-and-set writes of the newest segment, retried when another writer was first, so racing
 * writers never lose an entry. At most {@value #KEPT_SEGMENTS} segments are kept: a new one drops the oldest.
 * Reading it all is one {@code list}.
 */
public final class Journal {
    public static final int ENTRIES_PER_SEGMENT = 100;
    public static final int KEPT_SEGMENTS = 50;
    static final String PREFIX = "journal-";

    private final StateStore store;
    private final ObjectMapper json;
    private final Clock clock;
    private final int perSegment;
    private final int keptSegments;
    /** The newest segment's number as last seen (0: not known yet): a hint only, every write checks it. */
    private volatile int head;

    public Journal(StateStore store, ObjectMapper json, Clock clock) {
        this(store, json, clock, ENTRIES_PER_SEGMENT, KEPT_SEGMENTS);
    }

    /** With smaller segments or fewer of them, so tests reach the bounds without thousands of entries. */
    Journal(StateStore store, ObjectMapper json, Clock clock, int perSegment, int keptSegments) {
        this.store = store;
        this.json = json;
        this.clock = clock;
        this.perSegment = perSegment;
        this.keptSegments = keptSegments;
    }

    /** Adds {@code entry} (stamped with the clock's time when its {@code at} is null) and returns it as kept. */
    public JournalEntry append(JournalEntry entry) {
        return appendAfter(previous -> entry);
    }

    /**
     * Adds the entry {@code change} makes of what served before it (nothing, for the first), and returns it as kept.
     * A change alters only part of what serves (a deploy the image, a shift the traffic); it is worked out again on
     * every attempt, so a racing writer's change is never undone by one computed from an older state. When
     * {@code change} gives null (nothing changed after all), nothing is written and null is returned.
     */
    public JournalEntry appendAfter(java.util.function.Function<Serving, JournalEntry> change) {
        return Contention.retry("appending to the release journal", store, () -> appendOnce(change));
    }

    /** Every entry kept, oldest first: one {@code list} of the store. */
    public List<JournalEntry> entries() {
        List<JournalEntry> out = new ArrayList<>();
        for (StateObject segment : segments()) {
            out.addAll(parse(segment));
        }
        return out;
    }

    /** The newest entry: what serves now, for a change that alters only part of it. */
    public Optional<JournalEntry> last() {
        List<JournalEntry> all = entries();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Where the journal is kept, for messages. */
    public String where() {
        return store.where();
    }

    private JournalEntry appendOnce(java.util.function.Function<Serving, JournalEntry> change) {
        int n = head > 0 ? head : discoverHead();
        if (n == 0) {
            JournalEntry first = change.apply(Serving.NOTHING);
            return first == null ? null : create(1, checked(first));
        }
        StateObject segment = store.read(name(n)).orElse(null);
        if (segment == null) {
            head = 0; // dropped since it was seen: find the newest again
            throw new StateConflict(name(n) + " is gone from " + store.where());
        }
        List<JournalEntry> entries = new ArrayList<>(parse(segment));
        Serving before = entries.isEmpty() ? Serving.NOTHING : entries.get(entries.size() - 1).serving();
        JournalEntry next = change.apply(before);
        if (next == null) {
            return null;
        }
        JournalEntry entry = checked(next);
        if (entries.size() >= perSegment) {
            return create(n + 1, entry);
        }
        entries.add(entry);
        store.write(name(n), write(entries), segment.version());
        return entry;
    }

    private JournalEntry checked(JournalEntry entry) {
        if (!JournalEntry.KINDS.contains(entry.kind())) {
            throw new IllegalArgumentException("journal entry kind '" + entry.kind() + "' is not one of " + JournalEntry.KINDS);
        }
        if (entry.serving() == null) {
            throw new IllegalArgumentException("a journal entry says what serves after the change; serving is null");
        }
        return entry.at() == null ? entry.stamped(clock.instant()) : entry;
    }

    /** Starts segment {@code n} with {@code entry}, unless another writer did first; then drops the oldest kept one. */
    private JournalEntry create(int n, JournalEntry entry) {
        head = n; // on a conflict, the next attempt reads the segment the other writer created
        store.write(name(n), write(List.of(entry)), null);
        if (n - keptSegments >= 1) {
            store.delete(name(n - keptSegments));
        }
        return entry;
    }

    /** The newest segment's number (0 when there is none), dropping any beyond the bound a crash left behind. */
    private int discoverHead() {
        List<Integer> numbers = segments().stream().map(s -> number(s.name())).toList();
        int newest = numbers.isEmpty() ? 0 : numbers.get(numbers.size() - 1);
        numbers.stream().filter(k -> k <= newest - keptSegments).forEach(k -> store.delete(name(k)));
        head = newest;
        return newest;
    }

    /** The segments in order of their numbers (names sort by them only up to 99999). */
    private List<StateObject> segments() {
        return store.list(PREFIX).stream().filter(s -> s.name().matches("journal-[0-9]+"))
                .sorted(Comparator.comparingInt(s -> number(s.name()))).toList();
    }

    static String name(int n) {
        return String.format("%s%05d", PREFIX, n);
    }

    private static int number(String name) {
        return Integer.parseInt(name.substring(PREFIX.length()));
    }

    private List<JournalEntry> parse(StateObject segment) {
        try {
            Segment read = json.readValue(segment.content(), Segment.class);
            return read.entries() == null ? List.of() : read.entries();
        } catch (JsonProcessingException e) {
            throw MlshipException.infrastructure("journal segment " + segment.name() + " in " + store.where()
                    + " is not readable: " + e.getOriginalMessage(), "restore it from a backup or delete it (its entries are then lost)", e);
        }
    }

    private String write(List<JournalEntry> entries) {
        try {
            return json.writeValueAsString(new Segment(entries));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a journal segment", e);
        }
    }

    /** One segment's document. */
    record Segment(List<JournalEntry> entries) {
    }
}
