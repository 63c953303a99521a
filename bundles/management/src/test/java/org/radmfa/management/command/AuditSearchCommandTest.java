package org.radmfa.management.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.radmfa.api.audit.AuditQuery;
import org.radmfa.api.audit.AuditSearch;
import org.radmfa.api.audit.AuditSearchResult;
import org.radmfa.api.audit.AuditedDecision;

class AuditSearchCommandTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final AuditedDecision ALICE_REJECTED = new AuditedDecision("c-1", "rq-1",
            Instant.parse("2026-12-04T09:15:00Z"), "vpn-gw", "alice", "REJECT", "AUTHENTICATION_FAILED", 16, null, 4,
            "wrong password", List.of(new AuditedDecision.Attribute("NAS-IP-Address", "10.1.255.4")),
            List.of(), List.of("directory 'local': AUTHENTICATION_FAILED"), "audit-2026-12-04.jsonl");

    /** Answers every search with what it was given to answer, and keeps the queries. */
    private static final class FakeAuditSearch implements AuditSearch {
        final List<AuditQuery> queries = new ArrayList<>();
        private final AuditSearchResult answer;

        FakeAuditSearch(AuditSearchResult answer) {
            this.answer = answer;
        }

        @Override
        public AuditSearchResult search(AuditQuery query) {
            queries.add(query);
            return answer;
        }

        @Override
        public Optional<AuditedDecision> decision(String correlationId) {
            return Optional.empty();
        }

        @Override
        public String description() {
            return "audit file in /var/lib/radmfa/audit";
        }
    }

    private static AuditSearchCommand command(AuditSearch search) {
        AuditSearchCommand command = new AuditSearchCommand();
        command.search = search;
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        command.noFormat = true;
        return command;
    }

    @Test
    void criteriaBecomeTheQueryAndRelativeTimesCountBackFromNow() throws Exception {
        FakeAuditSearch search = new FakeAuditSearch(new AuditSearchResult(List.of(ALICE_REJECTED), 2, 1, 5210, 0,
                null));
        AuditSearchCommand command = command(search);
        command.user = "Alice";
        command.exact = true;
        command.client = "10.1.255.4";
        command.reason = "reject";
        command.from = "-2d";
        command.to = "2026-12-05T10:00";

        String output = CommandOutput.of(command);

        AuditQuery query = search.queries.get(0);
        assertEquals(new AuditQuery("Alice", true, "10.1.255.4", null, "reject", Instant.parse("2026-12-03T12:00:00Z"),
                Instant.parse("2026-12-05T10:00:00Z"), 20), query);
        assertTrue(output.lines().anyMatch(line -> line.matches("2026-12-04T09:15:00Z\\s+c-1\\s+vpn-gw\\s+alice\\s+"
                + "REJECT\\s+AUTHENTICATION_FAILED\\s+-\\s+4\\s+wrong password\\s*")), output);
        assertTrue(output.strip().endsWith("1 found; searched 2 files (1 outside the time range skipped), 5210 lines"
                + " (audit file in /var/lib/radmfa/audit)"), output);
    }

    @Test
    void aSearchThatStoppedAtItsLimitSaysWhereAndHowToGoFurther() throws Exception {
        AuditSearchCommand command = command(new FakeAuditSearch(new AuditSearchResult(List.of(), 3, 0, 2_000_000, 2,
                "audit-2026-11-02.jsonl after 2000000 lines (searchMaxLines), having looked back to 2026-11-02T08:00:00Z")));
        command.correlationId = "c-9";

        String output = CommandOutput.of(command);

        assertTrue(output.contains("0 found; searched 3 files, 2000000 lines, 2 unreadable skipped; stopped at"
                + " audit-2026-11-02.jsonl after 2000000 lines (searchMaxLines), having looked back to"
                + " 2026-11-02T08:00:00Z: narrow the time range to look further back"), output);
    }

    @Test
    void theTraceAndOriginArePrintedOnRequest() throws Exception {
        AuditSearchCommand command = command(new FakeAuditSearch(new AuditSearchResult(List.of(ALICE_REJECTED), 1, 0,
                1, 0, null)));
        command.trace = true;

        String output = CommandOutput.of(command);

        assertTrue(output.contains("c-1 (audit-2026-12-04.jsonl):\n  directory 'local': AUTHENTICATION_FAILED\n"
                + "  from: NAS-IP-Address = 10.1.255.4\n"), output);
    }

    @Test
    void aTimeItCannotReadIsRefusedWithTheFormsItTakes() {
        FakeAuditSearch search = new FakeAuditSearch(new AuditSearchResult(List.of(), 0, 0, 0, 0, null));
        AuditSearchCommand command = command(search);
        command.from = "yesterday";

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> CommandOutput.of(command));

        assertEquals("--from 'yesterday' is not a time: give an ISO-8601 time (2026-12-05T09:00:00Z; without zone:"
                + " UTC), a date (2026-12-05), now, or a time before now (-90s, -30m, -2h, -7d)", refused.getMessage());
        assertTrue(search.queries.isEmpty());
    }

    @Test
    void aRangeThatEndsBeforeItStartsOrABadLimitIsRefused() {
        AuditSearchCommand backwards = command(new FakeAuditSearch(null));
        backwards.from = "-1h";
        backwards.to = "-2h";
        assertEquals("'from' (2026-12-05T11:00:00Z) must be before 'to' (2026-12-05T10:00:00Z)",
                assertThrows(IllegalArgumentException.class, () -> CommandOutput.of(backwards)).getMessage());

        AuditSearchCommand tooMany = command(new FakeAuditSearch(null));
        tooMany.limit = 0;
        assertEquals("the limit must be 1 to 10000: 0",
                assertThrows(IllegalArgumentException.class, () -> CommandOutput.of(tooMany)).getMessage());
    }

    @Test
    void withoutTheAuditFileItSaysWhatToInstall() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> CommandOutput.of(command(null)));
        assertTrue(refused.getMessage().startsWith("No audit trail to search: the audit file (feature"
                + " radmfa-accounting-file"), refused.getMessage());
    }

    @Test
    void timesAreReadInEveryFormTheHelpNames() {
        assertEquals(Instant.parse("2026-12-05T08:00:00Z"), AuditTimes.parse("--from", "2026-12-05T09:00+01:00", NOW));
        assertEquals(Instant.parse("2026-12-05T00:00:00Z"), AuditTimes.parse("--from", "2026-12-05", NOW));
        assertEquals(Instant.parse("2026-12-05T11:59:30Z"), AuditTimes.parse("--from", "-30s", NOW));
        assertEquals(Instant.parse("2026-12-05T11:30:00Z"), AuditTimes.parse("--from", "-30M", NOW));
        assertEquals(NOW, AuditTimes.parse("--to", "now", NOW));
        assertNull(AuditTimes.parse("--to", " ", NOW));
    }
}
