package org.radmfa.mfa.entra.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class RequestLimiterTest {

    @Test
    void runsAtMostTheLimitAndHandsEachFreedPermitToTheNextWaitingCall() {
        List<Runnable> handedOver = new ArrayList<>();
        RequestLimiter limiter = new RequestLimiter(2, handedOver::add);
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int call = i;
            limiter.submit(() -> ran.add(call));
        }
        assertEquals(List.of(0, 1), ran, "two run at once");
        assertEquals(3, limiter.waiting());
        assertEquals(2, limiter.active());

        limiter.release();
        assertEquals(1, handedOver.size(), "the freed permit goes to the oldest waiting call, on the executor");
        handedOver.remove(0).run();
        assertEquals(List.of(0, 1, 2), ran);
        assertEquals(2, limiter.active(), "the permit moved, it was not returned");

        limiter.release();
        limiter.release();
        handedOver.forEach(Runnable::run);
        assertEquals(List.of(0, 1, 2, 3, 4), ran);
        assertEquals(0, limiter.waiting());
        limiter.release();
        limiter.release();
        assertEquals(0, limiter.active(), "every permit back once nothing waits");
        limiter.submit(() -> ran.add(5));
        assertEquals(6, ran.size(), "runs at once again");
    }

    @Test
    void aLoginsFirstCallGoesBeforeEveryWaitingPollInOrderAmongThemselves() {
        List<Runnable> handedOver = new ArrayList<>();
        RequestLimiter limiter = new RequestLimiter(1, handedOver::add);
        List<String> ran = new ArrayList<>();
        limiter.submit(() -> ran.add("running"));
        limiter.submit(() -> ran.add("poll 1"));
        limiter.submit(() -> ran.add("poll 2"));
        limiter.submit(() -> ran.add("begin 1"), true);
        limiter.submit(() -> ran.add("begin 2"), true);
        for (int i = 0; i < 4; i++) {
            limiter.release();
            handedOver.remove(0).run();
        }
        assertEquals(List.of("running", "begin 1", "begin 2", "poll 1", "poll 2"), ran);
    }

    @Test
    void refusesALimitBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new RequestLimiter(0, Runnable::run));
    }
}
