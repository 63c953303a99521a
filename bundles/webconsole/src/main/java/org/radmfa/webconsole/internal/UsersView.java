package org.radmfa.webconsole.internal;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.LocalUserEntry;

/** The local users, with their forms; passwords and hashes are never shown, only whether one is stored. */
final class UsersView {

    private UsersView() {
    }

    static void render(PrintWriter out, LocalUserAdmin admin, Forms forms) {
        out.println("<h2 id='users'>Local users</h2>");
        if (admin == null) {
            out.println("<p>Local users are shown and changed through the admin services (feature radmfa-admin), "
                    + "which are not installed.</p>");
            return;
        }
        List<LocalUserEntry> entries;
        try {
            entries = admin.users();
        } catch (AdminException e) {
            out.println("<p class='radmfa-error'>Cannot list the users: " + Html.escape(e.getMessage()) + "</p>");
            return;
        }
        out.println("<table class='nicetable' id='radmfa-users'><thead><tr><th>Name</th><th>Groups</th>"
                + "<th>Enabled</th><th>MS-CHAPv2</th><th>CHAP</th><th>File</th>"
                + (forms.mayChange() ? "<th></th>" : "") + "</tr></thead><tbody>");
        for (LocalUserEntry entry : entries) {
            var u = entry.settings();
            out.print("<tr data-name='" + Html.escape(u.name()) + "'><td>" + Html.escape(u.name()) + "</td><td>"
                    + Html.escape(String.join(", ", u.groups())) + "</td><td>" + (u.enabled() ? "yes" : "<b>no</b>")
                    + "</td><td>" + (entry.hasNtHash() ? "NT hash stored" : (u.msChapV2() ? "on, no hash yet" : "-"))
                    + "</td><td>" + (entry.hasChapPassword() ? "sealed password stored"
                            : (u.chap() ? "on, none stored yet" : "-"))
                    + "</td><td>" + Html.escape(entry.source()) + "</td>");
            if (forms.mayChange()) {
                Map<String, String> base = Map.of("name", u.name());
                out.print("<td>" + forms.action("/users", u.enabled() ? "Disable" : "Enable", null,
                        Forms.with(base, u.enabled() ? "disable" : "enable"))
                        + forms.action("/users", "Remove", "Remove user " + u.name() + "?",
                                Forms.with(base, "remove"))
                        + "</td>");
            }
            out.println("</tr>");
        }
        out.println("</tbody></table>");
        if (forms.mayChange()) {
            out.println("<form method='post' id='radmfa-user-form' action='" + Html.escape(forms.root() + "/users")
                    + "'>" + forms.tokenField() + "<input type='hidden' name='action' value='put'/>"
                    + "<b>Add or change a user</b><br/>"
                    + "<label>Name <input name='name' required='required' size='16'/></label> "
                    + "<label>Password <input name='password' type='password' size='16' autocomplete='new-password' "
                    + "placeholder='empty: keep the current one'/></label> "
                    + "<label>Groups <input name='groups' size='24' placeholder='vpn-users, ...'/></label><br/>"
                    + "<label><input type='checkbox' name='enabled' value='true' checked='checked'/> enabled</label> "
                    + "<label><input type='checkbox' name='msChapV2' value='true'/> MS-CHAPv2 (keeps an NT hash)"
                    + "</label> <label><input type='checkbox' name='chap' value='true'/> CHAP (keeps the password "
                    + "sealed)</label> <button type='submit'>Save user</button></form>");
        }
    }
}
