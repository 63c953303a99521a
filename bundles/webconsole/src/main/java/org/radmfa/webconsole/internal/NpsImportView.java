package org.radmfa.webconsole.internal;

import java.io.PrintWriter;

import org.radmfa.api.admin.NpsImport;

/**
 * The upload of an NPS export: the page's script posts the file as it is (no form encoding, so that an export of
 * several megabytes is not held to the form size limit), with the CSRF token in a header, and shows the report it
 * gets back.
 */
final class NpsImportView {

    private NpsImportView() {
    }

    static void render(PrintWriter out, NpsImport importer, Forms forms, String changeRole) {
        out.println("<h2 id='nps'>Import from Windows NPS</h2>");
        if (importer == null) {
            out.println("<p>Importing an NPS configuration export needs the feature radmfa-nps-import.</p>");
            return;
        }
        if (!forms.mayChange()) {
            out.println("<p>Importing an NPS configuration export needs role " + Html.escape(changeRole) + ".</p>");
            return;
        }
        out.println("<form id='radmfa-nps-form' data-url='" + Html.escape(forms.root() + "/nps-import") + "'>"
                + "<p>The file of <code>netsh nps export filename=nps.xml exportPSK=YES</code>: "
                + "<input type='file' name='export' accept='.xml,text/xml,application/xml'/></p>"
                + "<p>Group map, <code>SID = group name</code> per line (NPS names groups by SID only):<br/>"
                + "<textarea name='groupMap' rows='4' cols='80'></textarea></p>"
                + "<p>Prefix for imported names: <input name='prefix' size='10'/> "
                + "<label><input type='checkbox' name='dryRun' checked='checked'/> dry run (report only)</label> "
                + "<button type='submit'>Import</button></p></form>"
                + "<pre id='radmfa-nps-report'></pre>");
    }
}
