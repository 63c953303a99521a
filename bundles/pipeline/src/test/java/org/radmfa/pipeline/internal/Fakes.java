package org.radmfa.pipeline.internal;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Credentials;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaRequest;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.User;

/** What the stages' tests share: requests, verdicts, a connector, and time that moves only when a test moves it. */
final class Fakes {
    static final RadiusClient GATEWAY = new RadiusClient("gw", "127.0.0.1", SharedSecret.of("x"), null, true);
    static final List<ReplyAttribute> SETTINGS = List.of(new ReplyAttribute("Session-Timeout", "3600"));
    static final PolicyDecision MFA_POLICY = new PolicyDecision(true, "VPN", ReasonCode.ACCEPTED, true, SETTINGS,
            List.of("network policy 'VPN': grant, MFA required"));

    private Fakes() {
    }

    static AuthenticationRequest request(String user, Credentials credentials, RequestAttribute... attributes) {
        return new AuthenticationRequest("rq-" + user, GATEWAY, new InetSocketAddress("127.0.0.1", 40000), user,
                credentials, List.of(attributes), Instant.EPOCH);
    }

    static AuthenticationRequest pap(String user, String password, RequestAttribute... attributes) {
        return request(user, new PapCredentials(password), attributes);
    }

    static RequestAttribute station(String address) {
        return new RequestAttribute(0, 31, "Calling-Station-Id", address);
    }

    static PrimaryAuthResult accepted(String user, String... groups) {
        return PrimaryAuthResult.accepted(new User(user, Set.of(groups), "local"));
    }

    /** The wall clock and {@code System.nanoTime} of a test: both move when {@link #advance} says so. */
    static final class Time extends Clock {
        private Instant now = Instant.parse("2026-12-05T12:00:00Z");
        private long nanos = 1_000_000_000L;
        final LongSupplier nanoTime = () -> nanos;

        synchronized void advance(Duration duration) {
            now = now.plus(duration);
            nanos += duration.toNanos();
        }

        @Override
        public synchronized Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** An MFA deadline that passes when the test says so, not on a timer. */
    static final class Deadlines implements MfaDeadline {
        final List<CompletableFuture<MfaOutcome>> bounded = new ArrayList<>();
        final List<Duration> timeouts = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<MfaOutcome> bound(CompletableFuture<MfaOutcome> outcome,
                Duration timeout) {
            bounded.add(outcome);
            timeouts.add(timeout);
            return outcome;
        }

        /** Every second factor still waiting ends as the timer would end it. */
        synchronized void pass() {
            bounded.forEach(outcome -> outcome.completeExceptionally(new TimeoutException()));
        }
    }

    /** A connector that records what it was asked and answers with the outcome the test puts in {@link #next}. */
    static final class Connector implements MfaConnector {
        final String name;
        final List<MfaRequest> asked = new ArrayList<>();
        volatile CompletableFuture<MfaOutcome> next = new CompletableFuture<>();

        Connector(String name) {
            this.name = name;
        }

        Connector answering(MfaOutcome outcome) {
            next = CompletableFuture.completedFuture(outcome);
            return this;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public synchronized CompletionStage<MfaOutcome> verify(MfaRequest request) {
            asked.add(request);
            return next;
        }

        synchronized int pushes() {
            return asked.size();
        }
    }
}
