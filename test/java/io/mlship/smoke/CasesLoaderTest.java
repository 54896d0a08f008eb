package io.mlship.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.result.ErrorCategory;
import io.mlship.result.MlshipException;
import io.mlship.result.Problem;
import io.mlship.smoke.cases.CasesLoader;
import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.cases.SmokeRequest;
import io.mlship.smoke.expect.JsonPathExpectation;
import io.mlship.smoke.expect.RankingExpectation;
import io.mlship.smoke.expect.SchemaExpectation;
import io.mlship.smoke.expect.StatusExpectation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CasesLoaderTest {
    @TempDir
    Path tmp;

    private List<SmokeCase> load(String name, String text) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, text);
        return new CasesLoader().load(file);
    }

    private List<Problem> problems(String name, String text) {
        assertThatThrownBy(() -> load(name, text)).isInstanceOf(MlshipException.class)
                .satisfies(e -> assertThat(((MlshipException) e).category()).isEqualTo(ErrorCategory.BAD_INPUT));
        try {
            load(name, text);
        } catch (MlshipException e) {
            return e.problems();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no problems");
    }

    @Test
    void yamlCasesWithEveryKindOfExpectation() throws IOException {
        List<SmokeCase> cases = load("cases.yaml", """
                - name: search
                  request:
                    method: post
                    path: /v1/search
                    headers: {X-Trace: smoke}
                    body: {q: lipstick}
                  expect:
                    status: 201
                    schema: {type: object, required: [items]}
                    json:
                      - {path: $.items, minLength: 1, maxLength: 10}
                      - {path: $.query, equals: lipstick, matches: "^lip"}
                    ranking: {items: $.items, top: 2, contains: [a], all: {category: lipstick}}
                - name: predict
                  request:
                    instances: [{query: lipstick}]
                    parameters: {k: 3}
                """);

        assertThat(cases).extracting(SmokeCase::name).containsExactly("search", "predict");
        SmokeCase search = cases.get(0);
        assertThat(search.line()).isEqualTo(1);
        assertThat(search.expectedStatus()).isEqualTo(201);
        assertThat(search.request()).isEqualTo(new SmokeRequest.HttpCall("POST", "/v1/search",
                java.util.Map.of("X-Trace", "smoke"), new ObjectMapper().createObjectNode().put("q", "lipstick")));
        assertThat(search.expectations()).hasExactlyElementsOfTypes(StatusExpectation.class, SchemaExpectation.class,
                JsonPathExpectation.class, JsonPathExpectation.class, JsonPathExpectation.class, RankingExpectation.class);
        SmokeCase predict = cases.get(1);
        assertThat(predict.line()).isEqualTo(14);
        assertThat(predict.request()).isInstanceOf(SmokeRequest.PredictCall.class);
        // Without expect, a case still wants a 200.
        assertThat(predict.expectations()).containsExactly(new StatusExpectation(200));
    }

    @Test
    void jsonLinesCasesKnowTheirLines() throws IOException {
        List<SmokeCase> cases = load("cases.jsonl", """
                {"name": "one", "request": {"path": "/a"}}

                {"name": "two", "request": {"instances": [1, 2]}, "expect": {"json": [{"path": "$.predictions", "length": 2}]}}
                """);

        assertThat(cases).extracting(SmokeCase::name, SmokeCase::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("one", 1), org.assertj.core.groups.Tuple.tuple("two", 3));
    }

    @Test
    void malformedYamlNamesFileAndLine() {
        List<Problem> p = problems("cases.yaml", """
                - name: one
                  request: {path: /a}
                - name: two
                  request: {path: /b
                  expect: {status: 200}
                """);

        assertThat(p).singleElement().satisfies(x -> {
            assertThat(x.file()).endsWith("cases.yaml");
            assertThat(x.line()).isBetween(4, 5);
            assertThat(x.message()).startsWith("not valid YAML");
        });
    }

    @Test
    void malformedJsonLineIsNamed() {
        List<Problem> p = problems("cases.jsonl", """
                {"name": "one", "request": {"path": "/a"}}
                {"name": "two", "request": {"path": "/b"}}
                {"name": "three", "request": {"path": "/c"}
                """);

        assertThat(p).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(3);
            assertThat(x.format()).contains("cases.jsonl:3: not valid JSON");
        });
    }

    @Test
    void badJsonPathRegexAndImpossibleChecksAreAllReportedWithLines() {
        List<Problem> p = problems("cases.yaml", """
                - name: bad
                  request: {path: /a}
                  expect:
                    json:
                      - path: "$.items[?(@.x =="
                        length: 1
                      - path: items
                        exists: true
                      - path: $.title
                        matches: "(unclosed"
                      - path: $.items
                        minLength: 5
                        maxLength: 2
                      - path: $.score
                        equals: high
                        tolerance: 0.1
                    ranking: {items: $.items, top: 2, contains: [a, b, c]}
                    statsu: 200
                """);

        assertThat(p).extracting(Problem::line, Problem::path).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(18, "case 'bad'.expect.statsu"),
                org.assertj.core.groups.Tuple.tuple(5, "case 'bad'.expect.json[0].path"),
                org.assertj.core.groups.Tuple.tuple(7, "case 'bad'.expect.json[1].path"),
                org.assertj.core.groups.Tuple.tuple(10, "case 'bad'.expect.json[2].matches"),
                org.assertj.core.groups.Tuple.tuple(12, "case 'bad'.expect.json[3].minLength"),
                org.assertj.core.groups.Tuple.tuple(15, "case 'bad'.expect.json[4].tolerance"),
                org.assertj.core.groups.Tuple.tuple(17, "case 'bad'.expect.ranking.contains"));
        assertThat(p).filteredOn(x -> x.path().endsWith("statsu")).singleElement()
                .satisfies(x -> assertThat(x.hint()).contains("status"));
        assertThat(p).filteredOn(x -> x.path().endsWith("ranking.contains")).singleElement()
                .satisfies(x -> assertThat(x.message()).isEqualTo("3 ids can never all be in the top 2"));
    }

    @Test
    void requestsAndNamesAreChecked() {
        List<Problem> p = problems("cases.yaml", """
                - name: twice
                  request: {path: /a}
                - name: twice
                  request: {path: no-slash}
                - request: {instances: []}
                - name: mixed
                  request: {path: /a, instances: [1]}
                - name: verb
                  request: {method: FETCH, path: /a}
                  expect: {status: 999}
                """);

        assertThat(p).extracting(Problem::message).contains(
                "two cases are called 'twice'", "path must be text starting with '/'", "every case needs a name",
                "instances must be a non-empty list", "'FETCH' is not an HTTP method", "'999' is not an HTTP status");
        assertThat(p).anyMatch(x -> x.message().startsWith("a request is either HTTP"));
    }

    @Test
    void otherFileKindsAndEmptyFilesAreRefused() throws IOException {
        assertThatThrownBy(() -> load("cases.txt", "x")).hasMessageContaining("neither YAML nor JSON Lines");
        assertThat(problems("cases.yaml", "# nothing yet\n")).extracting(Problem::message).containsExactly("no cases");
        assertThat(problems("cases.yaml", "name: one\n")).extracting(Problem::message)
                .containsExactly("the file must be a list of cases");
        assertThatThrownBy(() -> new CasesLoader().load(tmp.resolve("missing.yaml")))
                .hasMessageContaining("does not exist");
    }

    @Test
    void jsonPathMistakesThatOnlyShowWhenUsedAreFoundWhenLoading() {
        List<Problem> p = problems("cases.yaml", """
                - name: a
                  request: {path: /a}
                  expect:
                    json: [{path: "$.items[", length: 1}]
                """);

        assertThat(p).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(4);
            assertThat(x.message()).startsWith("'$.items[' is not a valid JSONPath");
        });
    }
}
