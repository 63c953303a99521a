package org.radmfa.management.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.admin.CheckFinding;
import org.radmfa.api.admin.ConfigurationCheck;

/**
 * What in the configuration will bite in production, per RADIUS client and policy, each with its fix. Exits
 * normally either way: it reports, the operator decides.
 */
@Command(scope = "radmfa", name = "check", description = "Checks the configuration for the traps of the field "
        + "(MFA deadline vs the gateway's timeout, BlastRADIUS, shadowed policies, short or demo secrets, ...)")
@Service
public class CheckCommand implements Action {

    @Reference
    ConfigurationCheck check;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        List<CheckFinding> findings = check.run();
        if (findings.isEmpty()) {
            System.out.println("No findings: nothing known to bite in production.");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Severity");
        table.column("Subject");
        table.column("Problem").maxSize(60).wrap();
        table.column("Fix").maxSize(50).wrap();
        for (CheckFinding finding : findings) {
            table.addRow().addContent(finding.severity(), finding.subject(), finding.problem(), finding.fix());
        }
        table.print(System.out, !noFormat);
        long errors = findings.stream().filter(f -> f.severity() == CheckFinding.Severity.ERROR).count();
        System.out.println(errors + " error(s), " + (findings.size() - errors) + " warning(s)");
        return null;
    }
}
