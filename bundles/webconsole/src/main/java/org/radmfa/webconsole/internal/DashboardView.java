package org.radmfa.webconsole.internal;

import java.io.PrintWriter;
import java.util.Map;

/** The dashboard table: one row per figure, each cell keyed so that radmfa.js refreshes it from state.json. */
final class DashboardView {

    private DashboardView() {
    }

    static void render(PrintWriter out, Map<String, Object> figures) {
        out.println("<h2 id='dashboard'>Dashboard</h2>");
        out.println("<table class='nicetable' id='radmfa-dashboard'><tbody>");
        for (Map.Entry<String, Object> entry : figures.entrySet()) {
            out.println("<tr><th>" + Html.escape(entry.getKey()) + "</th><td data-key='" + Html.escape(entry.getKey())
                    + "'>" + Html.escape(entry.getValue()) + "</td></tr>");
        }
        out.println("</tbody></table>");
    }
}
