package io.mlship.spec;

/** A check the schema cannot express: across fields, against the file system, or against another system's rules. */
@FunctionalInterface
public interface SpecRule {
    void check(RuleContext ctx);
}
