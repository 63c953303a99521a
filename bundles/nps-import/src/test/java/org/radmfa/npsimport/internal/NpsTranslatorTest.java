package org.radmfa.npsimport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/** The loop every translator shares: order, one report entry per object, none to many results, errors stop it. */
class NpsTranslatorTest {

    /** Translates "name:count" into count copies of the prefixed name; "bad" is a format error. */
    private static final class Repeater extends NpsTranslator<String, String> {
        Repeater() {
            super(ImportReport.Kind.RADIUS_CLIENT, "nps-");
        }

        @Override
        void translate(String object, ImportReport report, Consumer<String> planned) throws NpsFormatException {
            if (object.equals("bad")) {
                throw new NpsFormatException("Clients/bad", "bad object");
            }
            String[] parts = object.split(":");
            ImportReport.Entry entry = entry(report, parts[0]);
            int count = Integer.parseInt(parts[1]);
            if (count == 0) {
                entry.outcome(ImportReport.Outcome.SKIPPED);
            }
            for (int i = 0; i < count; i++) {
                planned.accept(prefix + parts[0]);
            }
        }
    }

    @Test
    void translatesInFileOrderWithOneReportEntryEach() throws Exception {
        ImportReport report = new ImportReport("export.xml", 10, false);

        List<String> planned = new Repeater().translateAll(List.of("vpn:1", "off:0", "group:2"), report);

        assertEquals(List.of("nps-vpn", "nps-group", "nps-group"), planned);
        assertEquals(List.of("vpn", "off", "group"), report.entries().stream().map(ImportReport.Entry::npsName)
                .toList());
        assertEquals(List.of("nps-vpn", "nps-off", "nps-group"), report.entries().stream()
                .map(ImportReport.Entry::name).toList());
        assertEquals(List.of(ImportReport.Outcome.IMPORTED, ImportReport.Outcome.SKIPPED,
                ImportReport.Outcome.IMPORTED), report.entries().stream().map(ImportReport.Entry::outcome).toList());
        assertEquals(ImportReport.Kind.RADIUS_CLIENT, report.entries().get(0).kind());
    }

    @Test
    void aFormatErrorStopsTheLoop() {
        ImportReport report = new ImportReport("export.xml", 10, false);

        assertThrows(NpsFormatException.class, () -> new Repeater().translateAll(List.of("a:1", "bad", "c:1"),
                report));
        assertEquals(1, report.entries().size());
    }
}
