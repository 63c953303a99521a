package org.radmfa.mfa.entra.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaOutcome.Kind;
import org.radmfa.api.MfaRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonWriter;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.MsalException;
import com.microsoft.aad.msal4j.MsalServiceException;

/**
 * One configuration of the Entra connector at work: an MSAL confidential client, an HTTP client and the threads they
 * share. A verification walks these steps, each an asynchronous HTTP call, so no thread waits for the user:
 * <ol>
 * <li>an app-only token for {@code <graphBaseUrl>/.default} from MSAL (its in-memory cache answers all but the first
 * request of each token lifetime);</li>
 * <li>the Entra user: {@code GET {graph}/v1.0/users/{upn}} or {@code GET {graph}/v1.0/users?$filter=...}
 * (onPremisesSamAccountName or mail, with {@code ConsistencyLevel: eventual});</li>
 * <li>the user's methods: {@code GET {graph}/v1.0/users/{id}/authentication/methods}, enrolled if one is a
 * microsoftAuthenticatorAuthenticationMethod (push) or a phoneAuthenticationMethod (phone);</li>
 * <li>the MFA endpoint (below) starts the push or call, then is polled every {@code pollIntervalMillis} until a final
 * status or the request's deadline.</li>
 * </ol>
 *
 * <h2>MFA endpoint contract</h2> Microsoft publishes no API for the push the NPS extension sends, so the connector
 * speaks this small REST contract to a service (a relay, or the test emulator) at {@code mfaEndpoint}. Every call
 * carries {@code Authorization: Bearer <the app-only token above>}; bodies are UTF-8 JSON.
 * <pre>
 * POST {mfaEndpoint}/v1/authentications
 *   {"userId":"&lt;Entra object id&gt;","method":"push|phone",
 *    "context":{"client":"&lt;RADIUS client name&gt;","callingStationId":"&lt;Calling-Station-Id, if sent&gt;"}}
 *   → 202 {"id":"&lt;transaction id&gt;"}        (200 and 201 are accepted too)
 * GET {mfaEndpoint}/v1/authentications/{id}
 *   → 200 {"status":"pending|approved|denied|timeout"}
 * </pre>
 * Any other answer (4xx, 5xx, unknown status, no connection) makes the attempt UNAVAILABLE with the HTTP status in
 * the detail. Unknown JSON members are ignored, so the service may add its own.
 *
 * <h2>Threads</h2> One {@link ScheduledThreadPoolExecutor} (two threads) runs the poll timers, the deadline timers and
 * the HTTP client's completions; MSAL gets one more thread of its own, on which it reads its cache or, rarely, waits
 * for the token endpoint: MSAL's HTTP interface is synchronous, and a dedicated thread keeps that wait away from the
 * timers. Concurrent token requests queue on that thread, so a cold cache costs one token request, not one per login.
 * Pending verifications hold no thread at all, and at most {@code maxConcurrentRequests} HTTP calls are in flight
 * ({@link RequestLimiter}): over HTTP/1.1 that bounds the connections, whatever the number of pending logins.
 */
final class EntraClient {
    private static final Logger LOG = LoggerFactory.getLogger(EntraClient.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Pattern AADSTS = Pattern.compile("AADSTS\\d+");

    private final EntraSettings settings;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService tokenThread;
    private final HttpClient http;
    private final RequestLimiter limiter;
    private final ConfidentialClientApplication msal;
    private final ClientCredentialParameters tokenParameters;
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
        this.scheduler = new ScheduledThreadPoolExecutor(2, runnable -> daemon(runnable,
                "radmfa-entra-" + instance + "-" + threads.incrementAndGet()));
        scheduler.setRemoveOnCancelPolicy(true);
        this.tokenThread = Executors.newSingleThreadExecutor(runnable -> daemon(runnable,
                "radmfa-entra-" + instance + "-token"));
        Duration timeout = Duration.ofMillis(settings.requestTimeoutMillis());
        this.http = HttpClient.newBuilder().sslContext(settings.sslContext()).executor(scheduler)
                .connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.limiter = new RequestLimiter(settings.maxConcurrentRequests(), scheduler);
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
        this.tokenParameters = ClientCredentialParameters.builder(Set.of(settings.scope())).build();
        checkCredentialExpiry();
        scheduler.scheduleAtFixedRate(this::checkCredentialExpiry, 1, 1, TimeUnit.DAYS);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
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
        Attempt attempt = new Attempt(request);
        CompletableFuture<MfaOutcome> result = attempt.result;
        pending.add(result);
        ScheduledFuture<?> timer;
        try {
            timer = scheduler.schedule(() -> result.complete(MfaOutcome.of(Kind.TIMED_OUT,
                    "no answer from the user by the deadline" + attempt.where())), left.toMillis(),
                    TimeUnit.MILLISECONDS);
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

    /** Stops now: pending verifications end UNAVAILABLE. */
    void close() {
        closed = true;
        // Answered first: shutting the executors down makes in-flight steps fail with RejectedExecutionException,
        // which would otherwise become the answer of some pending verifications.
        for (CompletableFuture<MfaOutcome> result : pending) {
            result.complete(MfaOutcome.of(Kind.UNAVAILABLE, "Entra connector stopped"));
        }
        scheduler.shutdownNow();
        tokenThread.shutdownNow();
    }

    /** One verification: the steps, chained on HTTP completions and poll timers. */
    private final class Attempt {
        final MfaRequest request;
        final CompletableFuture<MfaOutcome> result = new CompletableFuture<>();
        volatile String step = "token";
        volatile String transaction;

        Attempt(MfaRequest request) {
            this.request = request;
        }

        String where() {
            return transaction == null ? " (step: " + step + ")" : " (transaction " + transaction + ")";
        }

        void start() {
            CompletableFuture<String> token;
            try {
                token = msal.acquireToken(tokenParameters).thenApply(IAuthenticationResult::accessToken);
            } catch (RuntimeException e) {
                token = CompletableFuture.failedFuture(e);
            }
            token.thenCompose(accessToken -> {
                step = "Graph user lookup";
                return findUser(accessToken).thenCompose(id -> {
                    if (id == null) {
                        return CompletableFuture.completedFuture(notMatched("not found in Entra ID by "
                                + settings.userLookup().key));
                    }
                    step = "Graph authentication methods";
                    return enrolled(accessToken, id).thenCompose(enrolled -> {
                        if (!enrolled) {
                            return CompletableFuture.completedFuture(notMatched("not enrolled (no "
                                    + settings.method().label + " method registered)"));
                        }
                        step = "MFA endpoint";
                        return push(accessToken, id);
                    });
                });
            }).whenComplete((outcome, failure) -> {
                if (failure != null) {
                    result.complete(MfaOutcome.of(Kind.UNAVAILABLE, describe(failure)));
                } else if (outcome != null) {
                    result.complete(outcome);
                }
            });
        }

        private MfaOutcome notMatched(String why) {
            String user = "user '" + request.user().name() + "' ";
            if (settings.requireUserMatch()) {
                return MfaOutcome.of(Kind.NOT_ENROLLED, user + why);
            }
            LOG.info("Entra connector: {}{}; passed without MFA because requireUserMatch=false", user, why);
            return MfaOutcome.of(Kind.APPROVED, user + why + "; not enrolled, passed without MFA"
                    + " (requireUserMatch=false)");
        }

        /** The user's object id, or null when no user matches. */
        private CompletableFuture<String> findUser(String token) {
            String name = request.user().name();
            if (settings.userLookup() == EntraSettings.UserLookup.UPN) {
                URI uri = URI.create(settings.graphBaseUrl() + "/v1.0/users/" + pathSegment(name)
                        + "?$select=id,userPrincipalName");
                return call("Graph user lookup", get(uri, token).build()).thenApply(response -> {
                    if (response.statusCode() == 404) {
                        return null;
                    }
                    expect(response, "Graph user lookup", 200);
                    Object id = json(response).get("id");
                    if (!(id instanceof String text)) {
                        throw new StepFailure("Graph user lookup: answer without an id");
                    }
                    return text;
                });
            }
            String field = settings.userLookup() == EntraSettings.UserLookup.MAIL ? "mail"
                    : "onPremisesSamAccountName";
            String value = settings.userLookup() == EntraSettings.UserLookup.MAIL ? name : samAccountName(name);
            String filter = field + " eq '" + value.replace("'", "''") + "'";
            URI uri = URI.create(settings.graphBaseUrl() + "/v1.0/users?$filter=" + query(filter)
                    + "&$select=id,userPrincipalName&$count=true");
            // onPremisesSamAccountName is filterable only as an advanced query.
            return call("Graph user lookup", get(uri, token).header("ConsistencyLevel", "eventual").build())
                    .thenApply(response -> {
                        expect(response, "Graph user lookup", 200);
                        List<?> users = list(json(response).get("value"));
                        if (users.isEmpty()) {
                            return null;
                        }
                        if (users.size() > 1) {
                            // Never guess whose phone to ring; never let ambiguity pass as "not found".
                            throw new StepFailure("Graph user lookup: " + users.size() + " users have " + field
                                    + " '" + value + "'");
                        }
                        Object id = users.get(0) instanceof Map<?, ?> user ? user.get("id") : null;
                        if (!(id instanceof String text)) {
                            throw new StepFailure("Graph user lookup: a user without an id");
                        }
                        return text;
                    });
        }

        private CompletableFuture<Boolean> enrolled(String token, String id) {
            URI uri = URI.create(settings.graphBaseUrl() + "/v1.0/users/" + pathSegment(id)
                    + "/authentication/methods");
            return call("Graph authentication methods", get(uri, token).build()).thenApply(response -> {
                expect(response, "Graph authentication methods", 200);
                for (Object method : list(json(response).get("value"))) {
                    if (method instanceof Map<?, ?> map && settings.method().graphType.equals(map.get("@odata.type"))) {
                        return true;
                    }
                }
                return false;
            });
        }

        private CompletableFuture<MfaOutcome> push(String token, String id) {
            String body;
            try {
                StringWriter text = new StringWriter();
                try (JsonWriter writer = JsonProviders.createWriter(text)) {
                    writer.writeStartObject().writeStringField("userId", id)
                            .writeStringField("method", settings.method().key).writeStartObject("context")
                            .writeStringField("client", request.request().client().name());
                    String station = request.request().attribute("Calling-Station-Id").orElse(null);
                    if (station != null) {
                        writer.writeStringField("callingStationId", station);
                    }
                    writer.writeEndObject().writeEndObject().flush();
                }
                body = text.toString();
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
            HttpRequest post = request(URI.create(settings.mfaEndpoint() + "/v1/authentications"), token)
                    .header("Content-Type", "application/json")
                    .POST(BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
            return call("MFA endpoint", post).thenCompose(response -> {
                expect(response, "MFA endpoint", 202, 200, 201);
                Object transactionId = json(response).get("id");
                if (!(transactionId instanceof String text) || text.isBlank()) {
                    throw new StepFailure("MFA endpoint: answer without a transaction id");
                }
                transaction = text;
                CompletableFuture<MfaOutcome> polled = new CompletableFuture<>();
                schedulePoll(token, polled);
                return polled;
            });
        }

        private void schedulePoll(String token, CompletableFuture<MfaOutcome> polled) {
            if (result.isDone()) {
                return;
            }
            try {
                scheduler.schedule(() -> poll(token, polled), settings.pollIntervalMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                polled.complete(MfaOutcome.of(Kind.UNAVAILABLE, "Entra connector stopped"));
            }
        }

        private void poll(String token, CompletableFuture<MfaOutcome> polled) {
            if (result.isDone()) {
                return;
            }
            URI uri = URI.create(settings.mfaEndpoint() + "/v1/authentications/" + pathSegment(transaction));
            call("MFA endpoint", get(uri, token).build()).whenComplete((response, failure) -> {
                if (failure != null) {
                    polled.completeExceptionally(failure);
                    return;
                }
                try {
                    expect(response, "MFA endpoint", 200);
                    Object status = json(response).get("status");
                    String how = settings.method().label;
                    if ("pending".equals(status)) {
                        schedulePoll(token, polled);
                    } else if ("approved".equals(status)) {
                        polled.complete(MfaOutcome.of(Kind.APPROVED, "approved by " + how + where()));
                    } else if ("denied".equals(status)) {
                        polled.complete(MfaOutcome.of(Kind.DENIED, "denied by " + how + where()));
                    } else if ("timeout".equals(status)) {
                        polled.complete(MfaOutcome.of(Kind.TIMED_OUT, "no answer by " + how
                                + " (the MFA service gave up)" + where()));
                    } else {
                        throw new StepFailure("MFA endpoint: unknown status '" + status + "'");
                    }
                } catch (RuntimeException e) {
                    polled.completeExceptionally(e);
                }
            });
        }

        private HttpRequest.Builder get(URI uri, String token) {
            return request(uri, token).GET();
        }

        private HttpRequest.Builder request(URI uri, String token) {
            return HttpRequest.newBuilder(uri).timeout(requestTimeout())
                    .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                    .header("client-request-id", request.request().id());
        }

        /** The per-call timeout: requestTimeoutMillis, but never past the deadline. */
        private Duration requestTimeout() {
            Duration left = Duration.between(clock.instant(), request.deadline());
            Duration configured = Duration.ofMillis(settings.requestTimeoutMillis());
            return left.compareTo(configured) < 0 ? (left.toMillis() < 1 ? Duration.ofMillis(1) : left) : configured;
        }

        /**
         * Sends a request; the answer completes on the HTTP client's own threads (the scheduler), taken from the
         * body subscriber. The future sendAsync returns is completed through the JDK's default async pool, which
         * with a common-pool parallelism below 2 (machines with two cores or fewer) starts a short-lived thread
         * for every response: no work of ours runs there, and the appliance sets
         * {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=2} to avoid those threads altogether.
         */
        private CompletableFuture<Answer> call(String what, HttpRequest httpRequest) {
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
                    http.sendAsync(httpRequest, info -> BodySubscribers.mapping(BodySubscribers.ofString(
                            StandardCharsets.UTF_8), body -> answer.complete(new Answer(info.statusCode(), body,
                                    httpRequest.uri())))).whenComplete((ignored, failure) -> {
                                        limiter.release();
                                        if (failure != null) {
                                            answer.completeExceptionally(failure);
                                        }
                                    });
                } catch (RuntimeException e) {
                    limiter.release();
                    answer.completeExceptionally(new StepFailure(what + ": " + e.getMessage()));
                }
            });
            return answer;
        }
    }

    /** An HTTP answer: status and body. */
    record Answer(int statusCode, String body, URI uri) {
    }

    /** A step's answer that ends the attempt as UNAVAILABLE; the message is the detail. */
    static final class StepFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StepFailure(String message) {
            super(message, null, false, false);
        }
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
        String meaning = response.statusCode() == 401 || response.statusCode() == 403 ? " (token refused: check the"
                + " application's API permissions)" : "";
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

    /** DOMAIN\name or name@domain → name. */
    static String samAccountName(String name) {
        String result = name.substring(name.lastIndexOf('\\') + 1);
        int at = result.indexOf('@');
        return at > 0 ? result.substring(0, at) : result;
    }

    private static String pathSegment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace("%40", "@");
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
            return "Entra refused the token request: " + (code.find() ? code.group() + " " : "") + "("
                    + service.errorCode() + (service.statusCode() == null ? "" : ", HTTP " + service.statusCode())
                    + ")";
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
        if (root instanceof HttpTimeoutException) {
            return prefix + "no answer in time (" + root.getMessage() + ")";
        }
        if (root instanceof SSLException) {
            return prefix + "TLS failure (is the server's CA in the trust store?): " + root.getMessage();
        }
        return prefix + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
