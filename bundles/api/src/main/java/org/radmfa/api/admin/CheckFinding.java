package org.radmfa.api.admin;

import java.util.Objects;

/**
 * One thing the {@link ConfigurationCheck} found.
 *
 * @param severity {@code ERROR}: it fails users or opens a hole; {@code WARNING}: it will once something changes, or
 *     it cannot be told from here
 * @param rule a short stable name of the rule ({@code mfa-deadline}, {@code blastradius}, ...)
 * @param subject what it is about: {@code client 'Azure VPN gateway'}, {@code network policy 'VPN'}, ...
 * @param problem what is wrong, with the figures that show it
 * @param fix what to change, and where
 * @since 1.2
 */
public record CheckFinding(Severity severity, String rule, String subject, String problem, String fix) {

    public enum Severity {
        ERROR,
        WARNING
    }

    public CheckFinding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(fix, "fix");
    }
}
