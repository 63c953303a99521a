package org.radmfa.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionLog;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.audit.AuditQuery;
import org.radmfa.api.audit.AuditSearch;
import org.radmfa.api.audit.AuditSearchResult;
import org.radmfa.api.audit.AuditedDecision;

/** The page's audit search: from the audit files when they can be searched, else from memory, saying so. */
class AuditSearchViewTest {
    private static final AuditedDecision YESTERDAY = new AuditedDecision("c-old", "rq-7",
            Instant.parse("2026-12-04T09:15:00Z"), "vpn-gw", "alice", "REJECT", "AUTHENTICATION_FAILED", 16, null, 4,
            "wrong password", List.of(new AuditedDecision.Attribute("NAS-IP-Address", "10.1.255.4")), List.of(),
            List.of("directory 'local': AUTHENTICATION_FAILED"), "audit-2026-12-04.jsonl");
    private final List<AuditQuery> queries = new ArrayList<>();
    private final DecisionLog memory = Fakes.service(DecisionLog.class, Map.of("recent", args -> List.of(
            new DecisionRecord("rq-9", Instant.parse("2026-12-05T10:00:00Z"), "vpn-gw", "alice",
                    Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "no", List.of("in memory")), 2, "c-new"))));

    @Test
    void theAuditFilesAreSearchedAndADecisionOpenedByItsCorrelationId() {
        AuditSearch files = Fakes.service(AuditSearch.class, Map.of(
                "search", args -> {
                    queries.add((AuditQuery) args[0]);
                    return new AuditSearchResult(List.of(YESTERDAY), 2, 0, 40, 1, null);
                },
                "decision", args -> args[0].equals("c-old") ? Optional.of(YESTERDAY) : Optional.empty(),
                "description", args -> "audit file in /var/lib/radmfa/audit"));
        ConsoleServices services = services(files);

        Map<String, Object> result = JsonApi.search(services, DecisionSearch.of(Map.of("user", "alice", "reason",
                "reject", "from", "2026-12-04T00:00")::get));

        assertEquals(new AuditQuery("alice", false, null, null, "reject", Instant.parse("2026-12-04T00:00:00Z"), null,
                DecisionSearch.MAX_RESULTS), queries.get(0));
        assertEquals("files", result.get("source"));
        assertEquals("1 found; searched 2 files, 40 lines, 1 unreadable skipped", result.get("summary"));
        String json = Json.write(result);
        assertTrue(json.contains("\"correlationId\":\"c-old\"") && !json.contains("c-new"), json);

        Map<String, Object> opened = JsonApi.decision(services, null, "c-old");
        assertEquals(List.of("directory 'local': AUTHENTICATION_FAILED"), opened.get("trace"));
        assertEquals(List.of("NAS-IP-Address = 10.1.255.4"), opened.get("origin"));
        assertEquals("audit-2026-12-04.jsonl", opened.get("source"));
        assertNull(JsonApi.decision(services, null, "c-gone"));
        assertTrue(Fakes.render(out -> AuditView.render(out, "/r", files)).contains(
                "Searches the audit files (audit file in /var/lib/radmfa/audit)"));
    }

    @Test
    void withoutTheAuditFileTheMemoryIsSearchedAndThePageSaysSo() {
        ConsoleServices services = services(null);

        Map<String, Object> result = JsonApi.search(services, DecisionSearch.of(Map.of("user", "alice")::get));

        assertEquals("memory", result.get("source"));
        assertTrue(String.valueOf(result.get("notice")).startsWith("No audit file to search"), result.toString());
        assertTrue(Json.write(result).contains("\"correlationId\":\"c-new\""));
        assertEquals(List.of("in memory"), JsonApi.decision(services, null, "c-new").get("trace"));
        String page = Fakes.render(out -> AuditView.render(out, "/r", null));
        assertTrue(page.contains("No audit file to search") && page.contains("decisionLogSize"), page);
    }

    @Test
    void anAuditFileThatCannotBeSearchedFallsBackToMemoryWithTheReason() {
        AuditSearch xml = Fakes.service(AuditSearch.class, Map.of("search", args -> {
            throw new IllegalStateException("audit file is written as NPS DTS XML");
        }, "description", args -> "audit file"));

        Map<String, Object> result = JsonApi.search(services(xml), DecisionSearch.of(Map.<String, String>of()::get));

        assertEquals("memory", result.get("source"));
        assertEquals("The audit files could not be searched (audit file is written as NPS DTS XML): only the"
                + " decisions kept in memory were searched.", result.get("notice"));
        assertFalse(((List<?>) result.get("decisions")).isEmpty());
    }

    private ConsoleServices services(AuditSearch trail) {
        return new ConsoleServices(null, null, memory, List.of(), null, null, null, null, null, null, null, null,
                trail);
    }
}
