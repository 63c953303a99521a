package org.radmfa.audit.syslog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.ReasonCode;

class SyslogAuditTest {
    private final SyslogAudit audit = new SyslogAudit();

    @AfterEach
    void stop() {
        audit.deactivate();
    }

    private static Map<String, Object> config(String... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("felix.fileinstall.filename", "file:/etc/radmfa/org.radmfa.audit.syslog-siem.cfg");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aBadConfigurationIsRefusedAndTheLastGoodOneKeepsSending() throws Exception {
        audit.configure(config("host", "127.0.0.1", "port", String.valueOf(closedPort()), "tls", "false",
                "queueCapacity", "3"));
        assertEquals("syslog:siem", audit.name());
        audit.configure(config("host", "127.0.0.1", "tls", "true"));
        assertEquals("syslog:siem", audit.name());
        assertTrue(audit.failure().orElseThrow().contains("key 'caFile'"), audit.failure().toString());
        // Still the first configuration: its small buffer fills and counts what it drops.
        Decision reject = Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "wrong", List.of());
        for (int i = 0; i < 10; i++) {
            audit.decided(new DecisionRecord("rq-" + i, Instant.now(), "gw", "alice", reject, 1, "c-" + i));
        }
        // The sender may be holding a batch it is trying to send (to a closed port) when the loop ends: it puts the
        // batch back in front and counts what no longer fits, so the count settles at 10 - 3 a moment later.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (audit.refusedRecords() < 7 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(7, audit.refusedRecords(), "dropped");
        assertTrue(audit.queuedRecords() <= 3);
        assertFalse(audit.discardsRequests(), "a SIEM that is away never turns users away");
    }

    /**
     * A decision made while a reconfiguration resizes the buffer, by a thread that still sees the old settings (the
     * seam runs it between the hand-over of the buffer and the switch): kept and sent later, or counted as dropped,
     * never lost silently.
     */
    @Test
    void aDecisionMadeWhileTheBufferIsResizedIsNotLost() throws Exception {
        Decision reject = Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "wrong", List.of());
        AtomicReference<SyslogAudit> self = new AtomicReference<>();
        SyslogAudit resizing = new SyslogAudit(Clock.systemUTC(), () -> self.get().decided(
                new DecisionRecord("rq-late", Instant.now(), "gw", "alice", reject, 1, "c-late")));
        self.set(resizing);
        try {
            String port = String.valueOf(closedPort());
            resizing.configure(config("host", "127.0.0.1", "port", port, "tls", "false", "queueCapacity", "5"));
            resizing.decided(new DecisionRecord("rq-1", Instant.now(), "gw", "alice", reject, 1, "c-1"));
            resizing.configure(config("host", "127.0.0.1", "port", port, "tls", "false", "queueCapacity", "10"));
            // The sender (to a closed port) takes a batch out now and then and puts it back: wait for the sum.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (resizing.queuedRecords() + resizing.refusedRecords() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(2, resizing.queuedRecords() + resizing.refusedRecords(), "queued or dropped");
        } finally {
            resizing.deactivate();
        }
    }

    @Test
    void anAccountingCopyNeverCountsAsDurable() throws Exception {
        audit.configure(config("host", "127.0.0.1", "port", String.valueOf(closedPort()), "tls", "false"));
        AccountingRecord record = new AccountingRecord("ac-1", "gw",
                new java.net.InetSocketAddress("127.0.0.1", 1), List.of(), Instant.now());
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> audit.store(record).toCompletableFuture().join());
        assertTrue(e.getCause().getMessage().contains("does not make an accounting record durable"));
    }
}
