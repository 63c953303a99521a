package org.radmfa.webconsole.internal;

import java.io.PrintWriter;

/** The live decision log: an empty table radmfa.js fills from state.json; a click on a row opens its trace. */
final class DecisionsView {

    private DecisionsView() {
    }

    static void render(PrintWriter out, int refreshMillis) {
        out.println("<h2 id='decisions'>Decisions (live)</h2>");
        out.println("<table class='nicetable' id='radmfa-decisions'><thead><tr><th>Time</th><th>Id</th><th>Client</th>"
                + "<th>User</th><th>Outcome</th><th>Reason</th><th>Policy</th><th>ms</th><th>Detail</th></tr></thead>"
                + "<tbody></tbody></table>");
        out.println("<p>Click a decision to see its trace. The list refreshes every " + refreshMillis + " ms.</p>");
    }
}
