package org.radmfa.webconsole.internal;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;

/** Network policies and connection request policies in processing order, with their buttons. */
final class PoliciesView {

    private PoliciesView() {
    }

    static void render(PrintWriter out, PolicyAdmin admin, Forms forms) {
        out.println("<h2 id='policies'>Network policies (processing order)</h2>");
        if (admin == null) {
            out.println("<p>Policies are shown and changed through the admin services (feature radmfa-admin), "
                    + "which are not installed.</p>");
            return;
        }
        table(out, forms, admin, PolicyKind.NETWORK, "radmfa-policies");
        out.println("<h2 id='crps'>Connection request policies (processing order)</h2>");
        table(out, forms, admin, PolicyKind.CONNECTION_REQUEST, "radmfa-crps");
    }

    private static void table(PrintWriter out, Forms forms, PolicyAdmin admin, PolicyKind kind, String id) {
        List<PolicyEntry> entries;
        try {
            entries = admin.policies(kind);
        } catch (AdminException e) {
            out.println("<p class='radmfa-error'>Cannot list the policies: " + Html.escape(e.getMessage()) + "</p>");
            return;
        }
        out.println("<table class='nicetable' id='" + id + "'><thead><tr><th>#</th><th>Name</th><th>Order</th>"
                + "<th>Enabled</th><th>Settings</th><th>File</th>" + (forms.mayChange() ? "<th></th>" : "")
                + "</tr></thead><tbody>");
        int position = 0;
        for (PolicyEntry entry : entries) {
            position++;
            var p = entry.settings();
            StringBuilder settings = new StringBuilder();
            p.settings().forEach((key, value) -> settings.append(Html.escape(key)).append(" = ")
                    .append(Html.escape(value)).append("<br/>"));
            out.print("<tr data-name='" + Html.escape(p.name()) + "' data-enabled='" + p.enabled() + "'><td>"
                    + position + "</td><td>" + Html.escape(p.name()) + "</td><td>" + p.order() + "</td><td>"
                    + (p.enabled() ? "yes" : "<b>no</b>") + "</td><td><small>" + settings + "</small></td><td>"
                    + Html.escape(entry.source()) + "</td>");
            if (forms.mayChange()) {
                Map<String, String> base = Map.of("kind", kind.name(), "name", p.name());
                out.print("<td>"
                        + (position > 1 ? forms.action("/policies", "Up", null, Forms.with(base, "up")) : "")
                        + (position < entries.size()
                                ? forms.action("/policies", "Down", null, Forms.with(base, "down")) : "")
                        + forms.action("/policies", p.enabled() ? "Disable" : "Enable", null,
                                Forms.with(base, p.enabled() ? "disable" : "enable"))
                        + forms.action("/policies", "Remove", "Remove policy " + p.name() + "?",
                                Forms.with(base, "remove"))
                        + "</td>");
            }
            out.println("</tr>");
        }
        out.println("</tbody></table>");
    }
}
