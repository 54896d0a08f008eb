package io.mlship.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link StateStore} promises, run against each implementation: conditional writes, listing by prefix,
 * deletes, and no lost update when writers race. {@link #store()} gives a fresh, empty store per test.
 */
public abstract class StateStoreContract {

    protected abstract StateStore store();

    @Test
    void aDocumentIsWrittenOnceThenOnlyOverItsOwnVersion() {
        StateStore s = store();
        assertThat(s.read("deploy")).isEmpty();
        StateObject first = s.write("deploy", "{\"n\":1}", null);
        assertThat(s.read("deploy")).get().extracting(StateObject::content).isEqualTo("{\"n\":1}");
        assertThatThrownBy(() -> s.write("deploy", "{\"n\":2}", null)).isInstanceOf(StateConflict.class);

        StateObject second = s.write("deploy", "{\"n\":2}", first.version());
        assertThat(second.version()).isNotEqualTo(first.version());
        assertThatThrownBy(() -> s.write("deploy", "{\"n\":3}", first.version())).isInstanceOf(StateConflict.class);
        assertThat(s.read("deploy")).get().extracting(StateObject::content).isEqualTo("{\"n\":2}");
    }

    @Test
    void listingGivesTheDocumentsOfAPrefixInNameOrderAndDeleteRemovesOne() {
        StateStore s = store();
        s.write("journal-00002", "{\"b\":2}", null);
        s.write("journal-00001", "{\"a\":1}", null);
        s.write("gates", "{}", null);

        assertThat(s.list("journal-")).extracting(StateObject::name).containsExactly("journal-00001", "journal-00002");
        assertThat(s.list("journal-")).extracting(StateObject::content).containsExactly("{\"a\":1}", "{\"b\":2}");
        s.delete("journal-00001");
        s.delete("journal-00009");
        assertThat(s.list("journal-")).extracting(StateObject::name).containsExactly("journal-00002");
        assertThat(s.read("journal-00001")).isEmpty();
    }

    @Test
    void racingWritersThatRetryOnConflictLoseNothing() throws Exception {
        StateStore s = store();
        s.write("counter", "0", null);
        int writers = 4;
        int each = 10;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        while (true) {
                            StateObject now = s.read("counter").orElseThrow();
                            try {
                                s.write("counter", String.valueOf(Integer.parseInt(now.content()) + 1), now.version());
                                break;
                            } catch (StateConflict lost) {
                                // another writer was first: read again
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(s.read("counter")).get().extracting(StateObject::content).isEqualTo(String.valueOf(writers * each));
    }
}
