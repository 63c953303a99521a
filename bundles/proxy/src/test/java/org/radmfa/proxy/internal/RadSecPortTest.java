package org.radmfa.proxy.internal;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.testsupport.TestPki;

/** The reconnecting thread of a RadSec connection: it ends when the port is closed, whenever the close comes. */
class RadSecPortTest {
    @TempDir
    Path dir;

    /**
     * A close() that lands after the reconnect loop has checked {@code closed} and before it waits out the back-off
     * must still end the thread at once, not after the back-off (here ten minutes; up to 60 s in service).
     */
    @Test
    void aCloseJustBeforeTheBackOffWaitEndsTheThreadAtOnce() throws Exception {
        TestPki pki = new TestPki(dir, "ca");
        RadSecSettings tls = new RadSecSettings(pki.issue("appliance", "dns:appliance.example", false), null,
                TestPki.PASSWORD, pki.caPem(), true);
        int nobodyListens;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobodyListens = probe.getLocalPort();
        }
        CompletableFuture<RadSecPort> port = new CompletableFuture<>();
        port.complete(new RadSecPort("closing-race", "127.0.0.1", nobodyListens, tls, problem -> { },
                TimeUnit.MINUTES.toMillis(10), () -> port.join().close()));
        RadiusProxyTest.awaitNoThreadsNamed("radmfa-proxy-radsec-closing-race");
    }
}
