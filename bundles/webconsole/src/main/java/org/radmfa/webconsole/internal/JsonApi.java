package org.radmfa.webconsole.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.radmfa.api.DecisionLog;
import org.radmfa.api.DecisionRecord;

/**
 * The page's JSON endpoints, as plain maps and lists that {@link Json} writes. Text from the network (user names,
 * attribute values) is escaped by the writer and set as text by the scripts, never as HTML.
 */
final class JsonApi {

    private JsonApi() {
    }

    /** state.json: the dashboard's figures and the most recent decisions, newest first. */
    static Map<String, Object> state(ConsoleServices services, DecisionRate rate, int decisionCount, Instant now) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("time", now.toString());
        state.put("dashboard", DashboardFigures.of(services, rate, now));
        List<Object> decisions = new ArrayList<>();
        DecisionLog log = services.decisionLog();
        if (log != null) {
            for (DecisionRecord record : log.recent(decisionCount)) {
                decisions.add(decision(record));
            }
        }
        state.put("decisions", decisions);
        return state;
    }

    /** decisions.json: the decisions a search finds, newest first, each with its trace. */
    static Map<String, Object> search(ConsoleServices services, DecisionSearch search) {
        Map<String, Object> result = new LinkedHashMap<>();
        DecisionLog log = services.decisionLog();
        List<Object> found = new ArrayList<>();
        if (log != null) {
            for (DecisionRecord record : search.apply(log.recent(DecisionSearch.MAX_SEARCHED))) {
                found.add(decision(record));
            }
        }
        result.put("decisionLog", log != null);
        result.put("limit", DecisionSearch.MAX_RESULTS);
        result.put("decisions", found);
        return result;
    }

    /** decision.json: one decision by its id, with its trace and where the request came from; null when unknown. */
    static Map<String, Object> decision(ConsoleServices services, String id) {
        DecisionLog log = services.decisionLog();
        if (log == null || id == null) {
            return null;
        }
        for (DecisionRecord record : log.recent(DecisionSearch.MAX_SEARCHED)) {
            if (id.equals(record.id())) {
                Map<String, Object> item = decision(record);
                // The request's origin attributes: never credentials (DecisionRecord keeps none).
                item.put("origin", record.origin().stream().map(a -> a.name() + " = " + a.value()).toList());
                return item;
            }
        }
        return null;
    }

    /** One decision as the page shows it, with its trace. */
    static Map<String, Object> decision(DecisionRecord record) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", record.id());
        item.put("time", record.time() == null ? null : record.time().toString());
        item.put("client", record.client());
        item.put("user", record.userName());
        item.put("outcome", record.decision().outcome().name());
        item.put("reason", record.decision().reason().name());
        item.put("policy", record.decision().policyName());
        item.put("millis", record.millis());
        item.put("detail", record.decision().detail());
        item.put("correlationId", record.correlationId());
        item.put("trace", record.decision().trace());
        return item;
    }
}
