package org.radmfa.eap.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The fragment handling of RFC 5216 section 2.1.5 and the bounds on what a peer may make the server hold. */
class TlsConversationTest {
    private static final EapTlsLimits LIMITS = new EapTlsLimits(100, 4096, 8, 10, TimeUnit.SECONDS.toNanos(30));

    private static TlsConversation conversation() {
        // No engine is made before a whole TLS message has arrived: these tests never reach one.
        return new TlsConversation(null, LIMITS, 13, "peer", System.nanoTime() + LIMITS.sessionTimeoutNanos());
    }

    private static EapTlsPacket response(int id, int flags, long length, int dataLength) {
        return EapTlsPacket.parseResponse(responseBytes(id, flags, length, dataLength), 13);
    }

    private static byte[] responseBytes(int id, int flags, long length, int dataLength) {
        byte[] request = EapTlsPacket.request(id, 13, flags, length, new byte[dataLength], 0, dataLength);
        request[0] = 2;
        return request;
    }

    @Test
    void startIsAnEmptyRequestWithTheStartFlag() {
        byte[] start = conversation().start(7);
        assertArrayEquals(new byte[] {1, 7, 0, 6, 13, 0x20}, start);
    }

    @Test
    void eachFragmentWithMoreIsAcknowledgedWithAnEmptyRequestOfTheNextIdentifier() {
        TlsConversation conversation = conversation();
        conversation.start(1);
        TlsConversation.Step step = conversation.receive(response(1, 0x40, 300, 100));
        byte[] ack = ((TlsConversation.Send) step).eapPacket();
        assertArrayEquals(new byte[] {1, 2, 0, 6, 13, 0}, ack);
        assertEquals(2, conversation.expectedIdentifier());
    }

    @Test
    void endlessFragmentsEndTheConversation() {
        TlsConversation conversation = conversation();
        conversation.start(1);
        TlsConversation.Step step = null;
        for (int i = 0; i < LIMITS.maxFragments() + 1; i++) {
            step = conversation.receive(response(conversation.expectedIdentifier(), 0x40, -1, 10));
            if (step instanceof TlsConversation.Failed) {
                break;
            }
        }
        TlsConversation.Failed failed = assertInstanceOf(TlsConversation.Failed.class, step);
        assertTrue(failed.detail().contains("fragments"), failed.detail());
    }

    @Test
    void anAnnouncedLengthAboveTheBoundIsRefusedBeforeAnythingIsHeld() {
        TlsConversation conversation = conversation();
        conversation.start(1);
        TlsConversation.Step step = conversation.receive(response(1, 0x40, 1L << 31, 10));
        TlsConversation.Failed failed = assertInstanceOf(TlsConversation.Failed.class, step);
        assertTrue(failed.malformed());
    }

    @Test
    void fragmentsAboveTheReassemblyBoundAreRefused() {
        EapTlsLimits small = new EapTlsLimits(100, 4096, 1000, 10, TimeUnit.SECONDS.toNanos(30));
        TlsConversation conversation = new TlsConversation(null, small, 13, "peer", System.nanoTime());
        conversation.start(1);
        TlsConversation.Step step = null;
        for (int i = 0; i < 10 && !(step instanceof TlsConversation.Failed); i++) {
            step = conversation.receive(response(conversation.expectedIdentifier(), 0x40, -1, 1000));
        }
        assertTrue(((TlsConversation.Failed) step).detail().contains("exceeds 4096"));
    }

    @Test
    void malformedPacketsAreNotParsed() {
        byte[] good = responseBytes(1, 0, -1, 4);
        byte[] badLength = good.clone();
        badLength[3] = (byte) (good.length + 1);
        assertNull(EapTlsPacket.parseResponse(badLength, 13));
        byte[] truncatedL = {2, 1, 0, 8, 13, (byte) 0x80, 0, 0};
        assertNull(EapTlsPacket.parseResponse(truncatedL, 13));
        byte[] request = good.clone();
        request[0] = 1;
        assertNull(EapTlsPacket.parseResponse(request, 13));
        assertNull(EapTlsPacket.parseResponse(good, 25));
    }
}
