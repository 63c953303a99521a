package org.radmfa.mfa.entra.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeldCallsTest {
    @Test
    void nothingIsHeldBeforeTheServiceHasAnsweredOverHttp2() {
        HeldCalls calls = new HeldCalls(true, 10, 1, 2);
        assertFalse(calls.tryHold(), "the protocol is not known yet");
        calls.answeredOver(false, 0);
        assertFalse(calls.tryHold(), "HTTP/1.1: a held call would cost a connection");
        calls.answeredOver(true, 0);
        assertTrue(calls.tryHold());
        calls.answeredOver(false, 0);
        assertFalse(calls.tryHold(), "back to HTTP/1.1 (a proxy, another front end): polling again");
    }

    @Test
    void pollModeNeverHolds() {
        HeldCalls calls = new HeldCalls(false, 10, 1, 2);
        calls.answeredOver(true, 100);
        assertFalse(calls.tryHold());
        assertFalse(calls.holding());
    }

    @Test
    void atMostTheLimitAreHeldAndAReleaseMakesRoom() {
        HeldCalls calls = new HeldCalls(true, 2, 1, 0);
        calls.answeredOver(true, 0);
        assertTrue(calls.tryHold());
        assertTrue(calls.tryHold());
        assertFalse(calls.tryHold());
        calls.release();
        assertTrue(calls.tryHold());
        assertEquals(2, calls.held());
    }

    @Test
    void theServicesStreamLimitTimesTheConnectionsBoundsTheHeldCallsLeavingHeadroomForPolls() {
        HeldCalls calls = new HeldCalls(true, 1000, 4, 3);
        assertEquals(397, calls.answeredOver(true, 100), "4 connections of 100 streams, 3 left to the others");
        for (int i = 0; i < 397; i++) {
            assertTrue(calls.tryHold());
        }
        assertFalse(calls.tryHold());
        calls.release();
        assertTrue(calls.tryHold());
        assertEquals(1000, calls.answeredOver(true, 10_000), "a service allowing more: the configured limit");
        assertEquals(0, new HeldCalls(true, 1000, 1, 8).answeredOver(true, 8), "no stream to spare: all poll");
    }
}
