package io.mlship.smoke.expect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.JsonPath;
import io.mlship.smoke.targets.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A wrong length is reported as the length found, not as the whole value (which a report cuts short). */
class LengthMismatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Mismatch> check(String path, ValueCheck check, boolean each, String body) throws Exception {
        JsonNode json = JSON.readTree(body);
        return new JsonPathExpectation(path, JsonPath.compile(path), check, each).check(new Response(200, body, json, 1, null, null));
    }

    @Test
    void aLongArrayOfTheWrongLengthIsReportedByItsLength() throws Exception {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            items.append(i == 0 ? "" : ",").append("{\"id\":\"P00").append(i).append("\",\"title\":\"matte red lipstick\"}");
        }

        List<Mismatch> found = check("$.items", new ValueCheck.Length(5, null, null), false, "{\"items\":[" + items + "]}");

        assertThat(found).containsExactly(new Mismatch("$.items", "length 5", "an array of 40 items"));
    }

    @Test
    void objectsStringsAndValuesWithoutALengthSayWhatTheyAre() throws Exception {
        ValueCheck bounds = new ValueCheck.Length(null, 2, 3);

        assertThat(check("$.a", bounds, false, "{\"a\":{\"k\":1}}").get(0).actual()).isEqualTo("an object of 1 key");
        assertThat(check("$.a", bounds, false, "{\"a\":\"abcd\"}").get(0).actual()).isEqualTo("a string of 4 characters");
        assertThat(check("$.a", bounds, false, "{\"a\":7}").get(0).actual()).isEqualTo("an integer, which has no length: 7");
        assertThat(check("$.a[*]", bounds, true, "{\"a\":[[1,2],[1]]}"))
                .containsExactly(new Mismatch("$.a[*] (value 2 of 2)", "length >= 2 and <= 3", "an array of 1 item"));
    }

    @Test
    void otherChecksStillShowTheValue() throws Exception {
        List<Mismatch> found = check("$.a", new ValueCheck.Type("string"), false, "{\"a\":[1,2]}");

        assertThat(found.get(0).actual()).isEqualTo("[1,2]");
    }
}
