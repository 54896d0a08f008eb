package io.mlship.smoke.expect;

import io.mlship.smoke.targets.Response;
import java.util.List;

/** The HTTP status code. */
public record StatusExpectation(int status) implements Expectation {

    @Override
    public String describe() {
        return "status " + status;
    }

    @Override
    public List<Mismatch> check(Response response) {
        return response.status() == status ? List.of()
                : List.of(new Mismatch("status", String.valueOf(status), String.valueOf(response.status())));
    }
}
