package io.mlship.state;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An environment's releases, rollbacks and other changes of what serves, read from its {@link Journal}: as rows
 * for a table, or what served at a given instant.
 */
public final class History {
    private final List<JournalEntry> entries;

    /** The journal's entries, oldest first (as {@link Journal#entries()} gives them). */
    public History(List<JournalEntry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Reads the whole journal once. */
    public static History of(Journal journal) {
        return new History(journal.entries());
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** One row per change, oldest first. */
    public List<HistoryRow> rows() {
        return entries.stream().map(HistoryRow::of).toList();
    }

    /**
     * What served at {@code t}: the state left by the latest change at or before it (of two at the same instant,
     * the one appended later); empty before the first.
     */
    public Optional<Serving> at(Instant t) {
        return entryAt(t).map(JournalEntry::serving);
    }

    /** The change that left the state {@link #at} gives, for saying who did it and when. */
    public Optional<JournalEntry> entryAt(Instant t) {
        JournalEntry found = null;
        for (JournalEntry e : entries) {
            Instant when = e.instant();
            if (!when.isAfter(t) && (found == null || !when.isBefore(found.instant()))) {
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }
}
