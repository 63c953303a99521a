package org.radmfa.webconsole.internal;

import java.io.PrintWriter;
import java.time.Instant;

/**
 * The whole page, as the content part inside the console's own header and navigation: the sections in order, each
 * rendered by its own view.
 *
 * @param root the plugin's URL path
 * @param user who is signed in
 * @param changeRole the role that may change things
 * @param refreshMillis how often the scripts poll
 * @param chartSeconds the charts' sample interval
 */
record PageView(String root, String user, String changeRole, int refreshMillis, int chartSeconds) {

    void render(PrintWriter out, ConsoleServices services, Forms forms, Flash flash, DecisionRate rate, Instant now) {
        out.println("<style>#radmfa h2{font-size:1.25em;font-weight:bold;margin:1.2em 0 .4em}"
                + "#radmfa table.nicetable{width:auto;min-width:50%}#radmfa form{margin:.5em 0}"
                + "#radmfa tr.radmfa-trace td{background:#f6f6f6}#radmfa .radmfa-error{color:#b00}</style>");
        out.println("<div id='radmfa' data-state-url='" + Html.escape(root + "/state.json") + "' data-refresh='"
                + refreshMillis + "' data-csrf='" + Html.escape(forms.token()) + "'>");
        out.println("<p class='statline'>Signed in as <b id='radmfa-user'>" + Html.escape(user) + "</b>"
                + (forms.mayChange() ? " (may change)"
                        : " (read only: changes need role " + Html.escape(changeRole) + ")")
                + " &middot; <span id='radmfa-live'>loading&hellip;</span></p>");
        if (flash != null) {
            out.println("<p id='radmfa-flash' class='" + (flash.error() ? "ui-state-error radmfa-error"
                    : "ui-state-highlight") + "'>" + Html.escape(flash.message()) + "</p>");
        }
        DashboardView.render(out, DashboardFigures.of(services, rate, now));
        ChartsView.render(out, root, chartSeconds);
        CheckView.render(out, services.configurationCheck());
        ClientsView.render(out, services, forms);
        PoliciesView.render(out, services.policyAdmin(), forms);
        RemoteServersView.render(out, services.remoteServerAdmin(), services.remoteServerGroups(), forms);
        UsersView.render(out, services.userAdmin(), forms);
        NpsImportView.render(out, services.npsImport(), forms, changeRole);
        MfaView.render(out, services.mfaConnectors(), now);
        DecisionsView.render(out, refreshMillis);
        AuditView.render(out, root, services.auditSearch());
        out.println("</div>");
        out.println("<script src='" + Html.escape(root + "/radmfa.js") + "'></script>");
        out.println("<script src='" + Html.escape(root + "/uPlot.iife.min.js") + "'></script>");
        out.println("<script src='" + Html.escape(root + "/charts.js") + "'></script>");
    }
}
