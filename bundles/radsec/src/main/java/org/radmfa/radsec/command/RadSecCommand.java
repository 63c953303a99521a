package org.radmfa.radsec.command;

import java.util.Map;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.RadSecStatus;

/** The RadSec listener's state: where it listens, its connections, and what it refused and why. */
@Command(scope = "radmfa", name = "radsec",
        description = "Shows the RadSec (RADIUS over TLS) listener: address, connections, refused handshakes")
@Service
public class RadSecCommand implements Action {

    @Reference(optional = true)
    RadSecStatus status;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() {
        Map<String, Object> current = status == null ? Map.of() : status.status();
        if (current.isEmpty()) {
            System.out.println("RadSec is not configured (etc/org.radmfa.radsec.cfg); see docs/radsec.md");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("What");
        table.column("Value");
        for (Map.Entry<String, Object> entry : current.entrySet()) {
            table.addRow().addContent(entry.getKey(), entry.getValue());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
