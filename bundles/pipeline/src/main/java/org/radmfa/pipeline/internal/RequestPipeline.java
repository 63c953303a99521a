package org.radmfa.pipeline.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.AccessRequestHandler;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ConnectionDecision;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionListener;
import org.radmfa.api.DecisionLog;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.EapCredentials;
import org.radmfa.api.LoggingHealth;
import org.radmfa.api.MfaActivity;
import org.radmfa.api.SharedChallenges;
import org.radmfa.api.SharedMfaLogins;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.MfaListener;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaRequest;
import org.radmfa.api.MfaStatus;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PolicyEngine;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.RequestForwarder;
import org.radmfa.api.UserDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides an Access-Request: directory (first factor and groups), network policy, then the MFA connector when the
 * policy asks for it. Every step is a stage, so a request waiting for a phone holds no thread. Every dependency is
 * a dynamic reference copied to a local before use: a connector swapped mid-request finishes on the old one, and
 * a missing one is a reject with its reason, never an accept.
 */
@Component(service = {AccessRequestHandler.class, DecisionLog.class, MfaActivity.class},
        configurationPid = RequestPipeline.PID)
@Designate(ocd = RequestPipeline.Config.class)
public final class RequestPipeline implements AccessRequestHandler, DecisionLog, MfaActivity {
    static final String PID = "org.radmfa.pipeline";
    private static final Logger LOG = LoggerFactory.getLogger(RequestPipeline.class);
    /** Prefix of the Class attribute that carries a login's correlation id. */
    static final String CLASS_PREFIX = "radmfa:";

    @ObjectClassDefinition(name = "radmfa request pipeline",
            description = "How an Access-Request is decided: directory, network policy, second factor")
    @interface Config {
        @AttributeDefinition(name = "MFA deadline (seconds)",
                description = "How long a second factor may take; keep it below the gateway's RADIUS timeout"
                        + " (Microsoft advises 60 s on the gateway)")
        int mfaTimeoutSeconds() default 50;

        @AttributeDefinition(name = "Default directory",
                description = "The user directory for requests whose connection request policy names none")
        String defaultDirectory() default "local";

        @AttributeDefinition(name = "Decision log size",
                description = "How many recent decisions (with their traces) are kept for operators")
        int decisionLogSize() default 1000;

        @AttributeDefinition(name = "MFA fail mode",
                description = "When the MFA service is unreachable: reject (default) or accept; every fail-open"
                        + " accept is logged as such")
        String mfaFailMode() default "reject";

        @AttributeDefinition(name = "MFA fail-open groups",
                description = "With fail mode accept: only members of these comma-separated groups (a break-glass"
                        + " group) are let in; empty: everyone")
        String mfaFailOpenGroups() default "";

        @AttributeDefinition(name = "Push-fatigue limit",
                description = "Second-factor prompts allowed per user within the window; 0 is no limit")
        int mfaMaxPushes() default 5;

        @AttributeDefinition(name = "Push-fatigue window (seconds)")
        int mfaPushWindowSeconds() default 600;

        @AttributeDefinition(name = "Reconnect grace (minutes)",
                description = "The same user from the same Calling-Station-Id within this many minutes after an"
                        + " approved second factor is not prompted again; 0 (default) is off")
        int mfaReconnectGraceMinutes() default 0;

        @AttributeDefinition(name = "MFA connector filter",
                description = "LDAP filter selecting the MFA connector service, e.g. (connector=entra)")
        String mfaConnector_target() default "(objectClass=*)";
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<UserDirectory> directories = List.of();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PolicyEngine policyEngine;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<DecisionListener> listeners = List.of();

    /** Told how long each second factor took (metrics). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<MfaListener> mfaListeners = List.of();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MfaConnector mfaConnector;

    /** Logging sinks; one whose policy is discard-requests and that cannot write turns Access-Requests away. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<LoggingHealth> loggingHealth = List.of();

    /** The proxy to remote RADIUS server groups (radmfa-proxy), for connection request policies that forward. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RequestForwarder forwarder;

    /** Pending second factors shared with other appliances (radmfa-cluster); none on a single appliance. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SharedMfaLogins sharedLogins;

    /** Challenges answered on another appliance than the one that made them (radmfa-cluster). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SharedChallenges sharedChallenges;

    private volatile Duration mfaTimeout;
    private volatile String defaultDirectory = "local";
    private final RecentDecisions recent = new RecentDecisions(1000);
    private final PendingChallenges challenges = new PendingChallenges();
    private final MfaGuards guards = new MfaGuards(5, TimeUnit.MINUTES.toNanos(10), 0);
    private volatile FailOpen failOpen = new FailOpen(false, Set.of());
    /** How second-factor attempts ended, for radmfa:mfa and the web console. */
    private final Map<MfaOutcome.Kind, LongAdder> mfaOutcomes = new EnumMap<>(MfaOutcome.Kind.class);
    private volatile Instant lastMfaApproved;
    private volatile Instant lastMfaUnavailable;
    private volatile String lastMfaUnavailableDetail;

    {
        for (MfaOutcome.Kind kind : MfaOutcome.Kind.values()) {
            mfaOutcomes.put(kind, new LongAdder());
        }
    }

    /** Whether an unreachable MFA service lets users in, and which. */
    private record FailOpen(boolean enabled, Set<String> groups) {
    }
    /** A user gets a few tries at a code before the login starts over. */
    private static final int MAX_CHALLENGE_ROUNDS = 3;

    /** For tests and for DS: references are set by field injection. */
    public RequestPipeline() {
    }

    /** A challenge another appliance published, or null when it does not decode or has expired. */
    private static PendingChallenges.Pending fromAnotherAppliance(String published, List<String> trace) {
        try {
            ChallengeCodec.Shared shared = ChallengeCodec.decode(published, System.currentTimeMillis(),
                    System.nanoTime());
            if (shared.expiresAtMillis() < System.currentTimeMillis()) {
                return null;
            }
            trace.add("the challenge was made by another appliance of the cluster");
            return shared.pending();
        } catch (IllegalArgumentException e) {
            LOG.warn("A challenge published by another appliance does not decode ({}); its State is unknown here",
                    e.getMessage());
            return null;
        }
    }

    /** For tests: as DS sets the optional reference when radmfa-cluster runs. */
    void sharedChallenges(SharedChallenges shared) {
        this.sharedChallenges = shared;
    }

    /** For tests: as DS sets the optional reference when radmfa-cluster runs. */
    void sharedLogins(SharedMfaLogins shared) {
        this.sharedLogins = shared;
    }

    RequestPipeline(UserDirectory directory, PolicyEngine policyEngine, MfaConnector mfaConnector,
            Duration mfaTimeout) {
        this.directories = directory == null ? List.of() : List.of(directory);
        this.policyEngine = policyEngine;
        this.mfaConnector = mfaConnector;
        this.mfaTimeout = mfaTimeout;
    }

    /** For tests: as DS sets the optional reference when radmfa-proxy runs. */
    void forwarder(RequestForwarder bound) {
        this.forwarder = bound;
    }

    /** For tests: the decision listeners DS would bind. */
    void bindListeners(List<DecisionListener> bound) {
        this.listeners = List.copyOf(bound);
    }

    /** For tests: the MFA listeners DS would bind. */
    void bindMfaListeners(List<MfaListener> bound) {
        this.mfaListeners = List.copyOf(bound);
    }

    /** For tests: the logging sinks DS would bind. */
    void bindLoggingHealth(List<LoggingHealth> bound) {
        this.loggingHealth = List.copyOf(bound);
    }

    /** For tests: the directories DS would bind. */
    void bindDirectories(List<UserDirectory> bound) {
        this.directories = List.copyOf(bound);
    }

    @Activate
    @Modified
    void configure(Config config) {
        this.mfaTimeout = Duration.ofSeconds(Math.max(1, config.mfaTimeoutSeconds()));
        this.defaultDirectory = config.defaultDirectory();
        recent.capacity(Math.max(0, config.decisionLogSize()));
        guards.configure(config.mfaMaxPushes(), TimeUnit.SECONDS.toNanos(Math.max(1, config.mfaPushWindowSeconds())),
                TimeUnit.MINUTES.toNanos(Math.max(0, config.mfaReconnectGraceMinutes())));
        boolean accept = "accept".equalsIgnoreCase(config.mfaFailMode().trim());
        if (!accept && !"reject".equalsIgnoreCase(config.mfaFailMode().trim())) {
            LOG.error("etc/org.radmfa.pipeline.cfg: key 'mfaFailMode': '{}' is neither reject nor accept; rejecting",
                    config.mfaFailMode());
        }
        Set<String> groups = new HashSet<>();
        for (String group : config.mfaFailOpenGroups().split(",")) {
            if (!group.isBlank()) {
                groups.add(group.trim().toLowerCase(Locale.ROOT));
            }
        }
        this.failOpen = new FailOpen(accept, Set.copyOf(groups));
    }

    @Override
    public List<DecisionRecord> recent(int max) {
        return recent.newest(max);
    }

    @Override
    public CompletionStage<Decision> handle(AuthenticationRequest request) {
        long started = System.nanoTime();
        List<String> trace = new ArrayList<>();
        Decision loggingFailed = loggingFailure(trace);
        if (loggingFailed != null) {
            return done(request, started, loggingFailed);
        }
        PolicyEngine engine = policyEngine;
        if (engine == null) {
            return done(request, started, Decision.reject(ReasonCode.SERVICE_UNAVAILABLE,
                    "no policy engine is installed", List.of("no policy engine service")));
        }
        String state = request.credentials() instanceof PapCredentials ? request.attribute("State").orElse(null)
                : null;
        CompletionStage<Decision> decision;
        try {
            ConnectionDecision route = engine.route(request);
            if (state != null && route.action() != ConnectionDecision.Action.FORWARD) {
                // The answer to one of our challenges; a forwarded one goes back to the remote server that made it.
                return resume(request, state, started, trace);
            }
            trace.addAll(route.trace());
            if (route.action() == ConnectionDecision.Action.REJECT) {
                return done(request, started, new Decision(Decision.Outcome.REJECT, route.reason(),
                        "no connection request policy matched", null, List.of(), trace));
            }
            AuthenticationRequest routed = route.rewrite(request);
            if (route.action() == ConnectionDecision.Action.FORWARD) {
                return forward(request, routed, route, started, trace);
            }
            UserDirectory userDirectory = pick(route.directory());
            if (userDirectory == null) {
                String wanted = route.directory() != null ? route.directory() : defaultDirectory;
                trace.add("no user directory named '" + wanted + "'");
                return done(request, started, Decision.reject(ReasonCode.DIRECTORY_UNAVAILABLE,
                        "no user directory named '" + wanted + "' is installed", trace));
            }
            decision = userDirectory.authenticate(routed)
                    .thenCompose(primary -> afterPrimary(routed, primary, userDirectory.name(), engine, trace));
        } catch (RuntimeException e) {
            decision = CompletableFuture.failedFuture(e);
        }
        return decision.exceptionally(failure -> {
            LOG.error("Request {} failed inside the pipeline", request.id(), failure);
            trace.add("internal error: " + failure);
            return Decision.reject(ReasonCode.INTERNAL_ERROR, "internal error: " + failure.getClass().getSimpleName(),
                    trace);
        }).thenApply(result -> log(request, started, result));
    }

    /**
     * EAP goes to a remote server group untouched when a connection request policy forwards it (every step of the
     * conversation is routed alike, and the proxy sends the answers to a challenge back to the server that made it);
     * otherwise the transport's EAP engine runs it here.
     */
    @Override
    public Optional<CompletionStage<Decision>> forwardEap(AuthenticationRequest request) {
        PolicyEngine engine = policyEngine;
        if (engine == null) {
            return Optional.empty();
        }
        long started = System.nanoTime();
        List<String> trace = new ArrayList<>();
        ConnectionDecision route;
        try {
            route = engine.route(request);
        } catch (RuntimeException e) {
            LOG.error("Request {}: routing an EAP request failed; it is decided here", request.id(), e);
            return Optional.empty();
        }
        if (route.action() != ConnectionDecision.Action.FORWARD) {
            return Optional.empty();
        }
        Decision loggingFailed = loggingFailure(trace);
        if (loggingFailed != null) {
            return Optional.of(done(request, started, loggingFailed));
        }
        trace.addAll(route.trace());
        AuthenticationRequest routed = route.rewrite(request);
        byte[] eap = ((EapCredentials) request.credentials()).eapMessage();
        return Optional.of(forward(request, routed, route, started, trace)
                .thenApply(decision -> withEapFailure(decision, eap.length > 1 ? eap[1] & 0xFF : 0)));
    }

    /**
     * The EAP methods to offer on an EAP identity: the network policies' (NPS's EAP types per policy), evaluated with
     * the User-Name as the connection request policy rewrites it. Without a policy engine, or when no connection
     * request policy takes the request, the default order: the decision then rejects it with its own reason.
     */
    @Override
    public List<AuthMethod> eapMethods(AuthenticationRequest request) {
        PolicyEngine engine = policyEngine;
        if (engine == null) {
            return PolicyEngine.DEFAULT_EAP_METHODS;
        }
        try {
            ConnectionDecision route = engine.route(request);
            if (route.action() != ConnectionDecision.Action.AUTHENTICATE) {
                return PolicyEngine.DEFAULT_EAP_METHODS;
            }
            return engine.eapMethods(route.userName().equals(request.userName()) ? request
                    : request.withUserName(route.userName()));
        } catch (RuntimeException e) {
            LOG.error("Request {}: choosing the EAP methods failed; offering the default ones", request.id(), e);
            return PolicyEngine.DEFAULT_EAP_METHODS;
        }
    }

    /**
     * RFC 3579 section 2.6.3: an Access-Reject to EAP carries an EAP-Failure. A remote server puts its own; a reject
     * made here (no server answered) gets one, so that the peer learns it at once instead of timing out.
     */
    static Decision withEapFailure(Decision decision, int eapId) {
        if (decision.outcome() != Decision.Outcome.REJECT || decision.replyAttributes().stream()
                .anyMatch(attribute -> attribute.name().equals("EAP-Message"))) {
            return decision;
        }
        List<ReplyAttribute> attributes = new ArrayList<>(decision.replyAttributes());
        attributes.add(new ReplyAttribute("EAP-Message", String.format("0x04%02x0004", eapId)));
        return new Decision(decision.outcome(), decision.reason(), decision.detail(), decision.policyName(),
                attributes, decision.trace());
    }

    /** NPS: "if logging fails, discard connection requests"; nobody gets in unlogged. Null when logging works. */
    private Decision loggingFailure(List<String> trace) {
        for (LoggingHealth health : loggingHealth) {
            if (health.discardsRequests()) {
                String why = "'" + health.name() + "' cannot write (" + health.failure().orElse("failing")
                        + ") and its onFailure is discard-requests";
                trace.add("logging failed: " + why);
                return Decision.reject(ReasonCode.LOGGING_FAILED, why, trace);
            }
        }
        return null;
    }

    /**
     * Hands the request to the remote RADIUS server group the connection request policy names; the remote answer,
     * with what the proxy tried, becomes the decision.
     */
    private CompletionStage<Decision> forward(AuthenticationRequest request, AuthenticationRequest routed,
            ConnectionDecision route, long started, List<String> trace) {
        RequestForwarder proxy = forwarder;
        if (proxy == null) {
            trace.add("no proxy (radmfa-proxy) is installed");
            return done(request, started, Decision.reject(ReasonCode.FORWARDING_UNAVAILABLE,
                    "connection request policy '" + route.policyName() + "' forwards to server group '"
                            + route.serverGroup() + "', and no proxy (radmfa-proxy) is installed", trace));
        }
        trace.add("forwarded to remote RADIUS server group '" + route.serverGroup() + "'");
        CompletionStage<Decision> remote;
        try {
            remote = proxy.forward(route.serverGroup(), routed);
        } catch (RuntimeException e) {
            remote = CompletableFuture.failedFuture(e);
        }
        return remote.thenApply(answer -> {
            List<String> merged = new ArrayList<>(trace);
            merged.addAll(answer.trace());
            return new Decision(answer.outcome(), answer.reason(), answer.detail(), route.policyName(),
                    answer.replyAttributes(), merged);
        }).exceptionally(failure -> {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            LOG.error("Request {} failed in the proxy", routed.id(), cause);
            trace.add("internal error in the proxy: " + cause);
            return Decision.reject(ReasonCode.INTERNAL_ERROR, "internal error in the proxy: "
                    + cause.getClass().getSimpleName(), trace);
        }).thenApply(result -> log(request, started, result));
    }

    /** The named directory; without a name the default one, or the only one there is. */
    private UserDirectory pick(String name) {
        List<UserDirectory> available = directories;
        String wanted = name != null ? name : defaultDirectory;
        for (UserDirectory candidate : available) {
            if (candidate.name().equals(wanted)) {
                return candidate;
            }
        }
        return name == null && available.size() == 1 ? available.get(0) : null;
    }

    private CompletionStage<Decision> afterPrimary(AuthenticationRequest request, PrimaryAuthResult primary,
            String directoryName, PolicyEngine engine, List<String> trace) {
        trace.add("directory '" + directoryName + "': " + primary.reason() + " (" + primary.detail() + ")");
        if (!primary.accepted()) {
            // The method's own error attributes (MS-CHAP-Error) go with the reject.
            return CompletableFuture.completedFuture(new Decision(Decision.Outcome.REJECT, primary.reason(),
                    primary.detail(), null, primary.replyAttributes(), trace));
        }
        PolicyDecision policy = engine.evaluate(request, primary.user());
        trace.addAll(policy.trace());
        if (!policy.granted()) {
            String detail = policy.policyName() == null ? "no network policy matched"
                    : "network policy '" + policy.policyName() + "' denies access";
            return CompletableFuture.completedFuture(new Decision(Decision.Outcome.REJECT, policy.reason(), detail,
                    policy.policyName(), List.of(), trace));
        }
        if (!policy.mfaRequired()) {
            return CompletableFuture.completedFuture(accept(policy, primary, "granted by network policy '"
                    + policy.policyName() + "'", trace));
        }
        MfaConnector connector = mfaConnector;
        if (connector == null) {
            trace.add("MFA required, no MFA connector is installed");
            return CompletableFuture.completedFuture(new Decision(Decision.Outcome.REJECT, ReasonCode.MFA_UNAVAILABLE,
                    "network policy '" + policy.policyName() + "' requires MFA and no MFA connector is installed",
                    policy.policyName(), List.of(), trace));
        }
        return askConnector(request, primary, policy, connector, null, null, 1, trace);
    }

    /**
     * The user's answer to a challenge (an OTP in User-Password, the State echoed): the first round's verdicts are
     * kept, only the connector is asked again, and only the connector that challenged.
     */
    private CompletionStage<Decision> resume(AuthenticationRequest request, String state, long started,
            List<String> trace) {
        byte[] stateBytes;
        try {
            stateBytes = HexFormat.of().parseHex(state.toLowerCase().startsWith("0x") ? state.substring(2) : state);
        } catch (IllegalArgumentException e) {
            stateBytes = new byte[0];
        }
        PendingChallenges.Pending pending = challenges.take(state);
        SharedChallenges shared = sharedChallenges;
        if (shared != null && stateBytes.length > 0) {
            if (pending != null) {
                // Withdrawn from the other appliances too, so that the State answers once; no need to wait for it.
                shared.discard(stateBytes);
            } else {
                Optional<String> published = shared.take(stateBytes);
                if (published.isPresent()) {
                    pending = fromAnotherAppliance(published.get(), trace);
                }
            }
        }
        if (pending == null || !pending.client().equals(request.client().name())
                || !pending.userName().equalsIgnoreCase(request.userName())) {
            trace.add("State does not belong to a pending challenge of this user and client");
            return done(request, started, Decision.reject(ReasonCode.MFA_DENIED,
                    "unknown, expired or foreign challenge State", trace));
        }
        trace.add("answer to MFA challenge round " + pending.round() + " of network policy '"
                + pending.policy().policyName() + "'");
        MfaConnector connector = mfaConnector;
        if (connector == null || !connector.name().equals(pending.connector())) {
            trace.add("MFA connector '" + pending.connector() + "' that challenged is gone");
            return done(request, started, new Decision(Decision.Outcome.REJECT, ReasonCode.MFA_UNAVAILABLE,
                    "the MFA connector that sent the challenge is no longer installed", pending.policy().policyName(),
                    List.of(), trace));
        }
        String answer = ((PapCredentials) request.credentials()).password();
        return askConnector(request, pending.primary(), pending.policy(), connector, answer, stateBytes,
                pending.round() + 1, trace).thenApply(result -> log(request, started, result));
    }

    private CompletionStage<Decision> askConnector(AuthenticationRequest request, PrimaryAuthResult primary,
            PolicyDecision policy, MfaConnector connector, String answer, byte[] state, int round,
            List<String> trace) {
        Duration timeout = mfaTimeout;
        MfaRequest mfaRequest = new MfaRequest(request, primary.user(), policy.policyName(),
                Instant.now().plus(timeout), answer, state);
        Supplier<CompletableFuture<MfaOutcome>> start = () -> {
            CompletableFuture<MfaOutcome> started;
            try {
                started = connector.verify(mfaRequest).toCompletableFuture();
            } catch (RuntimeException e) {
                started = CompletableFuture.failedFuture(e);
            }
            return started.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        };
        String login = MfaGuards.login(request, primary.user().name());
        SharedMfaLogins cluster = sharedLogins;
        if (cluster != null && answer == null) {
            start = sharedAcrossAppliances(cluster, login, timeout, start, trace);
        }
        long now = System.nanoTime();
        CompletableFuture<MfaOutcome> outcome;
        if (answer != null) {
            outcome = start.get();
        } else if (guards.inGrace(login, now)) {
            trace.add("MFA skipped: the same login was approved within the reconnect grace");
            return CompletableFuture.completedFuture(accept(policy, primary, "granted by network policy '"
                    + policy.policyName() + "' within the MFA reconnect grace", trace));
        } else {
            MfaGuards.Push push = guards.push(login, primary.user().name(), now, start);
            if (push.limited()) {
                trace.add("MFA refused: too many prompts for this user (push-fatigue guard)");
                return CompletableFuture.completedFuture(new Decision(Decision.Outcome.REJECT,
                        ReasonCode.MFA_RATE_LIMITED, "too many second-factor prompts for user '"
                                + primary.user().name() + "' in a short time", policy.policyName(), List.of(), trace));
            }
            if (push.joined()) {
                trace.add("joined the pending second factor of the same login (user and Calling-Station-Id)");
            }
            outcome = push.outcome();
        }
        return outcome.handle((result, failure) -> {
            countMfaOutcome(result, failure, now);
            Decision decision = afterMfa(policy, primary, connector.name(), result, failure, trace);
            if (decision.outcome() == Decision.Outcome.CHALLENGE) {
                return challenge(request, primary, policy, connector.name(), result, round, trace);
            }
            if (decision.outcome() == Decision.Outcome.ACCEPT) {
                guards.approved(login, System.nanoTime());
            }
            return decision.reason() == ReasonCode.MFA_UNAVAILABLE ? failMode(request, primary, policy, decision, trace)
                    : decision;
        });
    }

    /**
     * The second factor of a login, once across appliances: joined when another appliance holds the login's claim,
     * asked here otherwise and its outcome published for the others. Either way bounded by the MFA deadline.
     */
    static Supplier<CompletableFuture<MfaOutcome>> sharedAcrossAppliances(SharedMfaLogins cluster, String login,
            Duration timeout, Supplier<CompletableFuture<MfaOutcome>> start, List<String> trace) {
        return () -> {
            Optional<CompletionStage<MfaOutcome>> elsewhere = cluster.claim(login, timeout);
            if (elsewhere.isPresent()) {
                trace.add("joined the second factor of the same login pending on another appliance");
                return elsewhere.get().toCompletableFuture().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            CompletableFuture<MfaOutcome> mine = start.get();
            mine.whenComplete((outcome, failure) -> cluster.completed(login, outcome != null ? outcome
                    : MfaOutcome.of(failure instanceof TimeoutException ? MfaOutcome.Kind.TIMED_OUT
                            : MfaOutcome.Kind.UNAVAILABLE, "on another appliance: " + failure)));
            return mine;
        };
    }

    private void countMfaOutcome(MfaOutcome result, Throwable failure, long startedNanos) {
        MfaOutcome.Kind kind;
        if (failure != null) {
            boolean timedOut = failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException;
            kind = timedOut ? MfaOutcome.Kind.TIMED_OUT : MfaOutcome.Kind.UNAVAILABLE;
        } else {
            kind = result.kind();
        }
        mfaOutcomes.get(kind).increment();
        Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
        for (MfaListener listener : mfaListeners) {
            try {
                listener.completed(kind, took);
            } catch (RuntimeException e) {
                LOG.warn("MFA listener {} failed: {}", listener, e.toString());
            }
        }
        if (kind == MfaOutcome.Kind.APPROVED) {
            lastMfaApproved = Instant.now();
        } else if (kind == MfaOutcome.Kind.UNAVAILABLE) {
            lastMfaUnavailableDetail = failure != null ? failure.toString() : result.detail();
            lastMfaUnavailable = Instant.now();
        }
    }

    @Override
    public MfaStatus status() {
        MfaConnector connector = mfaConnector;
        Map<MfaOutcome.Kind, Long> outcomes = new EnumMap<>(MfaOutcome.Kind.class);
        mfaOutcomes.forEach((kind, count) -> outcomes.put(kind, count.sum()));
        return new MfaStatus(connector == null ? null : connector.name(), guards.pending() + challenges.size(),
                outcomes, lastMfaApproved, lastMfaUnavailable, lastMfaUnavailableDetail);
    }

    /**
     * The MFA service is unreachable: reject (the default) or, where configured, accept, optionally only for a
     * break-glass group. Every such accept is logged as such.
     */
    private Decision failMode(AuthenticationRequest request, PrimaryAuthResult primary, PolicyDecision policy,
            Decision unavailable, List<String> trace) {
        FailOpen open = failOpen;
        if (!open.enabled()) {
            return unavailable;
        }
        if (!open.groups().isEmpty() && primary.user().groups().stream()
                .noneMatch(group -> open.groups().contains(group.toLowerCase(Locale.ROOT)))) {
            trace.add("MFA fail-open applies only to groups " + open.groups() + ": rejected");
            return unavailable;
        }
        trace.add("MFA unavailable; ACCEPTED BY FAIL-OPEN (mfaFailMode = accept)");
        LOG.warn("{} FAIL-OPEN ACCEPT for user '{}' from client '{}': the MFA service is unavailable ({})",
                request.id(), request.userName(), request.client().name(), unavailable.detail());
        return accept(policy, primary, "accepted without a second factor: MFA unavailable, fail-open", trace);
    }

    /** A connector's challenge becomes an Access-Challenge, if the method allows a typed answer and it is in time. */
    private Decision challenge(AuthenticationRequest request, PrimaryAuthResult primary, PolicyDecision policy,
            String connector, MfaOutcome outcome, int round, List<String> trace) {
        String refusal = null;
        if (!(request.credentials() instanceof PapCredentials)) {
            refusal = request.credentials().method() + " cannot carry a typed answer; only PAP can";
        } else if (outcome.state() == null || outcome.state().length == 0) {
            refusal = "the connector's challenge has no State";
        } else if (round > MAX_CHALLENGE_ROUNDS) {
            refusal = "more than " + MAX_CHALLENGE_ROUNDS + " challenge rounds";
        } else {
            PendingChallenges.Pending pending = new PendingChallenges.Pending(request.client().name(),
                    request.userName(), primary, policy, connector, round, System.nanoTime() + mfaTimeout.toNanos());
            if (!challenges.put(outcome.state(), pending)) {
                refusal = "too many challenges pending";
            } else {
                SharedChallenges shared = sharedChallenges;
                if (shared != null) {
                    shared.offer(outcome.state(), ChallengeCodec.encode(pending,
                            System.currentTimeMillis() + mfaTimeout.toMillis()), mfaTimeout);
                }
            }
        }
        if (refusal != null) {
            trace.add("MFA challenge refused: " + refusal);
            return new Decision(Decision.Outcome.REJECT, ReasonCode.MFA_UNAVAILABLE, refusal, policy.policyName(),
                    List.of(), trace);
        }
        return new Decision(Decision.Outcome.CHALLENGE, ReasonCode.MFA_CHALLENGE, outcome.detail(),
                policy.policyName(), challengeAttributes(outcome), trace);
    }

    private static Decision afterMfa(PolicyDecision policy, PrimaryAuthResult primary, String connector,
            MfaOutcome outcome, Throwable failure, List<String> trace) {
        if (failure != null) {
            boolean timedOut = failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException;
            ReasonCode reason = timedOut ? ReasonCode.MFA_TIMED_OUT : ReasonCode.MFA_UNAVAILABLE;
            trace.add("MFA connector '" + connector + "': " + (timedOut ? "no answer before the deadline" : failure));
            return new Decision(Decision.Outcome.REJECT, reason, "MFA connector '" + connector + "' "
                    + (timedOut ? "did not answer before the deadline" : "failed"), policy.policyName(), List.of(),
                    trace);
        }
        trace.add("MFA connector '" + connector + "': " + outcome.kind() + " (" + outcome.detail() + ")");
        return switch (outcome.kind()) {
            case APPROVED -> accept(policy, primary, "granted by network policy '" + policy.policyName() + "' after MFA by '"
                    + connector + "'", trace);
            case CHALLENGE -> new Decision(Decision.Outcome.CHALLENGE, ReasonCode.MFA_CHALLENGE, outcome.detail(),
                    policy.policyName(), challengeAttributes(outcome), trace);
            case DENIED -> mfaReject(ReasonCode.MFA_DENIED, policy, outcome, trace);
            case TIMED_OUT -> mfaReject(ReasonCode.MFA_TIMED_OUT, policy, outcome, trace);
            case NOT_ENROLLED -> mfaReject(ReasonCode.MFA_NOT_ENROLLED, policy, outcome, trace);
            case UNAVAILABLE -> mfaReject(ReasonCode.MFA_UNAVAILABLE, policy, outcome, trace);
        };
    }

    private static List<ReplyAttribute> challengeAttributes(MfaOutcome outcome) {
        List<ReplyAttribute> attributes = new ArrayList<>();
        if (outcome.prompt() != null) {
            attributes.add(new ReplyAttribute("Reply-Message", outcome.prompt()));
        }
        if (outcome.state() != null) {
            attributes.add(new ReplyAttribute("State", "0x" + HexFormat.of().formatHex(outcome.state())));
        }
        return attributes;
    }

    /** An accept carries the policy's settings and what the authentication method returns (MPPE keys, ...). */
    private static Decision accept(PolicyDecision policy, PrimaryAuthResult primary, String detail,
            List<String> trace) {
        List<ReplyAttribute> attributes = new ArrayList<>(policy.replyAttributes());
        attributes.addAll(primary.replyAttributes());
        return new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, detail, policy.policyName(), attributes,
                trace);
    }

    private static Decision mfaReject(ReasonCode reason, PolicyDecision policy, MfaOutcome outcome,
            List<String> trace) {
        return new Decision(Decision.Outcome.REJECT, reason, outcome.detail(), policy.policyName(), List.of(), trace);
    }

    /**
     * The standard attributes that say where a request came from (NAS-IP-Address 4, NAS-Port 5, Service-Type 6,
     * Framed-IP-Address 8, Called-Station-Id 30, Calling-Station-Id 31, NAS-Identifier 32, NAS-Port-Type 61,
     * Tunnel-Type 64, Tunnel-Client-Endpoint 66, NAS-IPv6-Address 95): what NPS logs with each answer, for the audit.
     */
    private static final Set<Integer> ORIGIN = Set.of(4, 5, 6, 8, 30, 31, 32, 61, 64, 66, 95);

    private static List<RequestAttribute> origin(AuthenticationRequest request) {
        List<RequestAttribute> origin = new ArrayList<>(8);
        for (RequestAttribute attribute : request.attributes()) {
            if (attribute.vendorId() == 0 && ORIGIN.contains(attribute.type())) {
                origin.add(attribute);
            }
        }
        return origin;
    }

    /**
     * A random (version 4) UUID. It links a login to its accounting records and must be unique, not secret:
     * UUID.randomUUID draws from one shared SecureRandom, which the threads deciding requests queued for.
     */
    static UUID correlationId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong() & ~0xF000L | 0x4000L,
                random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L);
    }

    private CompletionStage<Decision> done(AuthenticationRequest request, long started, Decision decision) {
        return CompletableFuture.completedFuture(log(request, started, decision));
    }

    private Decision log(AuthenticationRequest request, long started, Decision decision) {
        long millis = (System.nanoTime() - started) / 1_000_000;
        String correlationId = correlationId().toString();
        if (decision.outcome() == Decision.Outcome.ACCEPT) {
            // The NAS echoes Class in its Accounting-Requests: the login and its session stay linked.
            List<ReplyAttribute> attributes = new ArrayList<>(decision.replyAttributes());
            attributes.add(new ReplyAttribute("Class", CLASS_PREFIX + correlationId));
            decision = new Decision(decision.outcome(), decision.reason(), decision.detail(), decision.policyName(),
                    attributes, decision.trace());
        }
        // Rejects and challenges go to the log; accepts, the bulk, only at debug: every decision is in the audit
        // file and radmfa:decisions anyway, and a log line per accept cost half the throughput (bench/run.sh).
        if (decision.outcome() != Decision.Outcome.ACCEPT || LOG.isDebugEnabled()) {
            String line = "{} {} for user '{}' from client '{}': {} ({})";
            Object[] values = {request.id(), decision.outcome(), request.userName(), request.client().name(),
                decision.reason(), decision.detail()};
            if (decision.outcome() == Decision.Outcome.ACCEPT) {
                LOG.debug(line, values);
            } else {
                LOG.info(line, values);
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} trace: {}", request.id(), String.join(" | ", decision.trace()));
        }
        DecisionRecord record = new DecisionRecord(request.id(), Instant.now(), request.client().name(),
                request.userName(), decision, millis, correlationId, origin(request), request.credentials().method());
        recent.add(record);
        for (DecisionListener listener : listeners) {
            try {
                listener.decided(record);
            } catch (RuntimeException e) {
                LOG.warn("Decision listener {} failed on {}: {}", listener, request.id(), e.toString());
            }
        }
        return decision;
    }
}
