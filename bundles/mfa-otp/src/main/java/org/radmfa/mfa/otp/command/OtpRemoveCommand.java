package org.radmfa.mfa.otp.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.radmfa.api.admin.OtpAdmin;

/** Removes a user's TOTP enrollment: their codes stop working at once. */
@Command(scope = "radmfa", name = "otp-remove", description = "Removes a user's TOTP enrollment")
@Service
public class OtpRemoveCommand implements Action {

    @Reference
    OtpAdmin enrollments;

    @Argument(index = 0, name = "user", required = true)
    @Completion(EnrolledUserCompleter.class)
    String user;

    @Override
    public Object execute() throws Exception {
        System.out.println(enrollments.unenroll(user) ? "Removed the enrollment of '" + user + "'."
                : "'" + user + "' is not enrolled.");
        return null;
    }
}
