package org.radmfa.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionListener;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestAttribute;

class DecisionRecorderTest {
    private final Fakes.Time time = new Fakes.Time();
    private final DecisionRecorder recorder = new DecisionRecorder(2, time, time.nanoTime);
    private final List<DecisionRecord> heard = new ArrayList<>();
    private final List<DecisionListener> listeners = List.of(heard::add, record -> {
        throw new IllegalStateException("a broken listener changes nothing");
    });

    private static final Decision ACCEPT = new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "granted", "P",
            Fakes.SETTINGS, List.of("p"));

    @Test
    void anAcceptCarriesItsCorrelationIdInClassAndTheRecordSaysWhenAndHowLong() {
        long started = time.nanoTime.getAsLong();
        time.advance(Duration.ofMillis(42));
        RequestAttribute nas = new RequestAttribute(0, 4, "NAS-IP-Address", "10.1.255.4");
        Decision answered = recorder.record(Fakes.pap("alice", "pw", nas, new RequestAttribute(0, 24, "State", "0x01"),
                Fakes.station("203.0.113.50")), started, ACCEPT, listeners);
        DecisionRecord record = heard.get(0);
        assertEquals(List.of(Fakes.SETTINGS.get(0), new ReplyAttribute("Class", "radmfa:" + record.correlationId())),
                answered.replyAttributes());
        assertEquals(42, record.millis());
        assertEquals(time.instant(), record.time());
        assertEquals(List.of(nas, Fakes.station("203.0.113.50")), record.origin());
        assertEquals(answered, record.decision());
    }

    @Test
    void aRejectHasNoClassAndTheRecentOnesAreKeptNewestFirst() {
        for (String user : List.of("a", "b", "c")) {
            Decision reject = recorder.record(Fakes.pap(user, "pw"), 0, Decision.reject(ReasonCode.AUTHENTICATION_FAILED,
                    "wrong", List.of()), listeners);
            assertTrue(reject.replyAttributes().isEmpty());
        }
        assertEquals(List.of("c", "b"), recorder.newest(10).stream().map(DecisionRecord::userName).toList());
        recorder.capacity(1);
        assertEquals(List.of("c"), recorder.newest(10).stream().map(DecisionRecord::userName).toList());
    }
}
