package org.radmfa.mfa.otp.command;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.radmfa.api.admin.OtpAdmin;

/** Completes the users enrolled for TOTP codes. */
@Service
public class EnrolledUserCompleter implements Completer {

    @Reference
    OtpAdmin enrollments;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(enrollments.users(), false).complete(session, commandLine, candidates);
    }
}
