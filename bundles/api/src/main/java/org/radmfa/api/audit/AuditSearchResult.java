package org.radmfa.api.audit;

import java.util.List;

/**
 * What one search found and how far it looked.
 *
 * @param decisions the matching decisions, newest first
 * @param filesSearched the audit files read (wholly or in part)
 * @param filesSkipped the audit files passed over because their time span is outside the query's range
 * @param linesScanned the lines read
 * @param unreadableLines lines that were not a decision (corrupt, or cut short by a crash) and were skipped
 * @param stoppedAt null when the search looked everywhere it had to; else where it stopped because it reached its
 *     limit of lines (which file, which time): the decisions before that point were not looked at
 */
public record AuditSearchResult(List<AuditedDecision> decisions, int filesSearched, int filesSkipped,
        long linesScanned, long unreadableLines, String stoppedAt) {

    public AuditSearchResult {
        decisions = List.copyOf(decisions);
    }

    /** Whether every decision in the query's range was looked at. */
    public boolean complete() {
        return stoppedAt == null;
    }

    /** One line for operators: "3 found; searched 2 files (1 skipped), 5210 lines; stopped at ...". */
    public String summary() {
        StringBuilder text = new StringBuilder();
        text.append(decisions.size()).append(" found; searched ").append(filesSearched)
                .append(filesSearched == 1 ? " file" : " files");
        if (filesSkipped > 0) {
            text.append(" (").append(filesSkipped).append(" outside the time range skipped)");
        }
        text.append(", ").append(linesScanned).append(linesScanned == 1 ? " line" : " lines");
        if (unreadableLines > 0) {
            text.append(", ").append(unreadableLines).append(" unreadable skipped");
        }
        if (stoppedAt != null) {
            text.append("; stopped at ").append(stoppedAt).append(": narrow the time range to look further back");
        }
        return text.toString();
    }
}
