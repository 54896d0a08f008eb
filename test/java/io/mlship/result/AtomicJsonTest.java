package io.mlship.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicJsonTest {
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    /** A value Jackson fails on half-way, after it has written part of the document. */
    static final class Broken {
        public String getFirst() {
            return "written";
        }

        public String getSecond() {
            throw new IllegalStateException("cannot serialize");
        }
    }

    @Test
    void writesTheWholeDocumentIntoDirectoriesItCreatesAndLeavesNothingElse() throws Exception {
        Path target = dir.resolve("a/b/deploy.json");

        AtomicJson.write(json.writerWithDefaultPrettyPrinter(), target, Map.of("revision", 3));

        assertThat(json.readTree(target.toFile()).path("revision").asInt()).isEqualTo(3);
        assertThat(listing(target.getParent())).containsExactly("deploy.json");
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndRemovesItsPartialCopy() throws Exception {
        Path target = dir.resolve("record.json");
        AtomicJson.write(json.writer(), target, Map.of("revision", 1));

        assertThatThrownBy(() -> AtomicJson.write(json.writer(), target, new Broken()))
                .isInstanceOf(JsonMappingException.class);

        assertThat(json.readTree(target.toFile()).path("revision").asInt()).isEqualTo(1);
        assertThat(listing(dir)).containsExactly("record.json");
    }

    @Test
    void aSecondWriteReplacesTheFirst() throws Exception {
        Path target = dir.resolve("promote.json");
        AtomicJson.write(json.writer(), target, List.of("v1"));
        AtomicJson.write(json.writer(), target, List.of("v2"));

        assertThat(Files.readString(target)).isEqualTo("[\"v2\"]");
        assertThat(listing(dir)).containsExactly("promote.json");
    }

    private static List<String> listing(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
