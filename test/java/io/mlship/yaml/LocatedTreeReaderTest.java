package io.mlship.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.mlship.yaml.LocatedTreeReader.Limits;
import io.mlship.yaml.LocatedTreeReader.Numbers;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocatedTreeReaderTest {
    private final LocatedTreeReader yaml = LocatedTreeReader.yaml(Limits.libraryDefaults(), Numbers.PLAIN);

    private static LocatedTree read(LocatedTreeReader reader, String text) throws IOException {
        try (JsonParser p = reader.open(text)) {
            p.nextToken();
            return reader.read(p);
        }
    }

    @Test
    void everyKeyAndItemHasItsLineAndColumn() throws IOException {
        LocatedTree tree = read(yaml, """
                service:
                  name: reco
                  ports:
                    - 8080
                    - name: metrics
                      port: 9090
                other/key~: x
                """);

        assertThat(tree.root().at("/service/ports/1/port").asInt()).isEqualTo(9090);
        assertThat(tree.positions()).containsEntry("", new Position(1, 1))
                .containsEntry("/service", new Position(1, 1))
                .containsEntry("/service/name", new Position(2, 3))
                // A value under a key is at its key, not on the line where the list starts.
                .containsEntry("/service/ports", new Position(3, 3))
                .containsEntry("/service/ports/0", new Position(4, 7))
                .containsEntry("/service/ports/1", new Position(5, 7))
                .containsEntry("/service/ports/1/name", new Position(5, 7))
                .containsEntry("/service/ports/1/port", new Position(6, 7))
                .containsEntry("/other~1key~0", new Position(7, 1))
                .hasSize(9);
    }

    @Test
    void aValueNotInTheTextIsPlacedAtItsNearestAncestor() throws IOException {
        LocatedTree tree = read(yaml, "- a: 1\n- b:\n    c: 2\n");

        assertThat(tree.nearest("/1/b/c")).isEqualTo(new Position(3, 5));
        assertThat(tree.nearest("/1/b/missing/deeper")).isEqualTo(new Position(2, 3));
        assertThat(tree.nearest("/7")).isEqualTo(new Position(1, 1));
    }

    @Test
    void jsonIsReadTheSameWay() throws IOException {
        LocatedTreeReader json = LocatedTreeReader.json(Limits.libraryDefaults(), Numbers.PLAIN);
        LocatedTree tree = read(json, "{\"a\": [1,\n {\"b\": true}]}");

        assertThat(tree.positions()).containsEntry("/a/0", new Position(1, 8))
                .containsEntry("/a/1/b", new Position(2, 3));
    }

    @Test
    void aDuplicateKeyIsRefusedAtItsSecondLineWithTheWayToIt() {
        DuplicateKeyException e = catchThrowableOfType(DuplicateKeyException.class, () -> read(yaml, """
                items:
                  - "0":
                      replicas: 2
                      replicas: 3
                """));

        assertThat(e.key()).isEqualTo("replicas");
        assertThat(e.line()).isEqualTo(4);
        // The key "0" and the index 0 stay apart, which a JSON pointer could not show.
        assertThat(e.parentPath()).containsExactly("items", 0, "0");
    }

    @Test
    void numbersAreExactOrPlainAsAsked() throws IOException {
        String text = "{int: 7, big: 99999999999999999999, real: 0.1}";
        LocatedTree plain = read(yaml, text);
        LocatedTree exact = read(LocatedTreeReader.yaml(Limits.libraryDefaults(), Numbers.EXACT), text);

        assertThat(List.of(plain.root().get("int"), plain.root().get("big"), plain.root().get("real")))
                .hasExactlyElementsOfTypes(IntNode.class, BigIntegerNode.class, DoubleNode.class);
        assertThat(List.of(exact.root().get("int"), exact.root().get("big"), exact.root().get("real")))
                .hasExactlyElementsOfTypes(BigIntegerNode.class, BigIntegerNode.class, DecimalNode.class);
    }

    @Test
    void anEmptyValueIsNull() throws IOException {
        assertThat(read(yaml, "deploy:\n").root().get("deploy").isNull()).isTrue();
    }

    @Test
    void aBinaryValueIsRefusedAtItsLine() {
        UnsupportedValueException e = catchThrowableOfType(UnsupportedValueException.class,
                () -> read(yaml, "a: 1\nb: !!binary AAAA\n"));

        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getOriginalMessage()).contains("not supported");
    }

    @Test
    void nestingBeyondTheLimitIsRefused() {
        LocatedTreeReader shallow = LocatedTreeReader.yaml(new Limits(3, 1000), Numbers.PLAIN);

        assertThat(catchThrowableOfType(StreamConstraintsException.class, () -> read(shallow, "a: {b: {c: {d: 1}}}")))
                .isNotNull();
    }
}
