package org.radmfa.audit.syslog.internal;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.radmfa.api.AccountingRecord;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.RequestAttribute;

/**
 * Decisions and accounting records as RFC 5424 messages. Only attributes named here go out (an allow-list): a
 * decision carries no credential by contract, and an accounting record's values may hold keys (MS-MPPE-*), so
 * nothing is copied wholesale. Parameter names are the same for both kinds where they mean the same thing, so that
 * a SIEM follows a login into its session on {@code correlationId}.
 */
final class AuditMessages {
    static final String MSGID_DECISION = "decision";
    static final String MSGID_ACCOUNTING = "accounting";
    /** The Class value an Access-Accept carries, echoed by the NAS in accounting. */
    private static final String CLASS_PREFIX = "radmfa:";
    /** Where the NAS and the user's device are: what a SIEM correlates on besides the user. */
    private static final Map<String, String> ORIGIN = originParams();

    private final Rfc5424 format;

    AuditMessages(Rfc5424 format) {
        this.format = format;
    }

    byte[] decision(DecisionRecord record) {
        Decision decision = record.decision();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("correlationId", record.correlationId());
        params.put("requestId", record.id());
        params.put("client", record.client());
        params.put("user", record.userName());
        params.put("outcome", lower(decision.outcome().name()));
        params.put("reason", lower(decision.reason().name()));
        params.put("method", record.method() == null ? null : lower(record.method().name()).replace('_', '-'));
        params.put("policy", decision.policyName());
        params.put("millis", Long.toString(record.millis()));
        origin(record.origin(), params);
        int severity = decision.outcome() == Decision.Outcome.REJECT ? Rfc5424.SEVERITY_NOTICE : Rfc5424.SEVERITY_INFO;
        String text = lower(decision.outcome().name()) + " for user '" + record.userName() + "' from client '"
                + record.client() + "': " + decision.reason() + (decision.detail() == null ? ""
                : " (" + decision.detail() + ")");
        return format.message(severity, record.time(), MSGID_DECISION, params, text);
    }

    byte[] accounting(AccountingRecord record) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("correlationId", correlationId(record.attributes()));
        params.put("requestId", record.id());
        params.put("client", record.clientName());
        String user = record.attribute("User-Name").orElse(null);
        params.put("user", user);
        String status = record.attribute("Acct-Status-Type").orElse(null);
        params.put("status", status);
        params.put("sessionId", record.attribute("Acct-Session-Id").orElse(null));
        params.put("terminateCause", record.attribute("Acct-Terminate-Cause").orElse(null));
        params.put("sessionSeconds", record.attribute("Acct-Session-Time").orElse(null));
        params.put("framedIp", record.attribute("Framed-IP-Address").orElse(null));
        origin(record.attributes(), params);
        String text = "accounting " + (status == null ? "record" : status) + " for user '" + user + "' from client '"
                + record.clientName() + "'";
        return format.message(Rfc5424.SEVERITY_INFO, record.received(), MSGID_ACCOUNTING, params, text);
    }

    private static void origin(List<RequestAttribute> attributes, Map<String, String> params) {
        for (RequestAttribute attribute : attributes) {
            String param = ORIGIN.get(attribute.name());
            if (param != null) {
                params.putIfAbsent(param, attribute.value());
            }
        }
    }

    /** The correlation id of the login the NAS's session belongs to, from the Class it echoes; null if none. */
    static String correlationId(List<RequestAttribute> attributes) {
        for (RequestAttribute attribute : attributes) {
            if (!attribute.name().equals("Class") || attribute.value() == null) {
                continue;
            }
            String value = attribute.value();
            if (value.startsWith("0x")) {
                try {
                    value = new String(HexFormat.of().parseHex(value.substring(2)), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    continue;
                }
            }
            if (value.startsWith(CLASS_PREFIX)) {
                return value.substring(CLASS_PREFIX.length());
            }
        }
        return null;
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> originParams() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("NAS-IP-Address", "nasIp");
        params.put("NAS-IPv6-Address", "nasIp");
        params.put("NAS-Identifier", "nasId");
        params.put("Calling-Station-Id", "callingStationId");
        params.put("Called-Station-Id", "calledStationId");
        params.put("Tunnel-Client-Endpoint", "tunnelClientEndpoint");
        return Map.copyOf(params);
    }
}
