package org.radmfa.webconsole.internal;

import java.io.PrintWriter;
import java.util.List;

import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.CheckFinding;
import org.radmfa.api.admin.ConfigurationCheck;

/** The configuration check's findings (as {@code radmfa:check} lists them), each with its fix. */
final class CheckView {

    private CheckView() {
    }

    static void render(PrintWriter out, ConfigurationCheck check) {
        out.println("<h2 id='check'>Configuration check</h2>");
        if (check == null) {
            out.println("<p id='radmfa-check'>The configuration check comes with the admin services (feature "
                    + "radmfa-admin), which are not installed.</p>");
            return;
        }
        List<CheckFinding> findings;
        try {
            findings = check.run();
        } catch (AdminException | RuntimeException e) {
            out.println("<p id='radmfa-check' class='radmfa-error'>The configuration check failed: "
                    + Html.escape(e.getMessage()) + "</p>");
            return;
        }
        if (findings.isEmpty()) {
            out.println("<p id='radmfa-check'>No findings: nothing known to bite in production.</p>");
            return;
        }
        out.println("<table class='nicetable' id='radmfa-check'><thead><tr><th>Severity</th><th>Subject</th>"
                + "<th>Problem</th><th>Fix</th></tr></thead><tbody>");
        for (CheckFinding finding : findings) {
            boolean error = finding.severity() == CheckFinding.Severity.ERROR;
            out.println("<tr data-rule='" + Html.escape(finding.rule()) + "'" + (error ? " class='radmfa-error'" : "")
                    + "><td>" + (error ? "<b>ERROR</b>" : "WARNING") + "</td><td>" + Html.escape(finding.subject())
                    + "</td><td>" + Html.escape(finding.problem()) + "</td><td>" + Html.escape(finding.fix())
                    + "</td></tr>");
        }
        out.println("</tbody></table>");
    }
}
