package org.radmfa.npsimport.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What an import did or would do with every object of the export: imported, unchanged, imported disabled,
 * skipped or refused, each with the NPS property concerned and the reason. Never holds a secret.
 */
public final class ImportReport {

    /** What an object of the export is. */
    public enum Kind {
        RADIUS_CLIENT("RADIUS clients"),
        NETWORK_POLICY("Network policies"),
        CONNECTION_REQUEST_POLICY("Connection request policies"),
        SERVER_GROUP("Remote RADIUS server groups"),
        OTHER("Other settings");

        private final String heading;

        Kind(String heading) {
            this.heading = heading;
        }

        public String heading() {
            return heading;
        }
    }

    /** What became of an object. */
    public enum Outcome {
        IMPORTED("imported"),
        UNCHANGED("unchanged (already as in the export)"),
        IMPORTED_DISABLED("imported DISABLED"),
        SKIPPED("not imported"),
        KEPT("kept here, not in the export"),
        REFUSED("REFUSED");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** How a property was carried over. */
    public enum NoteKind {
        /** Carried over with a meaning that differs from NPS's; the text says how. */
        TRANSLATED,
        /** Not carried over; the text says why. */
        DROPPED,
        /** Worth knowing, no loss. */
        INFO
    }

    public record Note(NoteKind kind, String property, String text) {
    }

    /** One object of the export: its kind, its NPS name, the name it has here and what became of it. */
    public static final class Entry {
        private final Kind kind;
        private final String npsName;
        private String name;
        private Outcome outcome;
        private final List<Note> notes = new ArrayList<>();

        Entry(Kind kind, String npsName, Outcome outcome) {
            this.kind = kind;
            this.npsName = npsName;
            this.name = npsName;
            this.outcome = outcome;
        }

        public Kind kind() {
            return kind;
        }

        public String npsName() {
            return npsName;
        }

        public String name() {
            return name;
        }

        public Outcome outcome() {
            return outcome;
        }

        public List<Note> notes() {
            return List.copyOf(notes);
        }

        Entry named(String appliedName) {
            this.name = appliedName;
            return this;
        }

        Entry outcome(Outcome newOutcome) {
            this.outcome = newOutcome;
            return this;
        }

        Entry translated(String property, String text) {
            notes.add(new Note(NoteKind.TRANSLATED, property, text));
            return this;
        }

        Entry dropped(String property, String text) {
            notes.add(new Note(NoteKind.DROPPED, property, text));
            return this;
        }

        Entry info(String property, String text) {
            notes.add(new Note(NoteKind.INFO, property, text));
            return this;
        }
    }

    private final String file;
    private final long version;
    private final boolean dryRun;
    private final List<Entry> entries = new ArrayList<>();
    private String refusal;

    ImportReport(String file, long version, boolean dryRun) {
        this.file = file;
        this.version = version;
        this.dryRun = dryRun;
    }

    Entry add(Kind kind, String npsName, Outcome outcome) {
        Entry entry = new Entry(kind, npsName, outcome);
        entries.add(entry);
        return entry;
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Why nothing was written, or null when the import went (or would go) through. */
    public String refusal() {
        return refusal;
    }

    void refuse(String reason) {
        this.refusal = reason;
    }

    public boolean dryRun() {
        return dryRun;
    }

    public Map<Outcome, Integer> totals(Kind kind) {
        Map<Outcome, Integer> totals = new EnumMap<>(Outcome.class);
        for (Entry entry : entries) {
            if (entry.kind == kind) {
                totals.merge(entry.outcome, 1, Integer::sum);
            }
        }
        return totals;
    }

    /** The report as printed and written beside the export. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("NPS import report for ").append(file).append(" (export version ").append(version).append(")")
                .append(dryRun ? " -- DRY RUN: nothing was written" : "").append('\n');
        if (refusal != null) {
            out.append("IMPORT REFUSED, nothing was written: ").append(refusal).append('\n');
        }
        for (Kind kind : Kind.values()) {
            List<Entry> ofKind = entries.stream().filter(e -> e.kind == kind).toList();
            if (ofKind.isEmpty()) {
                continue;
            }
            out.append('\n').append(kind.heading).append(":\n");
            for (Entry entry : ofKind) {
                out.append("  ").append(entry.outcome.label).append(": '").append(entry.npsName).append('\'');
                if (!entry.name.equals(entry.npsName)) {
                    out.append(" as '").append(entry.name).append('\'');
                }
                out.append('\n');
                for (Note note : entry.notes) {
                    out.append("      ").append(switch (note.kind) {
                        case TRANSLATED -> "translated ";
                        case DROPPED -> "DROPPED    ";
                        case INFO -> "note       ";
                    }).append(note.property).append(": ").append(note.text).append('\n');
                }
            }
        }
        out.append("\nTotals:\n");
        for (Kind kind : Kind.values()) {
            Map<Outcome, Integer> totals = totals(kind);
            if (totals.isEmpty()) {
                continue;
            }
            out.append("  ").append(kind.heading).append(": ");
            List<String> parts = new ArrayList<>();
            totals.forEach((outcome, count) -> parts.add(count + " " + outcome.label));
            out.append(String.join(", ", parts)).append('\n');
        }
        return out.toString();
    }
}
