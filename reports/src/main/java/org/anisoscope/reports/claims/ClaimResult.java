package org.anisoscope.reports.claims;

import java.util.List;

/**
 * One row of the claims table.
 *
 * @param runs the run directories the claim read (names), seeds included
 * @param rule the rule in words, with the rules file's thresholds
 * @param parts one outcome per run (per-run rules) or per pair (comparison rules), in rules.conf order
 */
public record ClaimResult(Rules.Claim claim, Verdict verdict, String reason, String rule, List<String> runs,
    String values, List<Outcome> parts) {}
