package org.radmfa.webconsole.internal;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.radmfa.api.ClientRegistry;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ClientEntry;

/** The RADIUS clients: the admin services' list with its forms, or the registry's view read only without them. */
final class ClientsView {

    private ClientsView() {
    }

    static void render(PrintWriter out, ConsoleServices services, Forms forms) {
        out.println("<h2 id='clients'>RADIUS clients</h2>");
        ClientAdmin admin = services.clientAdmin();
        if (admin == null) {
            registered(out, services.clientRegistry());
            return;
        }
        List<ClientEntry> entries;
        try {
            entries = admin.clients();
        } catch (AdminException e) {
            out.println("<p class='radmfa-error'>Cannot list the clients: " + Html.escape(e.getMessage()) + "</p>");
            return;
        }
        ClientRegistry registry = services.clientRegistry();
        out.println("<table class='nicetable' id='radmfa-clients'><thead><tr><th>Name</th><th>Address</th>"
                + "<th>Vendor</th><th>Message-Authenticator</th><th>Sent one</th><th>NAS timeout / retries</th>"
                + "<th>Secret fingerprint</th><th>File</th>" + (forms.mayChange() ? "<th></th>" : "")
                + "</tr></thead><tbody>");
        for (ClientEntry entry : entries) {
            var c = entry.settings();
            out.print("<tr data-name='" + Html.escape(c.name()) + "'><td>" + Html.escape(c.name()) + "</td><td>"
                    + Html.escape(c.address()) + "</td><td>" + Html.escape(c.vendor()) + "</td><td>"
                    + messageAuthenticatorCells(registry, c.name(), c.messageAuthenticator()) + "</td><td>"
                    + (c.nasTimeoutSeconds() == 0 ? "-" : c.nasTimeoutSeconds() + " s") + " / "
                    + (c.nasRetries() == 0 ? "-" : c.nasRetries()) + "</td><td><code>"
                    + Html.escape(entry.secretFingerprint()) + "</code></td><td>" + Html.escape(entry.source())
                    + "</td>");
            if (forms.mayChange()) {
                out.print("<td><button type='button' class='radmfa-edit-client' data-name='" + Html.escape(c.name())
                        + "' data-address='" + Html.escape(c.address()) + "' data-vendor='" + Html.escape(c.vendor())
                        + "' data-mauth='" + c.messageAuthenticator().configValue() + "' data-limit-proxy-state='"
                        + c.limitProxyState() + "' data-timeout='"
                        + c.nasTimeoutSeconds() + "' data-retries='" + c.nasRetries() + "'>Edit</button> "
                        + forms.action("/clients", "Remove", "Remove client " + c.name() + "?",
                                Map.of("action", "remove", "name", c.name())) + "</td>");
            }
            out.println("</tr>");
        }
        out.println("</tbody></table>");
        if (forms.mayChange()) {
            form(out, forms);
        }
    }

    private static void form(PrintWriter out, Forms forms) {
        out.println("<form method='post' id='radmfa-client-form' action='" + Html.escape(forms.root() + "/clients")
                + "'>" + forms.tokenField() + "<input type='hidden' name='action' value='put'/>"
                + "<b>Add or change a client</b><br/>"
                + "<label>Name <input name='name' required='required' size='20'/></label> "
                + "<label>Address (IP, CIDR or DNS name) <input name='address' required='required' size='22'/>"
                + "</label> <label>Shared secret <input name='secret' type='password' size='20' "
                + "autocomplete='new-password' placeholder='empty: keep the current one'/></label><br/>"
                + "<label>Vendor <input name='vendor' value='RADIUS Standard' size='16'/></label> "
                + "<label>Message-Authenticator <select name='requireMessageAuthenticator'>"
                + "<option value='auto' selected='selected'>auto (required once the NAS has sent one)</option>"
                + "<option value='true'>required</option><option value='false'>optional</option></select>"
                + "</label> <label><input type='checkbox' name='limitProxyState' value='true' checked='checked'/>"
                + " drop Proxy-State without Message-Authenticator</label> "
                + "<label>NAS timeout (s) <input name='nasTimeoutSeconds' size='4'/></label> "
                + "<label>NAS retries <input name='nasRetries' size='3'/></label> "
                + "<button type='submit'>Save client</button></form>");
    }

    /**
     * The Message-Authenticator setting and whether the NAS has ever sent one, as two table cells (the caller opens
     * the first and closes the last): with auto, the second says whether it is required by now.
     */
    static String messageAuthenticatorCells(ClientRegistry registry, String client,
            MessageAuthenticatorPolicy policy) {
        Optional<Instant> received = registry == null ? Optional.empty()
                : registry.messageAuthenticatorReceived(client);
        String setting = switch (policy) {
            case REQUIRED -> "required";
            case OPTIONAL -> "optional";
            case AUTO -> received.isPresent() ? "auto: required (it sent one)" : "auto: optional until it sends one";
        };
        return setting + "</td><td>" + received.map(when -> "yes, first " + Html.escape(when.toString()))
                .orElse("no");
    }

    /** Without the admin services: the registry's view, read only. */
    private static void registered(PrintWriter out, ClientRegistry registry) {
        if (registry == null) {
            out.println("<p>No client registry installed (feature radmfa-clients).</p>");
            return;
        }
        out.println("<p>Read only: changing clients needs the admin services (feature radmfa-admin).</p>");
        out.println("<table class='nicetable' id='radmfa-clients'><thead><tr><th>Name</th><th>Address</th>"
                + "<th>Vendor</th><th>Message-Authenticator</th><th>Sent one</th><th>Secret fingerprint</th></tr>"
                + "</thead><tbody>");
        for (RadiusClient client : registry.clients()) {
            out.println("<tr data-name='" + Html.escape(client.name()) + "'><td>" + Html.escape(client.name())
                    + "</td><td>" + Html.escape(client.address()) + "</td><td>" + Html.escape(client.vendor())
                    + "</td><td>" + messageAuthenticatorCells(registry, client.name(), client.messageAuthenticator())
                    + "</td><td><code>" + Html.escape(client.secret().fingerprint()) + "</code></td></tr>");
        }
        out.println("</tbody></table>");
    }
}
