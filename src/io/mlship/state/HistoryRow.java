package io.mlship.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** One change in an environment's history, flat, as a table (or a pipeline reading the JSON) shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryRow(String at, String kind, String releaseId, String imageDigest, String modelVersion,
                         String modelVersionId, Map<String, List<String>> aliases, Map<String, Integer> traffic,
                         String who, String buildUrl, String reason, Boolean forcedUngated, String status,
                         String message) {

    static HistoryRow of(JournalEntry e) {
        Serving s = e.serving() == null ? Serving.NOTHING : e.serving();
        return new HistoryRow(e.at(), e.kind(), e.releaseId(), s.imageDigest(), s.modelVersion(), s.modelVersionId(),
                s.aliases(), s.traffic(), e.who(), e.buildUrl(), e.reason(), e.forcedUngated(), e.status(), e.message());
    }
}
