package org.radmfa.webconsole.internal;

import java.io.PrintWriter;

/**
 * The charts of the last hour: empty boxes that charts.js fills with uPlot (served by the bundle) from series.json,
 * and refreshes once per sample interval.
 */
final class ChartsView {

    /** Box id and title of each chart, in display order; charts.js knows them by id. */
    static final String[][] CHARTS = {
        {"radmfa-chart-rate", "Decisions per second"},
        {"radmfa-chart-rejects", "Rejects by reason (per interval)"},
        {"radmfa-chart-mfa", "MFA outcomes (per interval)"},
        {"radmfa-chart-latency", "Decision latency percentiles (ms)"},
        {"radmfa-chart-pending", "Pending MFA logins"},
    };

    private ChartsView() {
    }

    static void render(PrintWriter out, String root, int intervalSeconds) {
        out.println("<h2 id='charts'>Last hour</h2>");
        out.println("<link rel='stylesheet' href='" + Html.escape(root + "/uPlot.min.css") + "'/>");
        out.println("<style>#radmfa-charts{display:flex;flex-wrap:wrap;gap:.5em 1.5em}"
                + "#radmfa-charts .radmfa-chart{min-width:470px;min-height:250px}</style>");
        out.println("<div id='radmfa-charts' data-series-url='" + Html.escape(root + "/series.json")
                + "' data-interval='" + intervalSeconds + "' data-points='0'>");
        for (String[] chart : CHARTS) {
            out.println("<div class='radmfa-chart' id='" + chart[0] + "' data-title='" + Html.escape(chart[1])
                    + "'>" + Html.escape(chart[1]) + ": waiting for the first " + intervalSeconds
                    + " s interval&hellip;</div>");
        }
        out.println("</div>");
        out.println("<p><small>One point per " + intervalSeconds + " s, kept for an hour in memory (a restart "
                + "starts them afresh). Percentiles are the upper bounds of 1-2-5 latency buckets. Drawn with "
                + "<a href='" + Html.escape(root + "/uPlot-LICENSE.txt") + "'>uPlot</a>, served by the appliance."
                + "</small></p>");
    }
}
