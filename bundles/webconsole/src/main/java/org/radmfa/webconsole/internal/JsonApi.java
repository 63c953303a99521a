package org.radmfa.webconsole.internal;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.radmfa.api.DecisionLog;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.audit.AuditSearch;
import org.radmfa.api.audit.AuditSearchResult;
import org.radmfa.api.audit.AuditedDecision;

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

    /**
     * decisions.json: the decisions a search finds, newest first, each with its trace: from the audit files when the
     * audit file offers its search, else (and saying so in {@code notice}) from the decisions kept in memory.
     */
    static Map<String, Object> search(ConsoleServices services, DecisionSearch search) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("limit", DecisionSearch.MAX_RESULTS);
        AuditSearch trail = services.auditSearch();
        String notice;
        if (trail == null) {
            notice = "No audit file to search (feature radmfa-accounting-file, audit format json): only the decisions"
                    + " kept in memory were searched (decisionLogSize in etc/org.radmfa.pipeline.cfg).";
        } else {
            try {
                AuditSearchResult found = trail.search(search.query());
                List<Object> decisions = new ArrayList<>();
                found.decisions().forEach(decision -> decisions.add(decision(decision)));
                result.put("source", "files");
                result.put("decisionLog", true);
                result.put("trail", trail.description());
                result.put("summary", found.summary());
                result.put("complete", found.complete());
                result.put("decisions", decisions);
                return result;
            } catch (IllegalStateException | UncheckedIOException e) {
                notice = "The audit files could not be searched (" + e.getMessage() + "): only the decisions kept in"
                        + " memory were searched.";
            }
        }
        DecisionLog log = services.decisionLog();
        List<Object> found = new ArrayList<>();
        if (log != null) {
            for (DecisionRecord record : search.apply(log.recent(DecisionSearch.MAX_SEARCHED))) {
                found.add(decision(record));
            }
        }
        result.put("source", "memory");
        result.put("decisionLog", log != null);
        result.put("notice", notice);
        result.put("decisions", found);
        return result;
    }

    /**
     * decision.json: one decision with its trace, where the request came from and its reply attributes' names: by
     * correlation id from the audit files (or, without them, from memory), or by its id from memory; null when
     * unknown.
     */
    static Map<String, Object> decision(ConsoleServices services, String id, String correlationId) {
        AuditSearch trail = services.auditSearch();
        if (correlationId != null && !correlationId.isBlank() && trail != null) {
            Optional<AuditedDecision> found;
            try {
                found = trail.decision(correlationId.strip());
            } catch (IllegalStateException | UncheckedIOException e) {
                found = Optional.empty();
            }
            if (found.isPresent()) {
                Map<String, Object> item = decision(found.get());
                item.put("origin", found.get().origin());
                item.put("replyAttributes", found.get().replyAttributes());
                return item;
            }
        }
        DecisionLog log = services.decisionLog();
        if (log == null || id == null && correlationId == null) {
            return null;
        }
        for (DecisionRecord record : log.recent(DecisionSearch.MAX_SEARCHED)) {
            if (id != null ? id.equals(record.id()) : correlationId.strip().equals(record.correlationId())) {
                AuditedDecision audited = AuditedDecision.of(record, "memory");
                Map<String, Object> item = decision(record);
                // The request's origin attributes: never credentials (DecisionRecord keeps none).
                item.put("origin", audited.origin());
                item.put("replyAttributes", audited.replyAttributes());
                return item;
            }
        }
        return null;
    }

    /** decision.json by id, from memory. */
    static Map<String, Object> decision(ConsoleServices services, String id) {
        return decision(services, id, null);
    }

    /** One decision as the page shows it, with its trace. */
    static Map<String, Object> decision(DecisionRecord record) {
        return decision(AuditedDecision.of(record, "memory"));
    }

    /** One decision of the audit trail as the page shows it, with its trace. */
    static Map<String, Object> decision(AuditedDecision record) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", record.id());
        item.put("time", record.time() == null ? null : record.time().toString());
        item.put("client", record.client());
        item.put("user", record.user());
        item.put("outcome", record.outcome());
        item.put("reason", record.reason());
        item.put("policy", record.policy());
        item.put("millis", record.millis());
        item.put("detail", record.detail());
        item.put("correlationId", record.correlationId());
        item.put("trace", record.trace());
        item.put("source", record.source());
        return item;
    }
}
