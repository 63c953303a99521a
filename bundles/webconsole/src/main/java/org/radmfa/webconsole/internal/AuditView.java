package org.radmfa.webconsole.internal;

import java.io.PrintWriter;

/**
 * The search of the decision log: a GET form (nothing changes) that radmfa.js sends to decisions.json; a click on a
 * result opens the decision's full trace and origin from decision.json.
 */
final class AuditView {

    private AuditView() {
    }

    static void render(PrintWriter out, String root) {
        out.println("<h2 id='audit'>Search decisions</h2>");
        out.println("<form id='radmfa-search' data-url='" + Html.escape(root + "/decisions.json")
                + "' data-decision-url='" + Html.escape(root + "/decision.json") + "'>"
                + "<label>User <input name='user' size='14'/></label> "
                + "<label>Client <input name='client' size='14'/></label> "
                + "<label>Correlation id <input name='correlationId' size='22'/></label> "
                + "<label>From (UTC) <input name='from' type='datetime-local' step='1'/></label> "
                + "<label>To (UTC) <input name='to' type='datetime-local' step='1'/></label> "
                + "<button type='submit'>Search</button> <span id='radmfa-search-status'></span></form>");
        out.println("<table class='nicetable' id='radmfa-search-results'><thead><tr><th>Time</th><th>Id</th>"
                + "<th>Client</th><th>User</th><th>Outcome</th><th>Reason</th><th>Policy</th><th>ms</th>"
                + "<th>Correlation id</th></tr></thead><tbody></tbody></table>");
        out.println("<div id='radmfa-search-trace'></div>");
        out.println("<p><small>Searches the decisions kept in memory (<code>decisionLogSize</code> in "
                + "etc/org.radmfa.pipeline.cfg, as <code>radmfa:decisions</code> shows them), newest first, at most "
                + DecisionSearch.MAX_RESULTS + ". Older ones are in the audit file.</small></p>");
    }
}
