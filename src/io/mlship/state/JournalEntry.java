package io.mlship.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One change of what serves in an environment, as the journal keeps it.
 *
 * @param at            when the change was done (an ISO-8601 instant)
 * @param kind          one of {@link #KINDS}
 * @param forcedUngated true when the change went out without its gates passing (a person forced it)
 * @param status        optional outcome ({@code released}, {@code failed}, …)
 * @param message       optional words for the person reading the history
 * @param serving       the complete state of what serves after the change
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record JournalEntry(String at, String kind, String releaseId, String buildUrl, String who, String reason,
                           Boolean forcedUngated, String status, String message, Serving serving) {

    /** The kinds of change the journal records. */
    public static final List<String> KINDS = List.of("release", "rolled-back", "deploy", "rollback-service", "promote",
            "shift", "rollback-model");

    /** An entry of {@code kind} leaving {@code serving}, at a time the journal fills in when it is null. */
    public static JournalEntry of(String kind, Serving serving) {
        return new JournalEntry(null, kind, null, null, null, null, null, null, null, serving);
    }

    public JournalEntry stamped(Instant instant) {
        return new JournalEntry(instant.toString(), kind, releaseId, buildUrl, who, reason, forcedUngated, status, message,
                serving);
    }

    public JournalEntry by(String releaseIdValue, String buildUrlValue, String whoValue) {
        return new JournalEntry(at, kind, releaseIdValue, buildUrlValue, whoValue, reason, forcedUngated, status, message,
                serving);
    }

    public JournalEntry because(String reasonValue, Boolean forced) {
        return new JournalEntry(at, kind, releaseId, buildUrl, who, reasonValue, forced, status, message, serving);
    }

    public JournalEntry outcome(String statusValue, String messageValue) {
        return new JournalEntry(at, kind, releaseId, buildUrl, who, reason, forcedUngated, statusValue, messageValue,
                serving);
    }

    /** {@link #at} as an instant; entries without a readable one sort before every other (they never hide one). */
    public Instant instant() {
        try {
            return at == null ? Instant.MIN : Instant.parse(at);
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.MIN;
        }
    }
}
