package org.radmfa.audit.syslog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestAttribute;

class AuditMessagesTest {

    private final AuditMessages messages = new AuditMessages(new Rfc5424(10, "host", "radmfa", "1", "radmfa@32473"));

    @Test
    void aDecisionCarriesWhoWhatWhyAndWhere() {
        Decision reject = Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "wrong password for \"bob]\"", List.of());
        String message = text(messages.decision(new DecisionRecord("rq-7", Instant.EPOCH, "vpn-gw", "bob]", reject, 12,
                "corr-1", List.of(new RequestAttribute(0, 31, "Calling-Station-Id", "198.51.100.7"),
                        new RequestAttribute(0, 4, "NAS-IP-Address", "192.0.2.1")), AuthMethod.EAP_MSCHAPV2)));
        assertTrue(message.startsWith("<85>1 1970-01-01T00:00:00.000Z host radmfa 1 decision [radmfa@32473"), message);
        for (String param : List.of("correlationId=\"corr-1\"", "requestId=\"rq-7\"", "client=\"vpn-gw\"",
                "user=\"bob\\]\"", "outcome=\"reject\"", "reason=\"authentication_failed\"", "method=\"eap-mschapv2\"",
                "millis=\"12\"", "callingStationId=\"198.51.100.7\"", "nasIp=\"192.0.2.1\"")) {
            assertTrue(message.contains(" " + param), param + " in " + message);
        }
        assertFalse(message.contains("policy="), "no policy matched: the parameter is left out");
    }

    @Test
    void anAcceptIsInformationalAndItsReplyAttributesStayOut() {
        Decision accept = new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "granted", "staff",
                List.of(new ReplyAttribute("MS-MPPE-Recv-Key", "0xsecretkey")), List.of());
        String message = text(messages.decision(new DecisionRecord("rq-1", Instant.EPOCH, "gw", "alice", accept, 3,
                "c", List.of(), AuthMethod.PAP)));
        assertTrue(message.startsWith("<86>1 "), message);
        assertTrue(message.contains(" policy=\"staff\""), message);
        assertFalse(message.contains("secretkey"), message);
    }

    @Test
    void accountingCarriesTheLoginsCorrelationIdFromClassAndNoKeys() {
        String classValue = "0x" + HexFormat.of().formatHex("radmfa:corr-9".getBytes(StandardCharsets.UTF_8));
        AccountingRecord record = new AccountingRecord("ac-1", "gw", new InetSocketAddress("127.0.0.1", 5000),
                List.of(new RequestAttribute(0, 1, "User-Name", "alice"),
                        new RequestAttribute(0, 40, "Acct-Status-Type", "Stop"),
                        new RequestAttribute(0, 44, "Acct-Session-Id", "s-1"),
                        new RequestAttribute(0, 49, "Acct-Terminate-Cause", "User-Request"),
                        new RequestAttribute(0, 25, "Class", classValue),
                        new RequestAttribute(311, 12, "MS-MPPE-Recv-Key", "0xsecretkey")),
                Instant.EPOCH);
        String message = text(messages.accounting(record));
        assertTrue(message.startsWith("<86>1 1970-01-01T00:00:00.000Z host radmfa 1 accounting [radmfa@32473"),
                message);
        for (String param : List.of("correlationId=\"corr-9\"", "requestId=\"ac-1\"", "client=\"gw\"",
                "user=\"alice\"", "status=\"Stop\"", "sessionId=\"s-1\"", "terminateCause=\"User-Request\"")) {
            assertTrue(message.contains(" " + param), param + " in " + message);
        }
        assertFalse(message.contains("secretkey"), message);
        assertEquals("corr-9", AuditMessages.correlationId(List.of(new RequestAttribute(0, 25, "Class",
                "radmfa:corr-9"))));
    }

    private static String text(byte[] message) {
        return new String(message, StandardCharsets.UTF_8);
    }
}
