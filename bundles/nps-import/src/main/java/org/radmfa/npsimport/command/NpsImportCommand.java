package org.radmfa.npsimport.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.radmfa.api.UserDirectory;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.RemoteServerAdmin;
import org.radmfa.npsimport.internal.GroupMap;
import org.radmfa.npsimport.internal.ImportReport;
import org.radmfa.npsimport.internal.NpsFormatException;
import org.radmfa.npsimport.internal.NpsImporter;

/**
 * Imports a Windows NPS configuration export ({@code netsh nps export filename=nps.xml exportPSK=YES}): its RADIUS
 * clients, remote RADIUS server groups, connection request policies and network policies become ordinary
 * {@code etc/} configuration through
 * the admin services, and a report says, for every object, what was imported, translated with another meaning or
 * dropped, and why. With {@code --dry-run} the report is printed and nothing is written.
 */
@Command(scope = "radmfa", name = "nps-import", description = "Imports a Windows NPS configuration export"
        + " (netsh nps export ... exportPSK=YES) and reports what could not be carried over")
@Service
public class NpsImportCommand implements Action {

    @Reference
    ClientAdmin clientAdmin;

    @Reference
    PolicyAdmin policyAdmin;

    @Reference
    RemoteServerAdmin remoteServerAdmin;

    /** Asked for the names of group SIDs the group map does not hold (AD by objectSid). */
    @Reference(optional = true)
    List<UserDirectory> directories;

    @Option(name = "-n", aliases = "--dry-run", description = "Print the report, write nothing")
    boolean dryRun;

    @Option(name = "-g", aliases = "--group-map", description = "File of 'SID = group name' lines: the groups that"
            + " NPS names by SID")
    @Completion(FileCompleter.class)
    String groupMap;

    @Option(name = "-p", aliases = "--prefix", description = "Put before every imported name, e.g. 'nps-'")
    String prefix = "";

    @Argument(index = 0, name = "file", required = true, description = "The NPS export (XML)")
    @Completion(FileCompleter.class)
    String file;

    @Override
    public Object execute() throws Exception {
        Path export = Path.of(file).toAbsolutePath();
        GroupMap groups = (groupMap == null ? GroupMap.empty() : GroupMap.read(Path.of(groupMap).toAbsolutePath()))
                .withDirectories(directories == null ? List.of() : directories);
        ImportReport report;
        try {
            report = new NpsImporter(clientAdmin, policyAdmin, remoteServerAdmin).run(export,
                    new NpsImporter.Options(groups, prefix, dryRun));
        } catch (NpsFormatException e) {
            throw new IllegalArgumentException("Refused " + export + ", nothing was written: " + e.getMessage(), e);
        }
        String text = report.render();
        System.out.print(text);
        if (!dryRun) {
            Path written = export.resolveSibling(export.getFileName() + ".import-report.txt");
            try {
                Files.writeString(written, text, StandardCharsets.UTF_8);
                System.out.println("Report written to " + written);
            } catch (IOException e) {
                System.out.println("The report could not be written beside the export (" + e.getMessage() + ")");
            }
        }
        if (report.refusal() != null) {
            throw new IllegalStateException("NPS import refused: " + report.refusal());
        }
        return null;
    }
}
