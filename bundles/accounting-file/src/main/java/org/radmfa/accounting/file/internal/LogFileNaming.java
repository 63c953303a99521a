package org.radmfa.accounting.file.internal;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.Comparator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a sink names its files: one base name per rotation period, and {@code -1}, {@code -2}, ... when the size
 * limit splits a period. NPS's names for its own formats ({@code INyymmdd.log} daily, {@code INyymmww.log} weekly
 * with ww the week of the month, {@code INyymm.log} monthly, {@code iaslog.log} never rotated by time); ISO dates for
 * JSON lines ({@code accounting-2026-11-25.jsonl}, {@code accounting-2026-W48.jsonl}, {@code accounting-2026-11.jsonl}).
 * Base names of one naming sort by time as strings, which retention relies on.
 */
final class LogFileNaming {

    enum Period {
        DAILY, WEEKLY, MONTHLY, NONE;

        static Period named(String text) {
            for (Period period : values()) {
                if (period.name().equalsIgnoreCase(text.trim())) {
                    return period;
                }
            }
            return null;
        }
    }

    /** A file of this naming: its base name and its sequence number within the period (0 for the first). */
    record Parsed(String base, int sequence) {
        static final Comparator<Parsed> OLDEST_FIRST = Comparator.comparing(Parsed::base)
                .thenComparingInt(Parsed::sequence);
    }

    private static final DateTimeFormatter NPS_DAY = DateTimeFormatter.ofPattern("yyMMdd", Locale.ROOT);
    private static final DateTimeFormatter NPS_MONTH = DateTimeFormatter.ofPattern("yyMM", Locale.ROOT);
    private static final DateTimeFormatter ISO_MONTH = DateTimeFormatter.ofPattern("yyyy-MM", Locale.ROOT);

    private final boolean nps;
    private final String prefix;
    private final String extension;
    private final Period period;
    private final Pattern pattern;

    private LogFileNaming(boolean nps, String prefix, String extension, Period period, String baseRegex) {
        this.nps = nps;
        this.prefix = prefix;
        this.extension = extension;
        this.period = period;
        this.pattern = Pattern.compile("(" + baseRegex + ")(?:-(\\d{1,6}))?" + Pattern.quote(extension));
    }

    /** NPS's names, for the DTS and IAS formats. */
    static LogFileNaming nps(Period period) {
        return new LogFileNaming(true, "IN", ".log", period, switch (period) {
            case DAILY, WEEKLY -> "IN\\d{6}";
            case MONTHLY -> "IN\\d{4}";
            case NONE -> "iaslog";
        });
    }

    /** {@code <prefix>-<ISO date>.jsonl}, for JSON lines. */
    static LogFileNaming jsonLines(String prefix, Period period) {
        String quoted = Pattern.quote(prefix);
        return new LogFileNaming(false, prefix, ".jsonl", period, switch (period) {
            case DAILY -> quoted + "-\\d{4}-\\d{2}-\\d{2}";
            case WEEKLY -> quoted + "-\\d{4}-W\\d{2}";
            case MONTHLY -> quoted + "-\\d{4}-\\d{2}";
            case NONE -> quoted;
        });
    }

    Period period() {
        return period;
    }

    /**
     * The kind of names, whatever the period: two namings of one kind can take each other's files for their own (a
     * monthly JSON naming reads a daily file as a split of the month, NPS's daily and weekly names look alike), so
     * two sinks must not write the same kind of names to one directory.
     */
    String kind() {
        return nps ? "NPS (IN*.log, iaslog.log)" : prefix + "*" + extension;
    }

    /** Same names: an unchanged configuration then keeps its writer. */
    @Override
    public boolean equals(Object other) {
        return other instanceof LogFileNaming that && nps == that.nps && prefix.equals(that.prefix)
                && extension.equals(that.extension) && period == that.period;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(nps, prefix, extension, period);
    }

    /** The base name of the file for records of this day. */
    String base(LocalDate date) {
        if (nps) {
            return switch (period) {
                case DAILY -> prefix + NPS_DAY.format(date);
                case WEEKLY -> prefix + NPS_MONTH.format(date) + String.format(Locale.ROOT, "%02d",
                        (date.getDayOfMonth() - 1) / 7 + 1);
                case MONTHLY -> prefix + NPS_MONTH.format(date);
                case NONE -> "iaslog";
            };
        }
        return switch (period) {
            case DAILY -> prefix + "-" + date;
            case WEEKLY -> prefix + "-" + date.get(IsoFields.WEEK_BASED_YEAR) + "-W"
                    + String.format(Locale.ROOT, "%02d", date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTHLY -> prefix + "-" + ISO_MONTH.format(date);
            case NONE -> prefix;
        };
    }

    String fileName(String base, int sequence) {
        return base + (sequence == 0 ? "" : "-" + sequence) + extension;
    }

    /** The base name and sequence of a file of this naming, or null for any other file. */
    Parsed parse(String fileName) {
        Matcher matcher = pattern.matcher(fileName);
        if (!matcher.matches()) {
            return null;
        }
        return new Parsed(matcher.group(1), matcher.group(2) == null ? 0 : Integer.parseInt(matcher.group(2)));
    }
}
