package io.mlship.smoke.expect;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import io.mlship.smoke.targets.Response;
import java.util.List;
import java.util.Set;

/** The answer's JSON is valid against a JSON Schema (draft 2020-12). */
public record SchemaExpectation(JsonSchema schema) implements Expectation {
    private static final int MAX_REPORTED = 5;

    @Override
    public String describe() {
        return "response matches its JSON Schema";
    }

    @Override
    public List<Mismatch> check(Response response) {
        if (response.json() == null) {
            return List.of(new Mismatch("$", "JSON matching the schema", "body is not JSON: " + JsonPathExpectation.snippet(response.body())));
        }
        Set<ValidationMessage> messages = schema.validate(response.json());
        return messages.stream().limit(MAX_REPORTED)
                .map(m -> new Mismatch("$" + m.getInstanceLocation().toString().replaceFirst("^\\$", ""),
                        "schema: " + m.getType(), m.getMessage()))
                .toList();
    }
}
