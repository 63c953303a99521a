package org.radmfa.mfa.otp.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import org.apache.karaf.shell.api.action.Action;
import org.junit.jupiter.api.Test;
import org.radmfa.api.admin.OtpAdmin;

class OtpCommandsTest {
    private final TreeSet<String> enrolled = new TreeSet<>(List.of("alice", "bob"));
    private final OtpAdmin enrollments = new OtpAdmin() {
        @Override
        public String enroll(String user) {
            enrolled.add(user);
            return "otpauth://totp/radmfa:" + user + "?secret=JBSWY3DPEHPK3PXP&issuer=radmfa";
        }

        @Override
        public boolean unenroll(String user) {
            return enrolled.remove(user);
        }

        @Override
        public List<String> users() {
            return List.copyOf(enrolled);
        }
    };

    @Test
    void removeSaysWhetherTheUserWasEnrolled() throws Exception {
        OtpRemoveCommand remove = new OtpRemoveCommand();
        remove.enrollments = enrollments;
        remove.user = "alice";

        assertEquals("Removed the enrollment of 'alice'.", run(remove).strip());
        assertEquals(List.of("bob"), enrollments.users());
        assertEquals("'alice' is not enrolled.", run(remove).strip());
    }

    @Test
    void listPrintsOneUserPerLineSorted() throws Exception {
        OtpListCommand list = new OtpListCommand();
        list.enrollments = enrollments;

        assertEquals(List.of("alice", "bob"), run(list).lines().toList());
    }

    @Test
    void enrollWithoutQrPrintsTheUriOnce() throws Exception {
        OtpEnrollCommand enroll = new OtpEnrollCommand();
        enroll.enrollments = enrollments;
        enroll.user = "carol";
        enroll.noQr = true;

        List<String> printed = run(enroll).lines().toList();

        assertEquals(2, printed.size(), printed.toString());
        assertTrue(printed.get(0).startsWith("Enrolled 'carol'."), printed.get(0));
        assertTrue(printed.get(1).startsWith("otpauth://totp/radmfa:carol?"), printed.get(1));
        assertTrue(enrolled.contains("carol"));
    }

    private static String run(Action command) throws Exception {
        PrintStream shell = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            command.execute();
        } finally {
            System.setOut(shell);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
