package org.radmfa.webconsole.internal;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

import org.radmfa.api.RemoteServerGroups;
import org.radmfa.api.RemoteServerStatus;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.RemoteServerAdmin;
import org.radmfa.api.admin.RemoteServerEntry;

/**
 * The remote RADIUS server groups that connection request policies forward to: each stored server with its
 * settings, its secret's fingerprint and, while the proxy runs, its live state; with the form to add, change and
 * remove servers.
 */
final class RemoteServersView {

    private RemoteServersView() {
    }

    static void render(PrintWriter out, RemoteServerAdmin admin, RemoteServerGroups live, Forms forms) {
        out.println("<h2 id='servers'>Remote RADIUS servers</h2>");
        if (admin == null) {
            out.println("<p>Remote servers are shown and changed through the admin services (feature radmfa-admin), "
                    + "which are not installed.</p>");
            return;
        }
        List<RemoteServerEntry> entries;
        try {
            entries = admin.servers();
        } catch (AdminException e) {
            out.println("<p class='radmfa-error'>Cannot list the remote servers: " + Html.escape(e.getMessage())
                    + "</p>");
            return;
        }
        List<RemoteServerStatus> statuses = live == null ? List.of() : live.servers();
        if (entries.isEmpty()) {
            out.println("<p id='radmfa-servers-none'>No remote RADIUS server: every request is answered here.</p>");
        } else {
            table(out, forms, entries, live == null ? null : statuses);
        }
        form(out, forms);
    }

    private static void table(PrintWriter out, Forms forms, List<RemoteServerEntry> entries,
            List<RemoteServerStatus> statuses) {
        out.println("<table class='nicetable' id='radmfa-servers'><thead><tr><th>Group</th><th>Name</th>"
                + "<th>Address</th><th>Auth / acct port</th><th>Priority</th><th>Weight</th>"
                + "<th>Accounting forwarded</th><th>Secret fingerprint</th><th>State</th><th>File</th>"
                + (forms.mayChange() ? "<th></th>" : "") + "</tr></thead><tbody>");
        for (RemoteServerEntry entry : entries) {
            var s = entry.settings();
            out.print("<tr data-group='" + Html.escape(s.group()) + "' data-name='" + Html.escape(s.name())
                    + "'><td>" + Html.escape(s.group()) + "</td><td>" + Html.escape(s.name()) + "</td><td>"
                    + Html.escape(s.address()) + "</td><td>" + s.authPort() + " / " + s.acctPort() + "</td><td>"
                    + s.priority() + "</td><td>" + s.weight() + "</td><td>" + (s.forwardAccounting() ? "yes" : "no")
                    + "</td><td><code>" + Html.escape(entry.secretFingerprint()) + "</code></td><td>"
                    + state(statuses, s.group(), s.name()) + "</td><td>" + Html.escape(entry.source()) + "</td>");
            if (forms.mayChange()) {
                out.print("<td><button type='button' class='radmfa-edit-policy' data-form='radmfa-server-form' "
                        + "data-fields='" + Html.escape(Json.write(RemoteServerForm.fields(s))) + "'>Edit</button> "
                        + forms.action("/servers", "Remove", "Remove remote server " + s.name() + " of group "
                                + s.group() + "?", Map.of("action", "remove", "group", s.group(), "name", s.name()))
                        + "</td>");
            }
            out.println("</tr>");
        }
        out.println("</tbody></table>");
    }

    /** The proxy's view of the server: up or down with its counters; null statuses: the proxy is not running. */
    static String state(List<RemoteServerStatus> statuses, String group, String name) {
        if (statuses == null) {
            return "proxy not running";
        }
        for (RemoteServerStatus status : statuses) {
            if (status.group().equalsIgnoreCase(group) && status.name().equalsIgnoreCase(name)) {
                String counters = " <small>(forwarded " + status.forwarded() + ", answered " + status.answered()
                        + ", lost " + status.lost() + ")</small>";
                return status.up() ? "<b class='radmfa-up'>up</b>" + counters
                        : "<b class='radmfa-error'>down</b>" + (status.downSince() == null ? ""
                                : " since " + Html.escape(status.downSince().toString())) + counters;
            }
        }
        return "not loaded by the proxy";
    }

    /** Add or change a server; the Edit buttons fill it in (never the secret: empty keeps it). */
    private static void form(PrintWriter out, Forms forms) {
        if (!forms.mayChange()) {
            return;
        }
        out.println("<form method='post' id='radmfa-server-form' action='" + Html.escape(forms.root() + "/servers")
                + "'>" + forms.tokenField() + "<input type='hidden' name='action' value='put'/>"
                + "<b>Add or change a remote RADIUS server</b><br/>"
                + "<label>Group <input name='group' required='required' size='14'/></label> "
                + "<label>Name <input name='name' required='required' size='14'/></label> "
                + "<label>Address (IP or DNS name) <input name='address' size='20'/></label> "
                + "<label>Shared secret <input name='secret' type='password' size='18' autocomplete='new-password' "
                + "placeholder='empty: keep the current one'/></label><br/>"
                + "<label>Auth port <input name='authPort' size='5' placeholder='1812'/></label> "
                + "<label>Acct port <input name='acctPort' size='5' placeholder='1813'/></label> "
                + "<label>Priority <input name='priority' size='5' placeholder='1'/></label> "
                + "<label>Weight <input name='weight' size='3' placeholder='50'/></label> "
                + "<label>Timeout (s) <input name='timeoutSeconds' size='3' placeholder='3'/></label> "
                + "<label>Lost before down <input name='maxLostRequests' size='3' placeholder='5'/></label> "
                + "<label>Blackout (s) <input name='blackoutSeconds' size='3' placeholder='30'/></label><br/>"
                + "<label><input type='checkbox' name='forwardAccounting' value='true' checked='checked'/>"
                + " forward accounting</label> "
                + "<label><input type='checkbox' name='sendMessageAuthenticator' value='true' checked='checked'/>"
                + " send Message-Authenticator</label> "
                + "<label><input type='checkbox' name='requireMessageAuthenticator' value='true'/>"
                + " require Message-Authenticator in answers</label> "
                + "<button type='submit'>Save server</button> <small>Checked as radmfa:proxy-add checks it: a refusal "
                + "names the key and the reason, and nothing is stored.</small></form>");
    }
}
