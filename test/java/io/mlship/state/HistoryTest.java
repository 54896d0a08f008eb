package io.mlship.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
    private static final Instant T1 = Instant.parse("2026-12-01T09:00:00Z");
    private static final Instant T2 = Instant.parse("2026-12-02T09:00:00Z");
    private static final Instant T3 = Instant.parse("2026-12-03T09:00:00Z");
    private static final Instant T4 = Instant.parse("2026-12-03T15:30:00Z");

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    /** Three releases, the third rolled back, written through the journal as the release flow writes them. */
    private Journal threeReleasesAndARollback(StateStore store) {
        Journal journal = new Journal(store, json, Clock.fixed(T4, ZoneOffset.UTC));
        journal.append(JournalEntry.of("release", new Serving("sha256:1111111111111111", "v1", "1",
                Map.of("1", List.of("prod", "default")), Map.of("dm1", 100))).stamped(T1).by("r1", "https://ci/job/1/", "alice"));
        journal.append(JournalEntry.of("release", new Serving("sha256:2222222222222222", "v2", "2",
                Map.of("2", List.of("prod", "default")), Map.of("dm2", 100))).stamped(T2).by("r2", "https://ci/job/2/", "bob"));
        journal.append(JournalEntry.of("release", new Serving("sha256:3333333333333333", "v3", "3",
                Map.of("2", List.of("prod", "default"), "3", List.of("candidate")), Map.of("dm2", 90, "dm3", 10)))
                .stamped(T3).by("r3", "https://ci/job/3/", "carol"));
        Serving released = journal.last().orElseThrow().serving();
        // The rollback's time comes from the journal's clock: T4.
        journal.append(JournalEntry.of("rolled-back", released.withImage("sha256:2222222222222222")
                .withModel("v2", "2", Map.of("2", List.of("prod", "default")), Map.of("dm2", 100)))
                .by("r3", "https://ci/job/3/", "carol").because("gate failed: 3 of 20 cases", null));
        return journal;
    }

    @Test
    void whatServedAtEachInstantIsTheStateTheLastChangeBeforeItLeft() {
        History history = History.of(threeReleasesAndARollback(new FolderStateStore(dir, "prod")));

        assertThat(history.at(T1.minusSeconds(1))).isEmpty();

        Serving first = history.at(T1).orElseThrow();
        assertThat(first.imageDigest()).isEqualTo("sha256:1111111111111111");
        assertThat(first.modelVersion()).isEqualTo("v1");
        assertThat(first.aliases()).isEqualTo(Map.of("1", List.of("prod", "default")));
        assertThat(first.traffic()).isEqualTo(Map.of("dm1", 100));

        Serving second = history.at(T2.plusSeconds(3600)).orElseThrow();
        assertThat(second.imageDigest()).isEqualTo("sha256:2222222222222222");
        assertThat(second.modelVersion()).isEqualTo("v2");
        assertThat(second.traffic()).isEqualTo(Map.of("dm2", 100));

        Serving canary = history.at(T4.minusSeconds(1)).orElseThrow();
        assertThat(canary.imageDigest()).isEqualTo("sha256:3333333333333333");
        assertThat(canary.modelVersion()).isEqualTo("v3");
        assertThat(canary.modelVersionId()).isEqualTo("3");
        assertThat(canary.aliases()).isEqualTo(Map.of("2", List.of("prod", "default"), "3", List.of("candidate")));
        assertThat(canary.traffic()).isEqualTo(Map.of("dm2", 90, "dm3", 10));

        Serving rolledBack = history.at(Instant.parse("2027-01-01T00:00:00Z")).orElseThrow();
        assertThat(rolledBack.imageDigest()).isEqualTo("sha256:2222222222222222");
        assertThat(rolledBack.modelVersion()).isEqualTo("v2");
        assertThat(rolledBack.aliases()).isEqualTo(Map.of("2", List.of("prod", "default")));
        assertThat(rolledBack.traffic()).isEqualTo(Map.of("dm2", 100));
        assertThat(history.entryAt(T4).orElseThrow().reason()).isEqualTo("gate failed: 3 of 20 cases");
    }

    @Test
    void rowsListEveryChangeOldestFirst() {
        History history = History.of(threeReleasesAndARollback(new FolderStateStore(dir, "prod")));

        assertThat(history.rows()).extracting(HistoryRow::kind).containsExactly("release", "release", "release", "rolled-back");
        assertThat(history.rows()).extracting(HistoryRow::releaseId).containsExactly("r1", "r2", "r3", "r3");
        assertThat(history.rows()).extracting(HistoryRow::at)
                .containsExactly(T1.toString(), T2.toString(), T3.toString(), T4.toString());
        HistoryRow last = history.rows().get(3);
        assertThat(last.imageDigest()).isEqualTo("sha256:2222222222222222");
        assertThat(last.who()).isEqualTo("carol");
        assertThat(last.buildUrl()).isEqualTo("https://ci/job/3/");
    }

    @Test
    void anEmptyJournalHasNoStateAtAnyInstant() {
        History history = History.of(new Journal(new FolderStateStore(dir, "prod"), json, Clock.systemUTC()));
        assertThat(history.isEmpty()).isTrue();
        assertThat(history.rows()).isEmpty();
        assertThat(history.at(T4)).isEmpty();
    }

    @Test
    void readingAThousandEntriesIsOneListOfTheStore() {
        CountingStateStore store = new CountingStateStore(new FolderStateStore(dir, "prod"));
        Journal journal = new Journal(store, json, Clock.fixed(T1, ZoneOffset.UTC));
        for (int i = 0; i < 1_000; i++) {
            journal.append(JournalEntry.of("deploy", Serving.NOTHING.withImage("sha256:" + i)).stamped(T1.plusSeconds(i)));
        }
        store.reset();

        History history = History.of(new Journal(store, json, Clock.systemUTC()));

        assertThat(history.rows()).hasSize(1_000);
        assertThat(history.at(T1.plusSeconds(499))).get().extracting(Serving::imageDigest).isEqualTo("sha256:499");
        assertThat(store.lists).hasValue(1);
        assertThat(store.reads).hasValue(0);
        assertThat(store.writes).hasValue(0);
    }
}
