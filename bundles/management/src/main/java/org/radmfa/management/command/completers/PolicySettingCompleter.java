package org.radmfa.management.command.completers;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the {@code key=} part of policy settings, for both kinds of policy. */
@Service
public class PolicySettingCompleter implements Completer {
    private static final String[] KEYS = {"access=grant", "access=deny", "mfaRequired=true", "mfaRequired=false",
        "mfaExemptGroups=", "timeZone=", "condition.userGroups=", "condition.clientName=", "condition.clientAddress=",
        "condition.userName=", "condition.authMethods=", "condition.dayAndTime=", "condition.certificateIssuer=",
        "condition.certificateEku=", "condition.certificatePolicy=", "condition.NAS-Port-Type=",
        "condition.NAS-Identifier=", "condition.Called-Station-Id=", "condition.Calling-Station-Id=",
        "condition.MS-RAS-Vendor=", "constraint.authMethods=", "constraint.dayAndTime=", "constraint.nasPortType=",
        "constraint.sessionTimeout=", "constraint.idleTimeout=", "reply.Session-Timeout=", "reply.Idle-Timeout=",
        "reply.Reply-Message=", "reply.Class=", "reply.Filter-Id=", "reply.Framed-IP-Address=", "reply.Framed-Pool=",
        "reply.Framed-Route=", "action=authenticate", "action=forward", "directory=", "serverGroup=",
        "rewrite.pattern=", "rewrite.replacement="};

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(KEYS, false).complete(session, commandLine, candidates);
    }
}
