package org.radmfa.pipeline.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

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
import org.radmfa.api.HeldDecision;
import org.radmfa.api.LoggingHealth;
import org.radmfa.api.MfaActivity;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.MfaListener;
import org.radmfa.api.MfaStatus;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PolicyEngine;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.RequestForwarder;
import org.radmfa.api.SharedChallenges;
import org.radmfa.api.SharedMfaLogins;
import org.radmfa.api.UserDirectory;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides an Access-Request: connection request policy, directory (first factor and groups), network policy, then
 * the MFA connector when the policy asks for it. This class is the path a request takes, read top to bottom in
 * {@code decide}; each step is a stage of its own ({@link DirectoryStage}, {@link NetworkPolicyStage},
 * {@link MfaStage}, {@link ForwardingStage}, {@link DecisionRecorder}). It holds the services: every one is a dynamic
 * reference copied to a local before use and handed to the stage, so that a connector swapped mid-request finishes
 * on the old one, and a missing one is a reject with its reason, never an accept.
 */
@Component(service = {AccessRequestHandler.class, DecisionLog.class, MfaActivity.class},
        configurationPid = RequestPipeline.PID)
@Designate(ocd = RequestPipeline.Config.class)
public final class RequestPipeline implements AccessRequestHandler, DecisionLog, MfaActivity {
    static final String PID = "org.radmfa.pipeline";
    private static final Logger LOG = LoggerFactory.getLogger(RequestPipeline.class);

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

    private final DirectoryStage directory = new DirectoryStage();
    private final MfaGuards guards = new MfaGuards(5, TimeUnit.MINUTES.toNanos(10), 0);
    private final Challenges challenges;
    private final FailMode failMode = new FailMode();
    private final MfaCounters mfaCounters;
    private final MfaStage mfa;
    private final DecisionRecorder recorder;
    private final LongSupplier nanos;

    /** For DS: references are set by field injection, the configuration by {@link #configure}. */
    public RequestPipeline() {
        this(Clock.systemUTC(), System::nanoTime, MfaDeadline.TIMER);
    }

    /** With the clocks and the MFA deadline a test controls. */
    RequestPipeline(Clock clock, LongSupplier nanos, MfaDeadline deadline) {
        this.nanos = nanos;
        // The stages read the cluster's services and the MFA listeners when they need them: dynamic references.
        this.challenges = new Challenges(() -> sharedChallenges, clock, nanos);
        this.mfaCounters = new MfaCounters(() -> mfaListeners, clock, nanos);
        this.mfa = new MfaStage(guards, challenges, failMode, mfaCounters, () -> sharedLogins, () -> mfaConnector,
                deadline, clock, nanos);
        this.recorder = new DecisionRecorder(1000, clock, nanos);
        apply(PipelineSettings.defaults());
    }

    RequestPipeline(UserDirectory directory, PolicyEngine policyEngine, MfaConnector mfaConnector,
            Duration mfaTimeout) {
        this();
        this.directories = directory == null ? List.of() : List.of(directory);
        this.policyEngine = policyEngine;
        this.mfaConnector = mfaConnector;
        mfaTimeout(mfaTimeout);
    }

    /**
     * DS's entry. The type's parameter is unused: with it, bnd declares the type's defaults as component properties
     * (and so as service properties), as the pipeline always had; the values are read strictly from the map.
     */
    @Activate
    @Modified
    void activate(Config type, Map<String, Object> properties) {
        configure(properties);
    }

    /** Reads and applies the configuration; a refused one leaves the last good one (at first, the type's defaults). */
    void configure(Map<String, Object> properties) {
        ConfigReader config = PipelineSettings.TYPE.read(properties);
        try {
            apply(PipelineSettings.read(config));
        } catch (InvalidConfigurationException e) {
            LOG.error("Refused request pipeline configuration {}; the pipeline keeps its last good one (at start:"
                    + " the defaults)", e.getMessage());
            return;
        }
        config.unknownKeys().forEach(unknown -> LOG.warn("{}: key '{}' is not a request pipeline setting and is"
                + " ignored", config.source(), unknown));
    }

    private void apply(PipelineSettings settings) {
        mfaTimeout(settings.mfaTimeout());
        directory.defaultDirectory(settings.defaultDirectory());
        recorder.capacity(settings.decisionLogSize());
        guards.configure(settings.mfaMaxPushes(), settings.mfaPushWindow().toNanos(),
                settings.mfaReconnectGrace().toNanos());
        failMode.configure(settings.failOpen());
    }

    private void mfaTimeout(Duration timeout) {
        mfa.timeout(timeout);
        challenges.timeout(timeout);
    }

    @Override
    public CompletionStage<Decision> handle(AuthenticationRequest request) {
        long started = nanos.getAsLong();
        return decide(request).thenApply(decision -> log(request, started, decision));
    }

    /** As {@link #handle}, the decision recorded when the EAP method says how its conversation ended (PEAP). */
    @Override
    public CompletionStage<HeldDecision> hold(AuthenticationRequest request) {
        long started = nanos.getAsLong();
        return decide(request).thenApply(decision -> recorder.hold(request, started, decision, () -> listeners));
    }

    /** The path a request takes; the decision is not recorded yet. Never completes exceptionally. */
    private CompletionStage<Decision> decide(AuthenticationRequest request) {
        List<String> trace = new ArrayList<>();
        Decision loggingFailed = LoggingGate.refusal(loggingHealth, trace);
        if (loggingFailed != null) {
            return CompletableFuture.completedFuture(loggingFailed);
        }
        PolicyEngine engine = policyEngine;
        if (engine == null) {
            return CompletableFuture.completedFuture(Decision.reject(ReasonCode.SERVICE_UNAVAILABLE,
                    "no policy engine is installed", List.of("no policy engine service")));
        }
        String state = request.credentials() instanceof PapCredentials ? request.attribute("State").orElse(null)
                : null;
        CompletionStage<Decision> decision;
        try {
            ConnectionDecision route = engine.route(request);
            if (state != null && route.action() != ConnectionDecision.Action.FORWARD) {
                // The answer to one of our challenges; a forwarded one goes back to the remote server that made it.
                // Rewritten as the first round was: its challenge is kept under the rewritten User-Name.
                return failSafe(request, trace, mfa.resume(route.rewrite(request), state, mfaConnector, trace));
            }
            trace.addAll(route.trace());
            if (route.action() == ConnectionDecision.Action.REJECT) {
                return CompletableFuture.completedFuture(new Decision(Decision.Outcome.REJECT, route.reason(),
                        "no connection request policy matched", null, List.of(), trace));
            }
            AuthenticationRequest routed = route.rewrite(request);
            if (route.action() == ConnectionDecision.Action.FORWARD) {
                return ForwardingStage.forward(forwarder, route, routed, trace);
            }
            UserDirectory userDirectory = directory.pick(directories, route.directory());
            if (userDirectory == null) {
                return CompletableFuture.completedFuture(directory.missing(route.directory(), trace));
            }
            decision = userDirectory.authenticate(routed)
                    .thenCompose(primary -> afterPrimary(routed, primary, userDirectory.name(), engine, trace));
        } catch (RuntimeException e) {
            decision = CompletableFuture.failedFuture(e);
        }
        return failSafe(request, trace, decision);
    }

    /** A failure on the way is an internal-error reject like any other. */
    private static CompletionStage<Decision> failSafe(AuthenticationRequest request, List<String> trace,
            CompletionStage<Decision> decision) {
        return decision.exceptionally(failure -> {
            LOG.error("Request {} failed inside the pipeline", request.id(), failure);
            trace.add("internal error: " + failure);
            return Decision.reject(ReasonCode.INTERNAL_ERROR, "internal error: " + failure.getClass().getSimpleName(),
                    trace);
        });
    }

    /** After the first factor: the network policy, then the second factor if the policy asks for one. */
    private CompletionStage<Decision> afterPrimary(AuthenticationRequest request, PrimaryAuthResult primary,
            String directoryName, PolicyEngine engine, List<String> trace) {
        Decision rejected = DirectoryStage.verdict(primary, directoryName, trace);
        if (rejected != null) {
            return CompletableFuture.completedFuture(rejected);
        }
        PolicyDecision policy = engine.evaluate(request, primary.user());
        Decision decided = NetworkPolicyStage.verdict(policy, primary, trace);
        if (decided != null) {
            return CompletableFuture.completedFuture(decided);
        }
        return mfa.verify(request, primary, policy, mfaConnector, trace);
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
        long started = nanos.getAsLong();
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
        Decision loggingFailed = LoggingGate.refusal(loggingHealth, trace);
        if (loggingFailed != null) {
            return Optional.of(done(request, started, loggingFailed));
        }
        trace.addAll(route.trace());
        AuthenticationRequest routed = route.rewrite(request);
        byte[] eap = ((EapCredentials) request.credentials()).eapMessage();
        int eapId = eap.length > 1 ? eap[1] & 0xFF : 0;
        return Optional.of(ForwardingStage.forward(forwarder, route, routed, trace)
                .thenApply(result -> log(request, started, result))
                .thenApply(decision -> ForwardingStage.withEapFailure(decision, eapId)));
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

    @Override
    public List<DecisionRecord> recent(int max) {
        return recorder.newest(max);
    }

    @Override
    public MfaStatus status() {
        MfaConnector connector = mfaConnector;
        return mfaCounters.status(connector == null ? null : connector.name(), mfa.pending());
    }

    private CompletionStage<Decision> done(AuthenticationRequest request, long started, Decision decision) {
        return CompletableFuture.completedFuture(log(request, started, decision));
    }

    private Decision log(AuthenticationRequest request, long started, Decision decision) {
        return recorder.record(request, started, decision, listeners);
    }

    /** For tests: as DS sets the optional reference when radmfa-cluster runs. */
    void sharedChallenges(SharedChallenges shared) {
        this.sharedChallenges = shared;
    }

    /** For tests: as DS sets the optional reference when radmfa-cluster runs. */
    void sharedLogins(SharedMfaLogins shared) {
        this.sharedLogins = shared;
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

    /** For tests: as DS binds the policy engine. */
    void policyEngine(PolicyEngine bound) {
        this.policyEngine = bound;
    }

    /** For tests: as DS binds the MFA connector its target filter selects, or unbinds it. */
    void mfaConnector(MfaConnector bound) {
        this.mfaConnector = bound;
    }
}
