package org.radmfa.webconsole.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.radmfa.api.ClientStatistics;
import org.radmfa.api.MfaActivity;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.MfaStatus;
import org.radmfa.api.RadiusStatistics;

/** The dashboard's figures, by label, in display order: rendered in the page and refreshed from state.json. */
final class DashboardFigures {

    static final int RATE_WINDOW_SECONDS = 10;

    private DashboardFigures() {
    }

    static Map<String, Object> of(ConsoleServices services, DecisionRate rate, Instant now) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("Decisions per second (last " + RATE_WINDOW_SECONDS + " s)",
                String.format("%.1f", rate.perSecond(RATE_WINDOW_SECONDS)));
        RadiusStatistics stats = services.statistics();
        if (stats == null) {
            figures.put("RADIUS server", "not installed (feature radmfa-transport)");
        } else {
            radius(figures, stats);
        }
        List<Map.Entry<Map<String, Object>, MfaConnector>> connectors = services.mfaConnectors();
        figures.put("MFA connector", connectors.isEmpty() ? "none installed"
                : String.join(", ", connectors.stream().map(c -> c.getValue().name()).toList()));
        MfaActivity activity = services.mfaActivity();
        if (activity != null) {
            mfa(figures, activity.status());
        }
        List<String> expiries = new ArrayList<>();
        for (Map.Entry<Map<String, Object>, MfaConnector> connector : connectors) {
            String expiry = CredentialExpiry.describe(connector.getValue().name(), connector.getKey(), now);
            if (expiry != null) {
                expiries.add(expiry);
            }
        }
        figures.put("Credential expiry", expiries.isEmpty() ? "no expiry date configured"
                : String.join("; ", expiries));
        return figures;
    }

    private static void radius(Map<String, Object> figures, RadiusStatistics stats) {
        long requests = 0;
        long badSecret = 0;
        long badPassword = 0;
        Map<String, Long> answers = new TreeMap<>();
        Map<String, Long> rejects = new TreeMap<>();
        Map<String, Long> drops = new TreeMap<>();
        for (ClientStatistics client : stats.clients()) {
            requests += client.requests();
            badSecret += client.badSecret();
            badPassword += client.badPassword();
            client.answers().forEach((k, v) -> answers.merge(k, v, Long::sum));
            client.rejects().forEach((k, v) -> rejects.merge(k, v, Long::sum));
            client.drops().forEach((k, v) -> drops.merge(k, v, Long::sum));
        }
        figures.put("Requests since start", requests);
        figures.put("Accepts", answers.getOrDefault("ACCEPT", 0L));
        figures.put("Rejects", answers.getOrDefault("REJECT", 0L));
        figures.put("Challenges", answers.getOrDefault("CHALLENGE", 0L));
        figures.put("Rejects by reason", rejects.isEmpty() ? "none" : rejects.toString());
        figures.put("Drops by reason", drops.isEmpty() ? "none" : drops.toString());
        figures.put("Bad shared secret / bad password", badSecret + " / " + badPassword);
    }

    private static void mfa(Map<String, Object> figures, MfaStatus status) {
        figures.put("MFA connector in use", status.connector() == null ? "none" : status.connector());
        figures.put("Pending MFA", status.pending());
        figures.put("MFA outcomes", status.outcomes().isEmpty() ? "none" : new TreeMap<>(status.outcomes())
                .toString());
        figures.put("MFA last unavailable", status.lastUnavailable() == null ? "never"
                : status.lastUnavailable() + (status.lastUnavailableDetail() == null ? ""
                        : ": " + status.lastUnavailableDetail()));
    }
}
