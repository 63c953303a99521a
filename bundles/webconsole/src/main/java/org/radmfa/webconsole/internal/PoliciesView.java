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
        form(out, forms, PolicyKind.NETWORK);
        out.println("<h2 id='crps'>Connection request policies (processing order)</h2>");
        table(out, forms, admin, PolicyKind.CONNECTION_REQUEST, "radmfa-crps");
        form(out, forms, PolicyKind.CONNECTION_REQUEST);
    }

    static String formId(PolicyKind kind) {
        return kind == PolicyKind.NETWORK ? "radmfa-policy-form" : "radmfa-crp-form";
    }

    /** Add or change a policy; the Edit buttons fill it in. */
    private static void form(PrintWriter out, Forms forms, PolicyKind kind) {
        if (!forms.mayChange()) {
            return;
        }
        boolean network = kind == PolicyKind.NETWORK;
        StringBuilder form = new StringBuilder("<form method='post' class='radmfa-policy-form' id='")
                .append(formId(kind)).append("' action='").append(Html.escape(forms.root() + "/policies")).append("'>")
                .append(forms.tokenField())
                .append("<input type='hidden' name='action' value='put'/><input type='hidden' name='kind' value='")
                .append(kind.name()).append("'/><b>Add or change a ")
                .append(network ? "network policy" : "connection request policy").append("</b><br/>")
                .append("<label>Name <input name='name' required='required' size='28'/></label> ")
                .append("<label>Order <input name='order' size='7' placeholder='empty: keep, or after yours'/>"
                        + "</label> ")
                .append("<label><input type='checkbox' name='enabled' value='true' checked='checked'/> enabled"
                        + "</label><br/>");
        if (network) {
            form.append("<label>Access <select name='access'><option value='grant'>grant</option>"
                    + "<option value='deny'>deny</option><option value='dialin'>by each account's dial-in"
                    + " permission</option></select></label> "
                    + "<label><input type='checkbox' name='ignoreUserDialIn' value='true'/> ignore user account"
                    + " dial-in properties</label> "
                    + "<label><input type='checkbox' name='mfaRequired' value='true'/> MFA required</label> "
                    + "<label>MFA exempt groups <input name='mfaExemptGroups' size='20' placeholder='break-glass'/>"
                    + "</label><br/>");
        } else {
            form.append("<label>Action <select name='crpAction'><option value='authenticate'>authenticate here</option>"
                    + "<option value='forward'>forward</option></select></label> "
                    + "<label>Directory <input name='directory' size='12' placeholder='default'/></label> "
                    + "<label>Server group (forward) <input name='serverGroup' size='12'/></label><br/>");
        }
        form.append(lines("conditions", "Conditions, all must match (condition.<i>key</i> = value)",
                network ? "userGroups = vpn-users\nNAS-Port-Type = ^Virtual$" : "userName = @corp\\.example$"));
        if (network) {
            form.append(lines("constraints", "Constraints (constraint.<i>key</i> = value)",
                    "authMethods = PAP, EAP_MSCHAPV2\nsessionTimeout = 28800"));
            form.append(lines("replies", "Reply attributes on grant (reply.<i>Attribute-Name</i> = value)",
                    "Class = vpn"));
        }
        form.append(lines("other", "Other settings (whole keys)", network ? "timeZone = Europe/Berlin"
                : "rewrite.pattern = @corp\\.example$"));
        form.append("<button type='submit'>Save policy</button> <small>Checked as the policy files are: a refusal "
                + "names the key and the reason, and nothing is stored.</small></form>");
        out.println(form);
    }

    private static String lines(String name, String label, String placeholder) {
        return "<label style='display:inline-block;vertical-align:top;margin-right:1em'>" + label + "<br/>"
                + "<textarea name='" + name + "' rows='3' cols='40' placeholder='"
                + Html.escape(placeholder) + "'></textarea></label>";
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
                out.print("<td><button type='button' class='radmfa-edit-policy' data-form='" + formId(kind)
                        + "' data-fields='" + Html.escape(Json.write(PolicyForm.fields(p))) + "'>Edit</button> "
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
