package org.radmfa.mfa.entra.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

class HeldCallsTest {
    @Test
    void nothingIsHeldBeforeTheServiceHasAnsweredOverHttp2() {
        HeldCalls calls = new HeldCalls(true, 10, 2);
        assertFalse(calls.tryHold(), "the protocol is not known yet");
        calls.answeredOver(HttpClient.Version.HTTP_1_1);
        assertFalse(calls.tryHold(), "HTTP/1.1: a held call would cost a connection");
        calls.answeredOver(HttpClient.Version.HTTP_2);
        assertTrue(calls.tryHold());
        calls.answeredOver(HttpClient.Version.HTTP_1_1);
        assertFalse(calls.tryHold(), "back to HTTP/1.1 (a proxy, another front end): polling again");
    }

    @Test
    void pollModeNeverHolds() {
        HeldCalls calls = new HeldCalls(false, 10, 2);
        calls.answeredOver(HttpClient.Version.HTTP_2);
        assertFalse(calls.tryHold());
        assertFalse(calls.holding());
    }

    @Test
    void atMostTheLimitAreHeldAndAReleaseMakesRoom() {
        HeldCalls calls = new HeldCalls(true, 2, 0);
        calls.answeredOver(HttpClient.Version.HTTP_2);
        assertTrue(calls.tryHold());
        assertTrue(calls.tryHold());
        assertFalse(calls.tryHold());
        calls.release();
        assertTrue(calls.tryHold());
        assertEquals(2, calls.held());
    }

    @Test
    void theServicesStreamLimitLowersTheLimitLeavingHeadroomForPolls() {
        HeldCalls calls = new HeldCalls(true, 1000, 3);
        calls.answeredOver(HttpClient.Version.HTTP_2);
        for (int i = 0; i < 101; i++) {
            assertTrue(calls.tryHold());
        }
        // the 101st was refused by the client: 100 streams were held, 3 are left to the other calls
        assertEquals(97, calls.streamLimitReached());
        calls.release();
        assertFalse(calls.tryHold(), "100 still held, above the learned 97");
        for (int i = 0; i < 4; i++) {
            calls.release();
        }
        assertTrue(calls.tryHold());
    }

    @Test
    void theJavaClientsRefusalIsRecognisedThroughWrappers() {
        assertTrue(HeldCalls.isStreamLimit(new CompletionException(new IOException("too many concurrent streams"))));
        assertFalse(HeldCalls.isStreamLimit(new CompletionException(new IOException("connection reset"))));
        assertFalse(HeldCalls.isStreamLimit(new IllegalStateException("too many concurrent streams")));
    }
}
