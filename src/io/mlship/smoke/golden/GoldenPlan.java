package io.mlship.smoke.golden;

import com.jayway.jsonpath.JsonPath;
import java.util.List;

/**
 * How candidate and production answers are compared: numbers within {@code absoluteTolerance} or
 * {@code relativeTolerance}, everything at {@code ignore} (e.g. {@code $.model}) left out; the gate fails when
 * more than {@code maxDiffRatio} of the cases differ.
 */
public record GoldenPlan(double maxDiffRatio, double absoluteTolerance, double relativeTolerance, List<String> ignoreText,
                         List<JsonPath> ignore) {

    public GoldenPlan {
        ignoreText = List.copyOf(ignoreText);
        ignore = List.copyOf(ignore);
    }
}
