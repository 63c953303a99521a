package org.radmfa.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionLog;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.RequestAttribute;

class DecisionSearchTest {

    private static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");
    private final Map<String, String> query = new HashMap<>();
    private final List<DecisionRecord> log = List.of(
            record("3", T0.plusSeconds(120), "azure-gw", "bob@corp.example", "c-333"),
            record("2", T0.plusSeconds(60), "azure-gw", "alice@corp.example", "c-222"),
            record("1", T0, "office-ap", "Alice", "c-111"));

    @Test
    void everyCriterionGivenMustMatch() {
        query.put("user", "ALICE");
        assertEquals(List.of("2", "1"), ids());
        query.put("client", "azure");
        assertEquals(List.of("2"), ids());
        query.clear();
        query.put("correlationId", "c-3");
        assertEquals(List.of("3"), ids());
        query.clear();
        query.put("from", "2026-12-05T09:01");
        query.put("to", "2026-12-05T09:02:00Z");
        assertEquals(List.of("2"), ids(), "from inclusive, to exclusive, UTC");
        query.clear();
        assertEquals(List.of("3", "2", "1"), ids(), "no criterion: everything, newest first");
    }

    @Test
    void aTimeThatIsNoTimeIsRefused() {
        query.put("from", "yesterday");
        assertEquals("'from' is not a time (2026-12-05T09:00, UTC): yesterday",
                assertThrows(IllegalArgumentException.class, () -> DecisionSearch.of(query::get)).getMessage());
    }

    @Test
    void resultsAreBounded() {
        List<DecisionRecord> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(record(String.valueOf(i), T0, "gw", "u", "c"));
        }
        assertEquals(DecisionSearch.MAX_RESULTS, DecisionSearch.of(query::get).apply(many).size());
    }

    @Test
    void oneDecisionComesWithItsTraceAndOrigin() {
        DecisionLog decisionLog = Fakes.service(DecisionLog.class, Map.of("recent", args -> log));
        ConsoleServices services = new ConsoleServices(null, null, decisionLog, List.of(), null, null, null, null,
                null, null);
        Map<String, Object> one = JsonApi.decision(services, "2");
        assertEquals("alice@corp.example", one.get("user"));
        assertEquals(List.of("directory 'local': REJECTED"), one.get("trace"));
        assertEquals(List.of("Calling-Station-Id = 203.0.113.9"), one.get("origin"));
        assertNull(JsonApi.decision(services, "404"));
        String json = Json.write(JsonApi.search(services, DecisionSearch.of(Map.of("user", "bob")::get)));
        assertTrue(json.contains("\"id\":\"3\"") && !json.contains("\"id\":\"2\""), json);
    }

    private List<String> ids() {
        return DecisionSearch.of(query::get).apply(log).stream().map(DecisionRecord::id).toList();
    }

    private static DecisionRecord record(String id, Instant time, String client, String user, String correlation) {
        return new DecisionRecord(id, time, client, user, Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "no",
                List.of("directory 'local': REJECTED")), 2, correlation,
                List.of(new RequestAttribute(0, 31, "Calling-Station-Id", "203.0.113.9")));
    }
}
