package org.radmfa.webconsole.internal;

import java.io.PrintWriter;

import org.radmfa.api.audit.AuditSearch;

/**
 * The search of the audit trail: a GET form (nothing changes) that radmfa.js sends to decisions.json; a click on a
 * result opens the decision's full trace, origin and reply attribute names from decision.json. It searches the audit
 * files when the audit file offers its search, else the decisions kept in memory, and says which.
 */
final class AuditView {

    private AuditView() {
    }

    static void render(PrintWriter out, String root, AuditSearch trail) {
        out.println("<h2 id='audit'>Search the audit trail</h2>");
        out.println("<form id='radmfa-search' data-url='" + Html.escape(root + "/decisions.json")
                + "' data-decision-url='" + Html.escape(root + "/decision.json") + "'>"
                + "<label>User <input name='user' size='14'/></label> "
                + "<label>Client or NAS <input name='client' size='14'/></label> "
                + "<label>Correlation id <input name='correlationId' size='22'/></label> "
                + "<label>Outcome or reason <input name='reason' size='16' list='radmfa-reasons'/></label> "
                + "<label>From (UTC) <input name='from' type='datetime-local' step='1'/></label> "
                + "<label>To (UTC) <input name='to' type='datetime-local' step='1'/></label> "
                + "<button type='submit'>Search</button> <span id='radmfa-search-status'></span></form>");
        out.println("<datalist id='radmfa-reasons'><option value='ACCEPT'/><option value='REJECT'/>"
                + "<option value='CHALLENGE'/><option value='AUTHENTICATION_FAILED'/><option value='UNKNOWN_USER'/>"
                + "</datalist>");
        out.println("<p id='radmfa-search-notice'></p>");
        out.println("<table class='nicetable' id='radmfa-search-results'><thead><tr><th>Time</th><th>Id</th>"
                + "<th>Client</th><th>User</th><th>Outcome</th><th>Reason</th><th>Policy</th><th>ms</th>"
                + "<th>Correlation id</th></tr></thead><tbody></tbody></table>");
        out.println("<div id='radmfa-search-trace'></div>");
        if (trail != null) {
            out.println("<p id='radmfa-search-scope'><small>Searches the audit files (" + Html.escape(
                    trail.description()) + "), current and rotated, newest first, at most "
                    + DecisionSearch.MAX_RESULTS + "; a search reads a bounded number of lines (searchMaxLines in"
                    + " etc/org.radmfa.audit.file.cfg) and says where it stopped.</small></p>");
        } else {
            out.println("<p id='radmfa-search-scope' class='ui-state-highlight'><small>No audit file to search"
                    + " (feature radmfa-accounting-file, audit format json): searches only the decisions kept in"
                    + " memory (<code>decisionLogSize</code> in etc/org.radmfa.pipeline.cfg, as"
                    + " <code>radmfa:decisions</code> shows them), newest first, at most "
                    + DecisionSearch.MAX_RESULTS + ".</small></p>");
        }
    }
}
