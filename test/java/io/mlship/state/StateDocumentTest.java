package io.mlship.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.result.MlshipException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDocumentTest {
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    record Checkpoint(String step, int done) {
    }

    private StateDocument<Checkpoint> document(StateStore store) {
        return new StateDocument<>(store, "promote", Checkpoint.class, dir.resolve("workspace/promote-staging.json"), json);
    }

    @Test
    void savesAtEveryCheckpointWithoutReadingBeforeEachWrite() {
        CountingStateStore store = new CountingStateStore(new FolderStateStore(dir.resolve("store"), "staging"));
        StateDocument<Checkpoint> doc = document(store);

        for (int i = 1; i <= 5; i++) {
            doc.save(new Checkpoint("upload", i));
        }

        assertThat(store.writes).hasValue(5);
        assertThat(store.reads).as("one read, to learn the version before the first write").hasValue(1);
        assertThat(document(store).load()).contains(new Checkpoint("upload", 5));
        assertThat(dir.resolve("workspace/promote-staging.json")).as("the workspace copy Jenkins archives").exists();
    }

    @Test
    void aLoadedRecordIsSavedOverWithTheVersionItWasReadAt() {
        CountingStateStore store = new CountingStateStore(new FolderStateStore(dir.resolve("store"), "staging"));
        document(store).save(new Checkpoint("upload", 1));
        StateDocument<Checkpoint> doc = document(store);
        assertThat(doc.load()).contains(new Checkpoint("upload", 1));
        store.reset();

        doc.save(new Checkpoint("deploy", 2));

        assertThat(store.reads).hasValue(0);
        assertThat(doc.load()).contains(new Checkpoint("deploy", 2));
    }

    @Test
    void aWriteByAnotherRunInBetweenIsReadAgainAndTheLastSaveWins() {
        StateStore store = new FolderStateStore(dir.resolve("store"), "staging");
        StateDocument<Checkpoint> mine = document(store);
        mine.save(new Checkpoint("upload", 1));
        document(store).save(new Checkpoint("theirs", 9)); // another run, its own document

        mine.save(new Checkpoint("deploy", 2));

        assertThat(document(store).load()).contains(new Checkpoint("deploy", 2));
    }

    @Test
    void aStoreThatAlwaysConflictsGivesUpWithAMessageNamingIt() {
        StateStore folder = new FolderStateStore(dir.resolve("store"), "staging");
        StateStore contested = new CountingStateStore(folder) {
            @Override
            public StateObject write(String name, String content, String expectedVersion) {
                throw new StateConflict(name + " changed");
            }
        };

        assertThatThrownBy(() -> document(contested).save(new Checkpoint("upload", 1)))
                .isInstanceOf(MlshipException.class).hasMessageContaining("kept changing while it was written")
                .hasMessageContaining(folder.where());
    }

    @Test
    void withoutAStoreTheWorkspaceFileIsTheRecord() throws Exception {
        StateDocument<Checkpoint> doc = document(null);

        doc.save(new Checkpoint("upload", 3));

        assertThat(Files.readString(dir.resolve("workspace/promote-staging.json"))).contains("\"done\"");
        assertThat(document(null).load()).contains(new Checkpoint("upload", 3));
    }
}
