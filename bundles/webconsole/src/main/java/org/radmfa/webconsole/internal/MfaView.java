package org.radmfa.webconsole.internal;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.radmfa.api.MfaConnector;

/** The installed MFA connectors, with their service properties and credential expiry. */
final class MfaView {

    private MfaView() {
    }

    static void render(PrintWriter out, List<Map.Entry<Map<String, Object>, MfaConnector>> connectors, Instant now) {
        out.println("<h2 id='mfa'>MFA connector</h2>");
        if (connectors.isEmpty()) {
            out.println("<p id='radmfa-mfa'>No MFA connector installed: policies that require MFA reject with "
                    + "MFA_UNAVAILABLE.</p>");
            return;
        }
        out.println("<table class='nicetable' id='radmfa-mfa'><thead><tr><th>Connector</th><th>Service</th>"
                + "<th>Bundle</th><th>Credential</th></tr></thead><tbody>");
        for (Map.Entry<Map<String, Object>, MfaConnector> connector : connectors) {
            Map<String, Object> properties = connector.getKey();
            String name = connector.getValue().name();
            String expiry = CredentialExpiry.describe(name, properties, now);
            out.println("<tr><td>" + Html.escape(name) + "</td><td>" + Html.escape(properties.get("service.id"))
                    + (properties.get("connector") == null ? "" : " (connector=" + Html.escape(properties.get(
                            "connector")) + ")") + "</td><td>" + Html.escape(properties.get("service.bundleid"))
                    + "</td><td>" + (expiry == null ? "-" : Html.escape(expiry)) + "</td></tr>");
        }
        out.println("</tbody></table>");
        out.println("<p>The pipeline picks the connector by <code>mfaConnector.target</code> in "
                + "etc/org.radmfa.pipeline.cfg.</p>");
    }
}
