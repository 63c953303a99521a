package org.radmfa.mfa.otp.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.radmfa.api.admin.OtpAdmin;

/**
 * Issues a fresh authenticator-app secret to a user and prints the otpauth:// URI once, to be turned into a QR
 * code or typed into the app. Any earlier secret of the user stops working.
 */
@Command(scope = "radmfa", name = "otp-enroll", description = "Enrolls a user for TOTP codes and prints the otpauth URI")
@Service
public class OtpEnrollCommand implements Action {

    @Reference
    OtpAdmin enrollments;

    @Option(name = "--no-qr", description = "Print only the URI, no QR code")
    boolean noQr;

    @Option(name = "--light", description = "Draw the QR code for a terminal with a light background")
    boolean light;

    @Argument(index = 0, name = "user", required = true, description = "The user name as it logs in")
    String user;

    @Override
    public Object execute() throws Exception {
        String uri = enrollments.enroll(user);
        System.out.println("Enrolled '" + user + "'. Add this to the user's authenticator app (shown only now):");
        System.out.println(uri);
        if (!noQr) {
            System.out.println();
            try {
                System.out.print(TerminalQrCode.render(uri, light));
            } catch (NoClassDefFoundError e) {
                System.out.println("(No QR code: the ZXing bundle com.google.zxing.core is not installed;"
                        + " feature radmfa-mfa-otp brings it.)");
            }
        }
        return null;
    }
}
