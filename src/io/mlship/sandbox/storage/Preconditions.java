package io.mlship.sandbox.storage;

/**
 * The JSON API's request preconditions on an object's live generation: {@code ifGenerationMatch} (0: the object
 * must not exist yet), {@code ifGenerationNotMatch}, {@code ifMetagenerationMatch}, {@code ifMetagenerationNotMatch}.
 * A failed one is 412 Precondition Failed. Each field is null when the request does not set it.
 */
record Preconditions(Long generationMatch, Long generationNotMatch, Long metagenerationMatch,
                     Long metagenerationNotMatch) {

    /** The sandbox keeps one metageneration per object: its metadata never changes apart from its content. */
    static final long METAGENERATION = 1;

    static Preconditions of(ApiExchange ex) {
        return new Preconditions(ex.longParam("ifGenerationMatch"), ex.longParam("ifGenerationNotMatch"),
                ex.longParam("ifMetagenerationMatch"), ex.longParam("ifMetagenerationNotMatch"));
    }

    /** Checks the preconditions against the object's generation, null when it does not exist. */
    void check(Long generation) {
        if (generationMatch != null && !generationMatch.equals(generation == null ? 0L : generation)) {
            throw ApiError.conditionNotMet("At least one of the pre-conditions you specified did not hold: ifGenerationMatch="
                    + generationMatch + (generation == null ? " but the object does not exist" : " but its generation is " + generation));
        }
        if (generationNotMatch != null && generationNotMatch.equals(generation == null ? 0L : generation)) {
            throw ApiError.conditionNotMet("At least one of the pre-conditions you specified did not hold: ifGenerationNotMatch="
                    + generationNotMatch);
        }
        if (metagenerationMatch != null && (generation == null || metagenerationMatch != METAGENERATION)) {
            throw ApiError.conditionNotMet("At least one of the pre-conditions you specified did not hold: ifMetagenerationMatch="
                    + metagenerationMatch + (generation == null ? " but the object does not exist" : " but its metageneration is 1"));
        }
        if (metagenerationNotMatch != null && generation != null && metagenerationNotMatch == METAGENERATION) {
            throw ApiError.conditionNotMet("At least one of the pre-conditions you specified did not hold: ifMetagenerationNotMatch="
                    + metagenerationNotMatch);
        }
    }
}
