package org.radmfa.mfa.otp.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.radmfa.api.admin.OtpAdmin;

/** The users enrolled for TOTP codes (never their secrets). */
@Command(scope = "radmfa", name = "otp-list", description = "Lists the users enrolled for TOTP codes")
@Service
public class OtpListCommand implements Action {

    @Reference
    OtpAdmin enrollments;

    @Override
    public Object execute() {
        enrollments.users().forEach(System.out::println);
        return null;
    }
}
