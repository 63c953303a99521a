package org.radmfa.mfa.entra.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaOutcome.Kind;
import org.radmfa.api.MfaRequest;
import org.radmfa.api.PapCredentials;
import org.radmfa.mfa.entra.internal.ConnectorHttp.Answer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.MsalException;
import com.microsoft.aad.msal4j.MsalServiceException;

/**
 * One configuration of the Entra connector at work: an MSAL confidential client, an HTTP client and the threads they
 * share. It speaks the MFA connector protocol of the NPS extension for Entra MFA ({@link ConnectorXml}); a
 * verification walks these steps, each an asynchronous HTTP call, so no thread waits for the user:
 * <ol>
 * <li>an app-only token for {@code <resource>/.default} from MSAL, as the "Azure Multi-Factor Auth Client" service
 * principal (MSAL's in-memory cache answers all but the first request of each token lifetime, and the client keeps the last
 * token it gave until five minutes before it expires, so most logins do not ask MSAL at all);</li>
 * <li>only with {@code userLookup = samAccountName | mail}: the user's userPrincipalName from Microsoft Graph (a
 * second token, for Graph);</li>
 * <li>{@code POST <serviceUrl>/BeginTwoWayAuthentication} with {@code SyncCall=false}: the service sends the push
 * (or calls, or expects a code) and answers at once with a SessionId;</li>
 * <li>{@code POST .../EndTwoWayAuthentication} (at Begin's AffinityUrl when it gives one) every
 * {@code pollIntervalMillis} until the value is no longer {@code AuthenticationPending}, or the request's deadline.
 * A one-time code answers an Access-Challenge: it goes to End as AdditionalAuthData, once.</li>
 * </ol>
 * With {@code waitMode = sync} (the default), once the MFA service has answered over HTTP/2, Begin is sent with
 * {@code SyncCall=true} instead and held on the non-blocking client until the user has answered ({@link HeldCalls}):
 * the approval reaches the gateway as soon as the service knows it, and no End call is made at all. A held call is
 * one HTTP/2 stream of a shared connection, without a thread or a {@link RequestLimiter} permit; over HTTP/1.1 it
 * would be a TLS connection each, so then (and for the first login, before the protocol is known, and above
 * {@code maxHeldCalls} or what the service's connections carry) the login polls as with {@code waitMode = poll}.
 *
 * <h2>Threads</h2> One {@link ScheduledThreadPoolExecutor} (three threads) runs the poll timers, the deadline timers,
 * the HTTP client's selector (one thread for good) and its completions ({@link ConnectorHttp}); MSAL gets one more
 * thread of its own, on which it reads its cache or, rarely, waits for the token endpoint: MSAL's HTTP interface is
 * synchronous, and a dedicated thread keeps that wait away from the timers. Concurrent token requests queue on that
 * thread, so a cold cache costs one token request, not one per login. Pending verifications hold no thread at all,
 * and at most {@code maxConcurrentRequests} HTTP calls are in flight ({@link RequestLimiter}): over HTTP/1.1 that
 * bounds the connections, whatever the number of pending logins.
 */
final class EntraClient {
    private static final Logger LOG = LoggerFactory.getLogger(EntraClient.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Pattern AADSTS = Pattern.compile("AADSTS\\d+");
    /**
     * An IPv4 address in dotted-quad form: four numbers 0-255, none with a leading zero (read as octal by some).
     * Compiled once: checked for every login.
     */
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}"
            + "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    /** One 16-bit group of an IPv6 address in text. */
    private static final Pattern IPV6_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    /** A token with less than this left is asked of MSAL again (which refreshes it ahead of expiry). */
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(5);
    /** The executor's threads: the HTTP client's selector, and two for timers and completions. */
    private static final int THREADS = 3;
    /**
     * How long past the verification's deadline a call may still run. The deadline timer must decide (TIMED_OUT,
     * a held Begin reset); an HTTP timeout at the same instant would race it and call the service unavailable.
     */
    private static final Duration PAST_DEADLINE = Duration.ofSeconds(1);
    /**
     * A held call's timeout at most, however far the deadline: Jetty adds the timeout to System.nanoTime(), which a
     * deadline such as Instant.MAX would overflow. The MFA service ends a held Begin within minutes anyway.
     */
    private static final Duration LONGEST_CALL = Duration.ofDays(1);

    private final EntraSettings settings;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService tokenThread;
    private final ConnectorHttp http;
    private final RequestLimiter limiter;
    private final HeldCalls held;
    /** The last token MSAL gave, per scope. */
    private final Map<String, IAuthenticationResult> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger msalCalls = new AtomicInteger();
    private final AtomicInteger heldLimitLogged = new AtomicInteger(-1);
    private final ConfidentialClientApplication msal;
    private final String threadPrefix;
    private final Set<CompletableFuture<MfaOutcome>> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean retiring;
    private volatile boolean closed;

    EntraClient(EntraSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        int instance = INSTANCES.incrementAndGet();
        this.threadPrefix = "radmfa-entra-" + instance + "-";
        AtomicInteger threads = new AtomicInteger();
        this.scheduler = new ScheduledThreadPoolExecutor(THREADS, runnable -> daemon(runnable,
                "radmfa-entra-" + instance + "-" + threads.incrementAndGet()));
        scheduler.setRemoveOnCancelPolicy(true);
        // Stopping drops the poll and deadline timers but interrupts nobody: the threads may be finishing a login
        // on its way to the gateway (the pipeline, the RADIUS answer, the cluster), which an interrupt would break.
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.tokenThread = Executors.newSingleThreadExecutor(runnable -> daemon(runnable,
                "radmfa-entra-" + instance + "-token"));
        Duration timeout = Duration.ofMillis(settings.requestTimeoutMillis());
        // As many connections as calls that do not wait may be in flight (over HTTP/1.1, one each); over HTTP/2
        // they carry the held Begins too. Queued: whatever waits for a connection being opened.
        int connections = settings.maxConcurrentRequests();
        this.http = new ConnectorHttp(settings.sslContext(), timeout, connections, (int) Math.min(Integer.MAX_VALUE,
                (long) settings.maxHeldCalls() + connections), scheduler);
        this.limiter = new RequestLimiter(settings.maxConcurrentRequests(), scheduler);
        this.held = new HeldCalls(settings.waitMode() == EntraSettings.WaitMode.SYNC, settings.maxHeldCalls(),
                connections, settings.maxConcurrentRequests());
        try {
            ConfidentialClientApplication.Builder builder = ConfidentialClientApplication
                    .builder(settings.clientId(), settings.credential().msal())
                    .authority(settings.tenantAuthority())
                    // Sovereign clouds and the emulator are not in MSAL's list of known hosts: no discovery
                    // request to login.microsoftonline.com, no refusal of an unknown host.
                    .instanceDiscovery(false).validateAuthority(false)
                    .httpClient(new MsalHttpClient(http, timeout))
                    .executorService(tokenThread);
            int port = settings.authority().getPort();
            if (port != -1) {
                // MSAL 1.26 files a token under the authority's host name but looks it up under host:port, so with
                // an explicit port (the emulator) its cache never hits. Declaring both as aliases of one instance,
                // with MSAL's own offline instance metadata, lets the cache work; no request is made for it.
                String host = settings.authority().getHost();
                builder.aadInstanceDiscoveryResponse("{\"tenant_discovery_endpoint\":\"" + settings.tenantAuthority()
                        + "v2.0/.well-known/openid-configuration\",\"api-version\":\"1.1\",\"metadata\":[{"
                        + "\"preferred_network\":\"" + host + "\",\"preferred_cache\":\"" + host
                        + "\",\"aliases\":[\"" + host + "\",\"" + host + ":" + port + "\"]}]}");
            }
            this.msal = builder.build();
        } catch (java.net.MalformedURLException | RuntimeException e) {
            close();
            throw new IllegalArgumentException("MSAL refuses the authority " + settings.tenantAuthority() + ": "
                    + e.getMessage(), e);
        }
        checkCredentialExpiry();
        scheduler.scheduleAtFixedRate(this::checkCredentialExpiry, 1, 1, TimeUnit.DAYS);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        // Jetty may open a TLS connection on any of these threads: ALPN's processor is found through this loader.
        thread.setContextClassLoader(ConnectorHttp.ALPN_LOADER);
        return thread;
    }

    /** The names of this client's own threads start so. */
    String threadPrefix() {
        return threadPrefix;
    }

    EntraSettings settings() {
        return settings;
    }

    /** Logs a warning when the credential expires within the warning period, an error once it has expired. */
    void checkCredentialExpiry() {
        Instant expiry = settings.credentialExpiry();
        if (expiry == null) {
            return;
        }
        Instant now = clock.instant();
        if (!expiry.isAfter(now)) {
            LOG.error("Entra connector: the {} of application {} expired on {}; every MFA request is refused as"
                    + " unavailable until a new credential is configured", settings.credential(),
                    settings.clientId(), date(expiry));
        } else if (expiry.isBefore(now.plus(Duration.ofDays(settings.credentialExpiryWarningDays())))) {
            LOG.warn("Entra connector: the {} of application {} expires on {} ({} days left); renew it in the Entra"
                    + " admin center", settings.credential(), settings.clientId(), date(expiry),
                    Duration.between(now, expiry).toDays());
        }
    }

    private static LocalDate date(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    /** Starts a verification; returns at once. */
    CompletableFuture<MfaOutcome> verify(MfaRequest request) {
        if (closed) {
            return CompletableFuture.completedFuture(MfaOutcome.of(Kind.UNAVAILABLE, "Entra connector stopped"));
        }
        Instant expiry = settings.credentialExpiry();
        Instant now = clock.instant();
        if (expiry != null && !expiry.isAfter(now)) {
            return CompletableFuture.completedFuture(MfaOutcome.of(Kind.UNAVAILABLE, "credential expired on "
                    + date(expiry) + " (" + settings.credential() + " of application " + settings.clientId() + ")"));
        }
        Duration left = Duration.between(now, request.deadline());
        if (left.isNegative() || left.isZero()) {
            return CompletableFuture.completedFuture(MfaOutcome.of(Kind.TIMED_OUT, "deadline passed before start"));
        }
        // Saturated: a deadline as far as Instant.MAX does not fit in a long of milliseconds.
        long delay = left.compareTo(Duration.ofMillis(Long.MAX_VALUE)) < 0 ? left.toMillis() : Long.MAX_VALUE;
        Attempt attempt = new Attempt(request);
        CompletableFuture<MfaOutcome> result = attempt.result;
        pending.add(result);
        ScheduledFuture<?> timer;
        try {
            timer = scheduler.schedule(() -> result.complete(MfaOutcome.of(Kind.TIMED_OUT,
                    "no answer from the user by the deadline" + attempt.where())), delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.remove(result);
            return CompletableFuture.completedFuture(MfaOutcome.of(Kind.UNAVAILABLE, "Entra connector stopped"));
        }
        result.whenComplete((outcome, failure) -> {
            timer.cancel(false);
            pending.remove(result);
            if (retiring && pending.isEmpty()) {
                close();
            }
        });
        attempt.start();
        return result;
    }

    /**
     * Asks Entra for a fresh token for the MFA service (not from MSAL's cache): what {@code radmfa:entra-check}
     * proves first. Completes with the token's expiry, or fails with what {@link #describe} explains.
     */
    CompletableFuture<Instant> checkToken() {
        if (closed) {
            return CompletableFuture.failedFuture(new StepFailure("Entra connector stopped"));
        }
        try {
            return msal.acquireToken(ClientCredentialParameters.builder(Set.of(settings.scope())).skipCache(true)
                    .build()).thenApply(token -> token.expiresOnDate().toInstant());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A token for the scope: the last one MSAL gave while it has more than {@link #TOKEN_MARGIN} left, else MSAL's
     * (from its cache, or the token endpoint). Asking MSAL for every login costs a queue on its one thread and a
     * cache look-up each, which a storm of logins turns into a bottleneck.
     */
    CompletableFuture<String> token(String scope) {
        IAuthenticationResult last = tokens.get(scope);
        if (last != null && last.expiresOnDate().toInstant().isAfter(clock.instant().plus(TOKEN_MARGIN))) {
            return CompletableFuture.completedFuture(last.accessToken());
        }
        msalCalls.incrementAndGet();
        try {
            return msal.acquireToken(ClientCredentialParameters.builder(Set.of(scope)).build())
                    .thenApply(token -> {
                        tokens.put(scope, token);
                        return token.accessToken();
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Times MSAL was asked for a token (for tests). */
    int msalCalls() {
        return msalCalls.get();
    }

    /** Verifications started and not finished. */
    int pending() {
        return pending.size();
    }

    /** Replaced by a new configuration: finish what was started, then stop. */
    void retire() {
        retiring = true;
        if (pending.isEmpty()) {
            close();
        }
    }

    /** Whether {@link #close()} has run (a retired client runs it itself once its last verification ends). */
    boolean closed() {
        return closed;
    }

    /** Stops now: pending verifications end UNAVAILABLE. */
    void close() {
        closed = true;
        // Answered first: shutting the executors down makes in-flight steps fail with RejectedExecutionException,
        // which would otherwise become the answer of some pending verifications.
        for (CompletableFuture<MfaOutcome> result : pending) {
            result.complete(MfaOutcome.of(Kind.UNAVAILABLE, "Entra connector stopped"));
        }
        // The HTTP client is stopped off the executor, whose threads may be calling this and one of which is the
        // client's selector; its open calls fail into verifications already answered.
        try {
            tokenThread.execute(() -> {
                http.stop();
                scheduler.shutdown();
            });
        } catch (java.util.concurrent.RejectedExecutionException alreadyClosed) {
            // a second close
        }
        tokenThread.shutdown();
    }

    /** One verification: the steps, chained on HTTP completions and poll timers. */
    private final class Attempt {
        final MfaRequest request;
        final CompletableFuture<MfaOutcome> result = new CompletableFuture<>();
        volatile String step = "token";
        volatile String session;

        Attempt(MfaRequest request) {
            this.request = request;
        }

        String where() {
            return session == null ? " (step: " + step + ")" : " (session " + session + ")";
        }

        void start() {
            token(settings.scope()).thenCompose(accessToken -> {
                if (request.challengeResponse() != null) {
                    return answerChallenge(accessToken);
                }
                if (settings.userLookup() == EntraSettings.UserLookup.UPN) {
                    return begin(accessToken, request.user().name());
                }
                step = "Graph user lookup";
                return token(settings.graphScope()).thenCompose(this::findUser).thenCompose(upn -> upn == null
                        ? CompletableFuture.completedFuture(notSetUp("UserNotFound", "not found in Entra ID by "
                                + settings.userLookup().key))
                        : begin(accessToken, upn));
            }).whenComplete((outcome, failure) -> {
                UserRefused refused = refusal(failure);
                if (refused != null) {
                    // Fixed for this user, so never UNAVAILABLE: the pipeline's fail-open mode would let it in.
                    result.complete(outcome(Kind.DENIED, refused.getMessage()));
                } else if (failure != null && !clock.instant().isBefore(request.deadline())) {
                    // Failed once the deadline had passed (its own timeout, most often): the user did not answer in
                    // time, as the deadline timer would have said; what the call met stays in the detail.
                    result.complete(MfaOutcome.of(Kind.TIMED_OUT, "no answer from the user by the deadline"
                            + where() + "; then " + describe(failure)));
                } else if (failure != null) {
                    result.complete(MfaOutcome.of(Kind.UNAVAILABLE, describe(failure)));
                } else if (outcome != null) {
                    result.complete(outcome);
                }
            });
        }

        private CompletableFuture<String> token(String scope) {
            return EntraClient.this.token(scope);
        }


        /** Begin: the service starts the push (or call), or says a code is needed, or refuses. */
        private CompletableFuture<MfaOutcome> begin(String token, String upn) {
            step = "BeginTwoWayAuthentication";
            boolean pap = request.request().credentials() instanceof PapCredentials;
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("OverrideVoiceOtp", "false");
            if (pap && settings.overrideNumberMatchingWithOtp()) {
                // Only PAP can carry the code back; MS-CHAPv2 and EAP logins keep the push.
                properties.put("OverrideNumberMatchingWithOTP", "true");
            }
            String contextId = UUID.randomUUID().toString();
            return sendBegin(token, upn, properties, contextId).thenCompose(answer -> {
                ConnectorXml.Response begun = response(answer, "BeginTwoWayAuthentication");
                if (begun.userPrincipalName() != null && !begun.userPrincipalName().equalsIgnoreCase(upn)) {
                    LOG.warn("SECURITY: Entra MFA for user '{}' from client '{}': BeginTwoWayAuthentication answered"
                            + " for '{}'", upn, request.request().client().name(), begun.userPrincipalName());
                    throw new UserRefused("BeginTwoWayAuthentication answered for '" + begun.userPrincipalName()
                            + "', not for '" + upn + "'");
                }
                session = begun.sessionId();
                Session started = new Session(begun.sessionId(), contextId, upn, endpoint(begun));
                return next(token, started, begun, pap);
            });
        }

        /** Begin held until the user answers when {@link HeldCalls} allows it, else asynchronous. */
        private CompletableFuture<Answer> sendBegin(String token, String upn, Map<String, String> properties,
                String contextId) {
            URI uri = settings.operation("BeginTwoWayAuthentication");
            if (result.isDone()) {
                // Timed out or stopped during the token or Graph step: no push for a login that is over. (call()
                // checks the same for the Begin that does not wait; the abort in hold() would come too late.)
                return new CompletableFuture<>();
            }
            if (!held.tryHold()) {
                return call(step, post(uri, token, begin(upn, properties, contextId, false)), true);
            }
            CompletableFuture<Answer> answer = hold(post(uri, token, begin(upn, properties, contextId, true),
                    untilDeadline()));
            answer.whenComplete((done, failure) -> held.release());
            return answer;
        }

        private String begin(String upn, Map<String, String> properties, String contextId, boolean sync) {
            return ConnectorXml.begin(new ConnectorXml.Begin(upn, settings.lcid(), settings.authenticationMethodId(),
                    properties, contextId, sync, settings.requireUserMatch(), settings.callerName(), callerIp()));
        }

        /** What an answer of Begin or End leads to: a final outcome, a challenge, or another poll. */
        private CompletableFuture<MfaOutcome> next(String token, Session started, ConnectorXml.Response answer,
                boolean pap) {
            String value = answer.resultValue();
            String verdict = answer.authenticationResult();
            boolean pending = "AuthenticationPending".equals(value)
                    || "Success".equals(value) && verdict == null;
            if ("Success".equals(value) && "challenge".equalsIgnoreCase(verdict)) {
                return CompletableFuture.completedFuture(challenge(started, pap));
            }
            if (!pending) {
                return CompletableFuture.completedFuture(finalOutcome(answer));
            }
            if (started.sessionId() == null) {
                throw new StepFailure(answer.root() + ": " + value + " without a SessionId to poll");
            }
            CompletableFuture<MfaOutcome> polled = new CompletableFuture<>();
            schedulePoll(token, started, polled);
            return polled;
        }

        private MfaOutcome challenge(Session started, boolean pap) {
            if (!pap) {
                return outcome(Kind.DENIED, "the user's Entra MFA method needs a typed one-time code, which "
                        + request.request().credentials().method() + " cannot carry; register Microsoft"
                        + " Authenticator notifications for this user");
            }
            byte[] state = started.encode();
            if (state == null) {
                // Fixed for this user (the length of the name and of the AffinityUrl), so never UNAVAILABLE: the
                // pipeline's fail-open mode would let the user in without the code.
                return outcome(Kind.DENIED, "the MFA session (user principal name and AffinityUrl) does not fit"
                        + " in a RADIUS State of 253 octets: a one-time code cannot be asked for this user; use"
                        + " Microsoft Authenticator notifications");
            }
            return new MfaOutcome(Kind.CHALLENGE, "Entra asks for a one-time code" + where(),
                    settings.challengePrompt(), state);
        }

        /** The second round: the code the user typed goes to End, once. */
        private CompletableFuture<MfaOutcome> answerChallenge(String token) {
            step = "EndTwoWayAuthentication (one-time code)";
            Session started = Session.decode(request.state());
            if (started == null) {
                return CompletableFuture.completedFuture(outcome(Kind.UNAVAILABLE,
                        "the State does not name an Entra MFA session"));
            }
            session = started.sessionId();
            String body = ConnectorXml.end(started.sessionId(), started.contextId(), request.challengeResponse()
                    .trim(), started.userPrincipalName());
            return call(step, post(started.endpoint(settings), token, body), true).thenApply(answer -> {
                ConnectorXml.Response ended = response(answer, "EndTwoWayAuthentication");
                if ("AuthenticationPending".equals(ended.resultValue())) {
                    return outcome(Kind.DENIED, "Entra did not accept the one-time code (still pending)");
                }
                return finalOutcome(ended);
            });
        }

        private void schedulePoll(String token, Session started, CompletableFuture<MfaOutcome> polled) {
            if (result.isDone()) {
                return;
            }
            try {
                scheduler.schedule(() -> poll(token, started, polled), settings.pollIntervalMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                polled.complete(MfaOutcome.of(Kind.UNAVAILABLE, "Entra connector stopped"));
            }
        }

        private void poll(String token, Session started, CompletableFuture<MfaOutcome> polled) {
            if (result.isDone()) {
                return;
            }
            step = "EndTwoWayAuthentication";
            String body = ConnectorXml.end(started.sessionId(), started.contextId(), null,
                    started.userPrincipalName());
            call(step, post(started.endpoint(settings), token, body)).whenComplete((answer, failure) -> {
                if (failure != null) {
                    polled.completeExceptionally(failure);
                    return;
                }
                try {
                    ConnectorXml.Response ended = response(answer, "EndTwoWayAuthentication");
                    String value = ended.resultValue();
                    if ("AuthenticationPending".equals(value)
                            || "Success".equals(value) && ended.authenticationResult() == null) {
                        schedulePoll(token, started, polled);
                    } else if ("Success".equals(value) && "challenge".equalsIgnoreCase(ended.authenticationResult())) {
                        polled.complete(challenge(started, request.request().credentials() instanceof PapCredentials));
                    } else {
                        polled.complete(finalOutcome(ended));
                    }
                } catch (RuntimeException e) {
                    polled.completeExceptionally(e);
                }
            });
        }

    /** A final answer as an outcome, logged with its meaning; security events as such. */
        private MfaOutcome finalOutcome(ConnectorXml.Response answer) {
            String value = answer.resultValue();
            if ("Success".equals(value)) {
                if ("true".equalsIgnoreCase(answer.authenticationResult())) {
                    return MfaOutcome.of(Kind.APPROVED, "approved in Entra MFA" + where());
                }
                return outcome(Kind.DENIED, "Entra answered Success with AuthenticationResult "
                        + answer.authenticationResult());
            }
            if (ConnectorResult.NOT_SET_UP.contains(value)) {
                return notSetUp(value, ConnectorResult.of(value).meaning());
            }
            ConnectorResult meaning = ConnectorResult.of(value);
            String detail = value + ": " + meaning.meaning() + (answer.resultMessage() == null ? ""
                    : " (" + answer.resultMessage() + ")") + where();
            if (meaning.securityEvent()) {
                LOG.warn("SECURITY: Entra MFA for user '{}' from client '{}': {}", request.user().name(),
                        request.request().client().name(), detail);
            } else {
                LOG.info("Entra MFA for user '{}': {}", request.user().name(), detail);
            }
            return MfaOutcome.of(meaning.kind(), detail);
        }

        private MfaOutcome outcome(Kind kind, String why) {
            String detail = why + where();
            LOG.info("Entra MFA for user '{}': {}", request.user().name(), detail);
            return MfaOutcome.of(kind, detail);
        }

        /** A user Entra does not know or who has no method: rejected, or let through with requireUserMatch=false. */
        private MfaOutcome notSetUp(String value, String why) {
            String user = "user '" + request.user().name() + "': " + value + " (" + why + ")";
            if (settings.requireUserMatch()) {
                LOG.info("Entra MFA for {}", user);
                return MfaOutcome.of(Kind.NOT_ENROLLED, user);
            }
            LOG.info("Entra connector: {}; passed without MFA because requireUserMatch=false", user);
            return MfaOutcome.of(Kind.APPROVED, user + "; passed without MFA (requireUserMatch=false)");
        }

        /** The address of the person logging in, as the extension reports it to Entra's sign-in log. */
        private String callerIp() {
            for (String name : new String[] {"Tunnel-Client-Endpoint", "Calling-Station-Id"}) {
                String value = request.request().attribute(name).orElse("").trim();
                if (ipAddress(value)) {
                    return value;
                }
            }
            return "UNKNOWN:";
        }

        /** The userPrincipalName of the one user the lookup matches, or null when none does. */
        private CompletableFuture<String> findUser(String token) {
            String name = request.user().name();
            String field = settings.userLookup() == EntraSettings.UserLookup.MAIL ? "mail"
                    : "onPremisesSamAccountName";
            String value = settings.userLookup() == EntraSettings.UserLookup.MAIL ? name : samAccountName(name);
            String filter = field + " eq '" + value.replace("'", "''") + "'";
            URI uri = URI.create(settings.graphBaseUrl() + "/v1.0/users?$filter=" + query(filter)
                    + "&$select=id,userPrincipalName&$count=true");
            // onPremisesSamAccountName is filterable only as an advanced query.
            Request get = request(uri, token).method(HttpMethod.GET).headers(headers -> headers.put("Accept",
                    "application/json").put("ConsistencyLevel", "eventual"));
            return call("Graph user lookup", get).thenApply(response -> {
                expect(response, "Graph user lookup", 200);
                List<?> users = list(json(response).get("value"));
                if (users.isEmpty()) {
                    return null;
                }
                if (users.size() > 1) {
                    // Never guess whose phone to ring; never let ambiguity pass as "not found" (or, as UNAVAILABLE,
                    // through the fail-open mode).
                    throw new UserRefused("Graph user lookup: " + users.size() + " users have " + field + " '"
                            + value + "'");
                }
                Object upn = users.get(0) instanceof Map<?, ?> user ? user.get("userPrincipalName") : null;
                if (!(upn instanceof String text) || text.isBlank()) {
                    throw new StepFailure("Graph user lookup: a user without a userPrincipalName");
                }
                return text;
            });
        }

        /** End goes to Begin's AffinityUrl when it names one on an https host, else to the configured service. */
        private URI endpoint(ConnectorXml.Response begun) {
            if (begun.affinityUrl() == null) {
                return null;
            }
            try {
                URI affinity = new URI(begun.affinityUrl());
                if ("https".equals(affinity.getScheme()) && affinity.getHost() != null) {
                    return affinity;
                }
            } catch (java.net.URISyntaxException e) {
                // ignored below
            }
            LOG.warn("Entra MFA: ignoring the AffinityUrl '{}' (not an https URL); End goes to {}",
                    begun.affinityUrl(), settings.operation("EndTwoWayAuthentication"));
            return null;
        }

        private ConnectorXml.Response response(Answer answer, String operation) {
            expect(answer, operation, 200);
            try {
                return ConnectorXml.parse(answer.body());
            } catch (IllegalArgumentException e) {
                throw new StepFailure(operation + ": unreadable answer: " + e.getMessage());
            }
        }

        private Request post(URI uri, String token, String xml) {
            return post(uri, token, xml, requestTimeout());
        }

        private Request post(URI uri, String token, String xml, Duration timeout) {
            return request(uri, token, timeout).method(HttpMethod.POST).headers(headers -> headers.put("Accept",
                    "application/xml")).body(new StringRequestContent("application/xml; charset=utf-8", xml,
                            StandardCharsets.UTF_8));
        }

        private Request request(URI uri, String token) {
            return request(uri, token, requestTimeout());
        }

        private Request request(URI uri, String token, Duration timeout) {
            String requestId = UUID.nameUUIDFromBytes(request.request().id().getBytes(StandardCharsets.UTF_8))
                    .toString();
            return http.newRequest(uri).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).headers(headers -> headers
                    .put("Authorization", "Bearer " + token).put("client-request-id", requestId));
        }

        /** A held call waits for the user until the deadline timer ends the verification (and aborts the call). */
        private Duration untilDeadline() {
            Duration left = Duration.between(clock.instant(), request.deadline());
            return (left.isNegative() ? Duration.ZERO : left.compareTo(LONGEST_CALL) > 0 ? LONGEST_CALL : left)
                    .plus(PAST_DEADLINE);
        }

        /** The per-call timeout: requestTimeoutMillis, but not much past the deadline. */
        private Duration requestTimeout() {
            Duration configured = Duration.ofMillis(settings.requestTimeoutMillis());
            Duration untilDeadline = untilDeadline();
            return untilDeadline.compareTo(configured) < 0 ? untilDeadline : configured;
        }

        /** Sends a request; the answer completes on the executor's threads. */
        private CompletableFuture<Answer> call(String what, Request httpRequest) {
            return call(what, httpRequest, false);
        }

        /** @param first a login's Begin: before the waiting polls (the push leaves without their queue) */
        private CompletableFuture<Answer> call(String what, Request httpRequest, boolean first) {
            CompletableFuture<Answer> answer = new CompletableFuture<>();
            if (result.isDone()) {
                // Timed out or stopped meanwhile: the chain ends here without another call.
                return answer;
            }
            limiter.submit(() -> {
                if (result.isDone()) {
                    // Timed out or stopped while waiting for its turn: no call.
                    limiter.release();
                    return;
                }
                try {
                    exchange(httpRequest).whenComplete((done, failure) -> {
                        limiter.release();
                        if (failure != null) {
                            answer.completeExceptionally(failure);
                        } else {
                            answer.complete(done);
                        }
                    });
                } catch (RuntimeException e) {
                    limiter.release();
                    answer.completeExceptionally(new StepFailure(what + ": " + e.getMessage()));
                }
            }, first);
            return answer;
        }

        /**
         * Sends a call that waits for the user: no {@link RequestLimiter} permit (it would hold one for as long as
         * the user takes); {@link HeldCalls} bounds these. Aborted (a reset stream) when the verification ends first.
         */
        private CompletableFuture<Answer> hold(Request httpRequest) {
            CompletableFuture<Answer> answer;
            try {
                answer = exchange(httpRequest);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(new StepFailure(step + ": " + e.getMessage()));
            }
            // Only a call still waiting: aborting one whose answer is in (the usual end) would do nothing but cost an
            // exception per login.
            result.whenComplete((outcome, failure) -> {
                if (!answer.isDone()) {
                    httpRequest.abort(new java.util.concurrent.CancellationException("verification ended"));
                }
            });
            return answer;
        }

        /** Sends; an answer of the MFA service tells whether calls may be held, and how many. */
        private CompletableFuture<Answer> exchange(Request httpRequest) {
            return http.send(httpRequest).thenApply(this::answered);
        }

        private Answer answered(Answer answer) {
            URI service = settings.serviceUrl();
            URI uri = answer.uri();
            if (uri.getHost().equalsIgnoreCase(service.getHost()) && uri.getPort() == service.getPort()) {
                heldLimit(held.answeredOver(answer.http2(), answer.streams()), answer.streams());
            }
            return answer;
        }
    }

    /** Says once per change when the service's stream limit lowers the held Begins below maxHeldCalls. */
    private void heldLimit(int limit, int streams) {
        int previous = heldLimitLogged.get();
        if (limit != previous && limit < settings.maxHeldCalls() && heldLimitLogged.compareAndSet(previous, limit)) {
            LOG.warn("Entra MFA: the service allows {} concurrent HTTP/2 streams per connection; at most {} logins"
                    + " wait in a held Begin ({} connections), the others poll", streams, limit,
                    settings.maxConcurrentRequests());
        }
    }

    /** Begins held now, waiting for their users (for tests and the log). */
    int heldCalls() {
        return held.held();
    }

    /**
     * An MFA session the service started: what End needs. For a challenge it travels in the RADIUS State (the
     * pipeline hands a connector only States it issued itself, so the content can be trusted), which lets any
     * appliance of a cluster finish the login.
     *
     * @param endpoint Begin's AffinityUrl, or null for the configured service
     */
    record Session(String sessionId, String contextId, String userPrincipalName, URI endpoint) {
        /** Four length-prefixed UTF-8 strings (still read: a State issued before an update). */
        private static final byte TEXT_ONLY = 1;
        /** Four parts, each a GUID in 16 octets or a length-prefixed UTF-8 string. */
        private static final byte COMPACT = 2;
        private static final int MAX_STATE = 253;
        private static final int GUID = 0;
        private static final int TEXT = 1;

        URI endpoint(EntraSettings settings) {
            return endpoint != null ? endpoint : settings.operation("EndTwoWayAuthentication");
        }

        /**
         * Version byte, then per part a GUID in 16 octets (a session or context id in its usual form: 20 octets less
         * than its text) or a length-prefixed UTF-8 string; null when longer than a RADIUS State.
         */
        byte[] encode() {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(200);
            out.write(COMPACT);
            for (String part : parts()) {
                UUID guid = guid(part);
                if (guid != null) {
                    out.write(GUID);
                    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16);
                    bytes.putLong(guid.getMostSignificantBits()).putLong(guid.getLeastSignificantBits());
                    out.write(bytes.array(), 0, 16);
                    continue;
                }
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                if (bytes.length > 255) {
                    return null;
                }
                out.write(TEXT);
                out.write(bytes.length);
                out.write(bytes, 0, bytes.length);
            }
            return out.size() > MAX_STATE ? null : out.toByteArray();
        }

        private String[] parts() {
            return new String[] {sessionId, contextId == null ? "" : contextId, userPrincipalName,
                    endpoint == null ? "" : endpoint.toString()};
        }

        /** The GUID this text is in its canonical form (lower case), or null: only then is it stored as 16 octets. */
        private static UUID guid(String text) {
            if (text.length() != 36) {
                return null;
            }
            try {
                UUID guid = UUID.fromString(text);
                return guid.toString().equals(text) ? guid : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /** The session in a State, or null when the State is not one of ours. */
        static Session decode(byte[] state) {
            if (state == null || state.length < 5 || state[0] != TEXT_ONLY && state[0] != COMPACT) {
                return null;
            }
            boolean compact = state[0] == COMPACT;
            String[] parts = new String[4];
            int at = 1;
            for (int i = 0; i < parts.length; i++) {
                if (at >= state.length) {
                    return null;
                }
                int kind = compact ? state[at++] & 0xff : TEXT;
                if (kind == GUID) {
                    if (at + 16 > state.length) {
                        return null;
                    }
                    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(state, at, 16);
                    parts[i] = new UUID(bytes.getLong(), bytes.getLong()).toString();
                    at += 16;
                    continue;
                }
                if (kind != TEXT || at >= state.length) {
                    return null;
                }
                int length = state[at++] & 0xff;
                if (at + length > state.length) {
                    return null;
                }
                parts[i] = new String(state, at, length, StandardCharsets.UTF_8);
                at += length;
            }
            if (at != state.length || parts[0].isEmpty() || parts[2].isEmpty()) {
                return null;
            }
            try {
                return new Session(parts[0], parts[1], parts[2], parts[3].isEmpty() ? null : new URI(parts[3]));
            } catch (java.net.URISyntaxException e) {
                return null;
            }
        }
    }

    /** A step's answer that ends the attempt as UNAVAILABLE; the message is the detail. */
    static final class StepFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StepFailure(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A step's answer that ends the attempt DENIED: a condition fixed for this user (two directory users for one
     * name, a Begin answered for another user), which no retry and no fail-open mode may turn into an accept.
     */
    static final class UserRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UserRefused(String message) {
            super(message, null, false, false);
        }
    }

    /** The {@link UserRefused} a step failed with, or null. */
    private static UserRefused refusal(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof UserRefused refused ? refused : null;
    }

    private static void expect(Answer response, String what, int... statuses) {
        for (int status : statuses) {
            if (response.statusCode() == status) {
                return;
            }
        }
        String code = "";
        try {
            Object error = json(response).get("error");
            if (error instanceof Map<?, ?> map && map.get("code") != null) {
                code = " " + map.get("code");
            }
        } catch (RuntimeException notJson) {
            // the status alone then
        }
        String meaning = response.statusCode() == 401 || response.statusCode() == 403 ? " (token refused: is it"
                + " for the MFA service's resource, and, for Graph, does the service principal hold User.Read.All?)"
                : "";
        throw new StepFailure(what + " answered HTTP " + response.statusCode() + code + meaning);
    }

    private static Map<?, ?> json(Answer response) {
        try (JsonReader reader = JsonProviders.createReader(response.body())) {
            reader.nextToken();
            Object value = reader.readUntyped();
            if (value instanceof Map<?, ?> map) {
                return map;
            }
        } catch (IOException | RuntimeException e) {
            throw new StepFailure("answer from " + response.uri().getHost() + " is not JSON (HTTP "
                    + response.statusCode() + ")");
        }
        throw new StepFailure("answer from " + response.uri().getHost() + " is not a JSON object");
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }

    /**
     * Whether the text is an IPv4 address in dotted-quad form or an IPv6 address in the text form of RFC 4291 (2.2),
     * without zone or brackets. Checked here, never by {@link java.net.InetAddress}, which looks up in DNS whatever it
     * does not read as an address. A MAC address (00:11:22:33:44:55, 0011.2233.4455) is not an IP address.
     */
    static boolean ipAddress(String text) {
        return IPV4.matcher(text).matches() || ipv6(text);
    }

    private static boolean ipv6(String text) {
        if (text.indexOf(':') < 0 || text.length() > 45) {
            return false;
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        String[] parts = gap < 0 ? new String[] {text} : new String[] {text.substring(0, gap),
                text.substring(gap + 2)};
        int groups = 0;
        for (int part = 0; part < parts.length; part++) {
            if (parts[part].isEmpty()) {
                // "::" at the start or the end
                continue;
            }
            String[] fields = parts[part].split(":", -1);
            for (int field = 0; field < fields.length; field++) {
                boolean last = part == parts.length - 1 && field == fields.length - 1;
                if (last && IPV4.matcher(fields[field]).matches()) {
                    // the last 32 bits as a dotted quad (::ffff:192.0.2.1)
                    groups += 2;
                } else if (IPV6_GROUP.matcher(fields[field]).matches()) {
                    groups++;
                } else {
                    return false;
                }
            }
        }
        // "::" stands for one group of zeros or more
        return gap < 0 ? groups == 8 : groups <= 7;
    }

    /** DOMAIN\name or name@domain → name. */
    static String samAccountName(String name) {
        String result = name.substring(name.lastIndexOf('\\') + 1);
        int at = result.indexOf('@');
        return at > 0 ? result.substring(0, at) : result;
    }

    private static String query(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The detail of a failed step: the Entra error code (AADSTS...), the HTTP status, or what the network said. */
    static String describe(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof StepFailure) {
            return cause.getMessage();
        }
        if (cause instanceof MsalServiceException service) {
            Matcher code = AADSTS.matcher(String.valueOf(service.getMessage()));
            String aadsts = code.find() ? code.group() : null;
            String meaning = aadsts == null ? null : SignInErrors.meaning(aadsts);
            return "Entra refused the token request: " + (aadsts == null ? "" : aadsts + " ") + "("
                    + service.errorCode() + (service.statusCode() == null ? "" : ", HTTP " + service.statusCode())
                    + ")" + (meaning == null ? "" : ": " + meaning);
        }
        String prefix = cause instanceof MsalException ? "token request failed: " : "";
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        for (Throwable link = cause; link != null; link = link.getCause() == link ? null : link.getCause()) {
            if (link instanceof ConnectException) {
                return prefix + "cannot connect (" + (link.getMessage() == null ? "connection refused"
                        : link.getMessage()) + ")";
            }
        }
        if (root instanceof TimeoutException) {
            return prefix + "no answer in time (" + root.getMessage() + ")";
        }
        if (root instanceof SSLException) {
            return prefix + "TLS failure (is the server's CA in the trust store?): " + root.getMessage();
        }
        return prefix + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
