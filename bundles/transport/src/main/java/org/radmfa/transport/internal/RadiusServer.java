package org.radmfa.transport.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.AccessRequestHandler;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AccountingSink;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.ClientStatistics;
import org.radmfa.api.Decision;
import org.radmfa.api.EapCredentials;
import org.radmfa.api.ListenerStatus;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.RadiusPacketHandler;
import org.radmfa.api.RadiusStatistics;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.api.eap.EapMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinyradius.dictionary.Dictionary;

/**
 * The RADIUS server: UDP listeners for authentication and accounting, the checks every datagram passes before
 * anything else sees it (registered client, structure, authenticators), and the responses. Only registered clients
 * ever get an answer; everything dropped is counted per client and reason.
 *
 * <p>The registry and the pipeline are dynamic references: either can be replaced while the sockets stay open. The
 * sockets open only once both are there (the first time): before, a datagram could only be dropped, and a gateway
 * retransmits it only after its timeout (seconds), whereas a port not open yet is refused at once. The registry is
 * offered once it has read the configured clients, so that a configured client's first request is answered.
 *
 * <p>The dictionary that policies check their reply attributes with is {@link ReplyDictionary}, a component of its
 * own: offered here, it closed a cycle of references (this server, the pipeline, the policies, this server).
 */
@Component(configurationPid = RadiusServer.PID, immediate = true,
        service = {RadiusStatistics.class, RadiusPacketHandler.class})
@Designate(ocd = RadiusServer.Config.class)
public final class RadiusServer implements RadiusStatistics, RadiusPacketHandler {
    static final String PID = "org.radmfa.transport";
    private static final Logger LOG = LoggerFactory.getLogger(RadiusServer.class);
    /** Keys, defaults and descriptions: the component's metatype definition. */
    static final ConfigType TYPE = ConfigType.of(Config.class);

    @ObjectClassDefinition(name = "radmfa RADIUS transport",
            description = "UDP listeners for RADIUS authentication and accounting")
    @interface Config {
        @AttributeDefinition(name = "Authentication port", description = "UDP port for Access-Request, 1812 by RFC"
                + " 2865; 0 picks a free port")
        int authPort() default 1812;

        @AttributeDefinition(name = "Accounting port", description = "UDP port for Accounting-Request, 1813 by RFC"
                + " 2866; 0 picks a free port")
        int acctPort() default 1813;

        @AttributeDefinition(name = "Listen addresses",
                description = "Comma-separated IPv4/IPv6 addresses to listen on; 0.0.0.0 and :: mean all")
        String listenAddresses() default "0.0.0.0";

        @AttributeDefinition(name = "Duplicate window (seconds)",
                description = "How long a response is kept to answer retransmits of its request (RFC 5080)")
        int duplicateWindowSeconds() default 30;

        @AttributeDefinition(name = "Rate limit per client (requests/s)",
                description = "Datagrams per second one client may send before the excess is dropped; 0 is no limit")
        int rateLimitPerClient() default 5000;

        @AttributeDefinition(name = "Rate limit burst", description = "Datagrams a client may send at once")
        int rateLimitBurst() default 5000;

        @AttributeDefinition(name = "Sockets per address",
                description = "Sockets (each with its reading thread) sharing each port through SO_REUSEPORT, so"
                        + " that requests are decided on every processor; 0 means one per processor. Read when a"
                        + " port is opened (at start, or when the port or address changes)")
        int socketsPerAddress() default 0;

        @AttributeDefinition(name = "Deciding threads",
                description = "Threads a busy reading thread hands requests to, so that one gateway (one source"
                        + " address and port, which the kernel gives to one socket) is decided on every processor;"
                        + " a request is handed only to an idle one, and idle ones end after a while. -1 means one"
                        + " per processor, 0 none (each reading thread decides what it reads). Off by default: on 2"
                        + " processors the hand-off cost more CPU per request than it gained (docs/performance.md)")
        int deciderThreads() default 0;
    }

    private record Endpoint(Listener.Kind kind, InetSocketAddress address) {
        @Override
        public String toString() {
            return kind.name().toLowerCase() + "@" + address;
        }
    }

    record Settings(List<InetSocketAddress> auth, List<InetSocketAddress> accounting, int duplicateWindow,
            int ratePerSecond, int rateBurst, int socketsPerAddress, int deciderThreads) {
    }

    private volatile ClientRegistry clientRegistry;
    private volatile AccessRequestHandler handler;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<AccountingSink> accountingSinks = new CopyOnWriteArrayList<>();

    private final RequestDecoder decoder;
    private final ReplyEncoder encoder;
    private final TransportCounters counters = new TransportCounters();
    private final UnsupportedMethodLog unsupportedMethods = new UnsupportedMethodLog();
    private final AtomicLong requestIds = new AtomicLong();
    private final RateLimiter rateLimiter = new RateLimiter();
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<EapMethod> eapMethods = new CopyOnWriteArrayList<>();

    private final EapMsChapV2 eap = new EapMsChapV2(unsupportedMethods, () -> eapMethods);
    private final DuplicateCache duplicates = new DuplicateCache(TimeUnit.SECONDS.toNanos(30));
    private final DecisionPool deciders = new DecisionPool(0, TimeUnit.SECONDS.toNanos(30));
    private final Map<Endpoint, ListenerGroup> listeners = new LinkedHashMap<>();
    /** What the configuration asks for, and why the last attempt to open it failed (for health checks). */
    private List<Endpoint> wantedEndpoints = List.of();
    private final Map<Endpoint, String> bindFailures = new LinkedHashMap<>();
    /** The last accepted configuration; null before the first. */
    private Settings settings;
    /** Whether the sockets may open: a registry and a pipeline have been there; stays true once it is. */
    private boolean canAnswer;

    /**
     * For DS: the bundle's one parsed dictionary comes from {@link ReplyDictionary} (a static reference: it references
     * nothing, so no cycle), the registry and the pipeline through their bind methods, the sinks and EAP methods by
     * field.
     */
    @Activate
    public RadiusServer(@Reference(name = "replyDictionary") ReplyDictionary replyDictionary) {
        this(replyDictionary.dictionary());
    }

    private RadiusServer(Dictionary dictionary) {
        this.decoder = new RequestDecoder(dictionary);
        this.encoder = new ReplyEncoder(dictionary);
    }

    /** For tests: a dictionary of its own. */
    RadiusServer(ClientRegistry clientRegistry, AccessRequestHandler handler, List<AccountingSink> sinks) {
        this(RadiusDictionary.load());
        this.clientRegistry = clientRegistry;
        this.handler = handler;
        this.accountingSinks.addAll(sinks);
        this.canAnswer = clientRegistry != null && handler != null;
    }

    /** The clients' registry; when it comes the first time (and the pipeline is there), the sockets open. */
    @Reference(name = "clientRegistry", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindClientRegistry(ClientRegistry bound) {
        clientRegistry = bound;
        openOnceAnswerable();
    }

    /** DS binds a replacement before it unbinds the one replaced. */
    synchronized void unbindClientRegistry(ClientRegistry unbound) {
        if (clientRegistry == unbound) {
            clientRegistry = null;
        }
    }

    /** The request pipeline; when it comes the first time (and the registry is there), the sockets open. */
    @Reference(name = "handler", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindHandler(AccessRequestHandler bound) {
        handler = bound;
        openOnceAnswerable();
    }

    synchronized void unbindHandler(AccessRequestHandler unbound) {
        if (handler == unbound) {
            handler = null;
        }
    }

    private void openOnceAnswerable() {
        if (canAnswer || clientRegistry == null || handler == null) {
            return;
        }
        canAnswer = true;
        if (settings != null) {
            rebind(settings);
        }
    }

    /** What the sockets wait for, or null when they may open. */
    private String waitingFor() {
        if (canAnswer) {
            return null;
        }
        List<String> missing = new ArrayList<>();
        if (clientRegistry == null) {
            missing.add("the client registry");
        }
        if (handler == null) {
            missing.add("the request pipeline");
        }
        return String.join(" and ", missing);
    }

    /** For tests: as DS binds an EAP method service (EAP-TLS, PEAP). */
    void bindEapMethod(EapMethod method) {
        eapMethods.add(method);
    }

    @Activate
    @Modified
    synchronized void configure(Map<String, Object> properties) {
        ConfigReader config = TYPE.read(properties);
        Settings settings;
        try {
            settings = parse(config);
        } catch (InvalidConfigurationException e) {
            LOG.error("Refused RADIUS transport configuration {}; {}", e.getMessage(),
                    listeners.isEmpty() ? "no listener is open until it is fixed"
                            : "the listeners " + listeners.keySet() + " keep serving");
            return;
        }
        config.unknownKeys().forEach(unknown -> LOG.warn("{}: key '{}' is not a transport setting and is ignored",
                config.source(), unknown));
        duplicates.window(TimeUnit.SECONDS.toNanos(settings.duplicateWindow()));
        rateLimiter.configure(settings.ratePerSecond(), settings.rateBurst());
        deciders.maxWorkers(settings.deciderThreads() < 0 ? Runtime.getRuntime().availableProcessors()
                : settings.deciderThreads());
        this.settings = settings;
        String waiting = waitingFor();
        if (waiting != null) {
            wantedEndpoints = endpoints(settings);
            LOG.info("RADIUS listeners {} open once {} {} there", wantedEndpoints, waiting,
                    waiting.contains(" and ") ? "are" : "is");
            return;
        }
        rebind(settings);
    }

    private static List<Endpoint> endpoints(Settings settings) {
        List<Endpoint> wanted = new ArrayList<>();
        settings.auth().forEach(a -> wanted.add(new Endpoint(Listener.Kind.AUTH, a)));
        settings.accounting().forEach(a -> wanted.add(new Endpoint(Listener.Kind.ACCOUNTING, a)));
        return List.copyOf(wanted);
    }

    @Deactivate
    synchronized void deactivate() {
        listeners.values().forEach(ListenerGroup::close);
        listeners.clear();
        deciders.close();
    }

    /** The one place the configuration is checked beyond its types. */
    static Settings parse(ConfigReader config) throws InvalidConfigurationException {
        int authPort = config.integer("authPort", 0, 65535);
        int acctPort = config.integer("acctPort", 0, 65535);
        if (authPort == acctPort && authPort != 0) {
            throw config.invalid("acctPort", "must differ from authPort (" + authPort + ")");
        }
        List<String> addresses = config.list("listenAddresses");
        if (addresses.isEmpty()) {
            addresses = List.of(TYPE.defaultValue("listenAddresses").toString().split(","));
        }
        List<InetSocketAddress> auth = new ArrayList<>();
        List<InetSocketAddress> accounting = new ArrayList<>();
        for (String text : addresses) {
            InetAddress address;
            if (!text.matches("[0-9A-Fa-f:.]+")) {
                throw config.invalid("listenAddresses", "'" + text + "' is not an IP address");
            }
            try {
                address = InetAddress.getByName(text);
            } catch (UnknownHostException e) {
                throw config.invalid("listenAddresses", "'" + text + "' is not an IP address");
            }
            auth.add(new InetSocketAddress(address, authPort));
            accounting.add(new InetSocketAddress(address, acctPort));
        }
        return new Settings(auth, accounting, config.integer("duplicateWindowSeconds", 0, 600),
                config.integer("rateLimitPerClient", 0, 10_000_000),
                config.integer("rateLimitBurst", 1, 10_000_000), config.integer("socketsPerAddress", 0, 64),
                config.integer("deciderThreads", -1, 64));
    }

    /** Opens what is new first; only if all of it binds are the listeners no longer configured closed. */
    private void rebind(Settings settings) {
        List<Endpoint> wanted = endpoints(settings);
        int sockets = settings.socketsPerAddress() > 0 ? settings.socketsPerAddress()
                : Runtime.getRuntime().availableProcessors();
        wantedEndpoints = wanted;
        bindFailures.clear();
        Map<Endpoint, ListenerGroup> opened = new LinkedHashMap<>();
        for (Endpoint endpoint : wanted) {
            // Port 0 means "any free port": such a listener is kept, not rebound to yet another port.
            if (listeners.containsKey(endpoint)) {
                continue;
            }
            try {
                ListenerGroup group = ListenerGroup.open(endpoint.kind(), endpoint.address(), sockets,
                        this::onDatagram);
                opened.put(endpoint, group);
                LOG.info("RADIUS {} listening on {} ({} socket{})", endpoint.kind() == Listener.Kind.AUTH
                        ? "authentication" : "accounting", group.boundAddress(), group.size(),
                        group.size() == 1 ? "" : "s sharing the port");
            } catch (IOException e) {
                opened.values().forEach(ListenerGroup::close);
                bindFailures.put(endpoint, String.valueOf(e.getMessage()));
                LOG.error("Cannot listen on {} ({}); {}", endpoint.address(), e.getMessage(), listeners.isEmpty()
                        ? "no listener is open" : "the listeners " + listeners.keySet() + " keep serving");
                return;
            }
        }
        Set<Endpoint> stale = new LinkedHashSet<>(listeners.keySet());
        wanted.forEach(stale::remove);
        stale.forEach(endpoint -> listeners.remove(endpoint).close());
        listeners.putAll(opened);
    }

    /** The bound addresses, real ports included, for tests and management. */
    synchronized List<InetSocketAddress> boundAddresses() throws IOException {
        List<InetSocketAddress> bound = new ArrayList<>();
        for (ListenerGroup group : listeners.values()) {
            bound.add(group.boundAddress());
        }
        return bound;
    }

    @Override
    public synchronized List<ListenerStatus> listeners() {
        List<ListenerStatus> status = new ArrayList<>();
        for (Endpoint endpoint : wantedEndpoints) {
            String kind = endpoint.kind() == Listener.Kind.AUTH ? "authentication" : "accounting";
            ListenerGroup group = listeners.get(endpoint);
            InetSocketAddress bound = null;
            String failure = bindFailures.get(endpoint);
            if (group != null) {
                try {
                    bound = group.boundAddress();
                } catch (IOException e) {
                    failure = String.valueOf(e.getMessage());
                }
            } else if (failure == null) {
                String waiting = waitingFor();
                failure = waiting != null ? "not open yet: waiting for " + waiting
                        : "not opened: another listener of the same configuration failed";
            }
            status.add(new ListenerStatus(kind, endpoint.address(), bound, failure));
        }
        return status;
    }

    TransportCounters counters() {
        return counters;
    }

    @Override
    public List<ClientStatistics> clients() {
        ClientRegistry registry = clientRegistry;
        return counters.statistics(name -> registry == null ? null : registry.clients().stream()
                .filter(c -> c.name().equals(name)).map(c -> c.secret().fingerprint()).findFirst().orElse(null));
    }

    private void onDatagram(Listener listener, byte[] datagram, InetSocketAddress source) {
        ClientRegistry registry = clientRegistry;
        Optional<RadiusClient> found = registry == null ? Optional.empty() : registry.find(source.getAddress());
        if (found.isEmpty()) {
            counters.drop(TransportCounters.UNKNOWN, DropReason.UNKNOWN_CLIENT, source.toString());
            return;
        }
        dispatch(listener, datagram, found.get(), source);
    }

    @Override
    public void handle(RadiusClient client, byte[] packet, InetSocketAddress source, Consumer<byte[]> reply) {
        dispatch(new StreamResponder(reply), packet, client, source);
    }

    /** A stream transport's connection (RadSec): one peer, authentication and accounting on the same stream. */
    private record StreamResponder(Consumer<byte[]> reply) implements Responder {
        @Override
        public void send(byte[] packet, InetSocketAddress destination) {
            reply.accept(packet);
        }

        @Override
        public boolean servesAuthentication() {
            return true;
        }

        @Override
        public boolean servesAccounting() {
            return true;
        }
    }

    /** What every packet of a known client goes through, whichever transport brought it. */
    private void dispatch(Responder listener, byte[] received, RadiusClient client, InetSocketAddress source) {
        if (!rateLimiter.allow(client.name(), System.nanoTime())) {
            counters.drop(client.name(), DropReason.RATE_LIMITED, source.toString());
            return;
        }
        DropReason structural = RadiusWire.checkStructure(received, received.length);
        if (structural != null) {
            counters.drop(client.name(), structural, source.toString());
            return;
        }
        // From here on the packet is its Length octets: what is hashed, decoded and answered.
        byte[] datagram = RadiusWire.withoutPadding(received);
        int code = datagram[0] & 0xFF;
        if (code == RadiusWire.STATUS_SERVER) {
            answerStatusServer(listener, datagram, client, source);
        } else if (code == RadiusWire.ACCESS_REQUEST && listener.servesAuthentication()) {
            handleAccessRequest(listener, datagram, client, source);
        } else if (code == RadiusWire.ACCOUNTING_REQUEST && listener.servesAccounting()) {
            handleAccountingRequest(listener, datagram, client, source);
        } else {
            counters.drop(client.name(), DropReason.UNKNOWN_CODE, source.toString());
        }
    }

    /** RFC 5997: Status-Server must carry a valid Message-Authenticator; answered on either port. */
    private void answerStatusServer(Responder listener, byte[] datagram, RadiusClient client,
            InetSocketAddress source) {
        int offset = RadiusWire.find(datagram, RadiusWire.MESSAGE_AUTHENTICATOR);
        if (offset < 0) {
            counters.drop(client.name(), DropReason.MISSING_MESSAGE_AUTHENTICATOR, source.toString());
            return;
        }
        byte[] secret = client.secret().bytes();
        if (!RadiusWire.messageAuthenticatorValid(datagram, offset, secret)) {
            counters.drop(client.name(), DropReason.BAD_MESSAGE_AUTHENTICATOR, source.toString());
            return;
        }
        counters.accepted(client.name());
        int code = listener.servesAuthentication() ? RadiusWire.ACCESS_ACCEPT : RadiusWire.ACCOUNTING_RESPONSE;
        listener.send(RadiusWire.response(code, datagram[1] & 0xFF, authenticator(datagram),
                RadiusWire.proxyStates(datagram), secret), source);
    }

    private void handleAccessRequest(Responder listener, byte[] datagram, RadiusClient client,
            InetSocketAddress source) {
        int offset = RadiusWire.find(datagram, RadiusWire.MESSAGE_AUTHENTICATOR);
        DropReason unsigned = messageAuthenticatorCheck(datagram, offset, client);
        if (unsigned != null) {
            counters.drop(client.name(), unsigned, source.toString());
            return;
        }
        DuplicateCache.Key key = DuplicateCache.Key.of(source, datagram);
        CompletableFuture<byte[]> original = duplicates.lookup(key);
        if (original != null) {
            counters.duplicate(client.name());
            original.thenAccept(response -> listener.send(response, source));
            return;
        }
        // Handed on only once registered, so that a retransmit this thread reads next joins it instead of being
        // decided a second time; decided here, it is answered before this thread reads the retransmit.
        if (deciders.mayTake() && duplicates.pend(key)
                && deciders.handOff(() -> decideOrReject(listener, datagram, offset, client, source, key))) {
            return;
        }
        decideOrReject(listener, datagram, offset, client, source, key);
    }

    /**
     * {@link #decideAccessRequest}, and an Access-Reject when it fails: a well-formed request is answered even when
     * a bug or a component going away throws on the way, and its retransmits never wait on a decision that is gone.
     */
    private void decideOrReject(Responder listener, byte[] datagram, int offset, RadiusClient client,
            InetSocketAddress source, DuplicateCache.Key key) {
        try {
            decideAccessRequest(listener, datagram, offset, client, source, key);
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: a class of a bundle uninstalled while it was being called (a hot swap).
            rejectAfterFailure(listener, datagram, client, source, key, e);
        }
    }

    private void rejectAfterFailure(Responder listener, byte[] datagram, RadiusClient client,
            InetSocketAddress source, DuplicateCache.Key key, Throwable failure) {
        LOG.error("Access-Request {} from {} (client '{}') failed before it was answered; answering Access-Reject",
                datagram[1] & 0xFF, source, client.name(), failure);
        try {
            respond(listener, datagram, client, source, key, Decision.reject(ReasonCode.INTERNAL_ERROR,
                    failure.toString(), List.of()));
        } catch (RuntimeException e) {
            duplicates.forget(key);
            LOG.error("Access-Request {} from {}: not even an Access-Reject could be sent", datagram[1] & 0xFF,
                    source, e);
        }
    }

    /**
     * Everything after the checks and the duplicate cache: decoding, the pipeline or the EAP method, the answer. Every
     * way out answers the request or forgets it in the duplicate cache (where it may have been registered).
     */
    private void decideAccessRequest(Responder listener, byte[] datagram, int offset, RadiusClient client,
            InetSocketAddress source, DuplicateCache.Key key) {
        String id = "rq-" + Long.toHexString(requestIds.incrementAndGet());
        RequestDecoder.Result decoded = decoder.decode(id, datagram, client, source);
        if (decoded.drop() != null) {
            duplicates.forget(key);
            counters.drop(client.name(), decoded.drop(), source.toString());
            return;
        }
        if (decoded.unsupported() != null) {
            // A well-formed request is decided, never left to the NAS's retries: MS-CHAP v1 and the like.
            RequestDecoder.Unsupported unsupported = decoded.unsupported();
            counters.accepted(client.name());
            unsupportedMethods.rejected(client.name(), unsupported.method(), unsupported.userName(),
                    source.toString());
            respond(listener, datagram, client, source, key, Decision.reject(ReasonCode.AUTH_METHOD_NOT_ALLOWED,
                    "authentication method " + unsupported.method() + " is not offered",
                    List.of("transport: " + unsupported.method() + " is not offered by this server")));
            return;
        }
        if (decoded.eap() != null) {
            // RFC 3579 section 3.3: an Access-Request with EAP-Message and no Message-Authenticator is discarded.
            if (offset < 0) {
                duplicates.forget(key);
                counters.drop(client.name(), DropReason.MISSING_MESSAGE_AUTHENTICATOR, source.toString());
                return;
            }
            // Counted as a request only once decided: the engine or a method may yet find the EAP packet malformed
            // (null), and then the datagram is a drop, not both.
            CompletionStage<Decision> step;
            try {
                step = forwardedEap(decoded.eap()).orElseGet(() -> eap.handle(decoded.eap(), handler));
            } catch (RuntimeException | LinkageError e) {
                // decideOrReject answers it with Access-Reject: a request all the same.
                counters.accepted(client.name());
                throw e;
            }
            whenDecided(step, listener, datagram, client, source, key, decision -> {
                if (decision == null) {
                    duplicates.forget(key);
                    counters.drop(client.name(), DropReason.MALFORMED_EAP, source.toString());
                } else {
                    counters.accepted(client.name());
                    respond(listener, datagram, client, source, key, decision);
                }
            });
            return;
        }
        counters.accepted(client.name());
        AccessRequestHandler pipeline = handler;
        if (pipeline == null) {
            respond(listener, datagram, client, source, key, Decision.reject(ReasonCode.SERVICE_UNAVAILABLE,
                    "no request pipeline is installed", List.of()));
            return;
        }
        whenDecided(pipeline.handle(decoded.request()), listener, datagram, client, source, key,
                decision -> respond(listener, datagram, client, source, key, decision));
    }

    /** The remote answer when a connection request policy forwards this EAP conversation (radmfa-proxy). */
    private Optional<CompletionStage<Decision>> forwardedEap(RequestDecoder.EapContext context) {
        AccessRequestHandler pipeline = handler;
        // An EAP-Start without User-Name has nothing a connection request policy could match: answered here, and the
        // identity it asks for (copied by the NAS into User-Name) decides where the conversation goes.
        if (pipeline == null || context.userName() == null) {
            return Optional.empty();
        }
        return pipeline.forwardEap(new AuthenticationRequest(context.id(), context.client(), context.source(),
                context.userName(), new EapCredentials(context.eapMessage(), context.state()), context.attributes(),
                Instant.now()));
    }

    /**
     * RFC 3579 and the BlastRADIUS mitigations (FreeRADIUS 3.2.5's {@code require_message_authenticator} and
     * {@code limit_proxy_state}): a Message-Authenticator present must verify, and is remembered for the client; one
     * absent is refused when the client must always send one, or (auto) has sent one before, and, while it need not,
     * when the request carries Proxy-State.
     *
     * @return null when the request may go on, otherwise why it is dropped
     */
    private DropReason messageAuthenticatorCheck(byte[] datagram, int offset, RadiusClient client) {
        ClientRegistry registry = clientRegistry;
        if (offset >= 0) {
            if (!RadiusWire.messageAuthenticatorValid(datagram, offset, client.secret().bytes())) {
                return DropReason.BAD_MESSAGE_AUTHENTICATOR;
            }
            if (registry != null) {
                registry.receivedMessageAuthenticator(client.name());
            }
            return null;
        }
        boolean required = switch (client.messageAuthenticator()) {
            case REQUIRED -> true;
            case OPTIONAL -> false;
            // Without the registry nothing is known: fail closed, as for a client that has sent one.
            case AUTO -> registry == null || registry.messageAuthenticatorReceived(client.name()).isPresent();
        };
        if (required) {
            return DropReason.MISSING_MESSAGE_AUTHENTICATOR;
        }
        if (client.limitProxyState() && RadiusWire.find(datagram, RadiusWire.PROXY_STATE) >= 0) {
            return DropReason.PROXY_STATE_WITHOUT_MESSAGE_AUTHENTICATOR;
        }
        return null;
    }

    /**
     * Runs {@code then} once the request is decided. A decision still open (a directory over the network, a second
     * factor) is registered first, so that retransmits join it. One made at once needs no registration: the kernel
     * hands every datagram of one source address and port to the same socket, so its retransmits are read by the
     * same thread, after the answer (or, when that thread handed the request on, after it registered it).
     */
    private void whenDecided(CompletionStage<Decision> stage, Responder listener, byte[] datagram,
            RadiusClient client, InetSocketAddress source, DuplicateCache.Key key, Consumer<Decision> then) {
        CompletableFuture<Decision> decision = stage.toCompletableFuture();
        if (!decision.isDone()) {
            duplicates.pend(key);
        }
        decision.whenComplete((decided, failure) -> {
            // What throws in here would vanish into the future: it is answered instead.
            try {
                then.accept(failure == null ? decided
                        : Decision.reject(ReasonCode.INTERNAL_ERROR, failure.toString(), List.of()));
            } catch (RuntimeException | LinkageError e) {
                rejectAfterFailure(listener, datagram, client, source, key, e);
            }
        });
    }

    /**
     * RFC 2866: verify the Request Authenticator, hand the record to every sink, and answer once one of them has
     * made it durable. If none can, nothing is answered and the NAS retries; the retransmit is decided afresh.
     */
    private void handleAccountingRequest(Responder listener, byte[] datagram, RadiusClient client,
            InetSocketAddress source) {
        byte[] secret = client.secret().bytes();
        if (!RadiusWire.accountingAuthenticatorValid(datagram, secret)) {
            counters.drop(client.name(), DropReason.BAD_REQUEST_AUTHENTICATOR, source.toString());
            return;
        }
        List<AccountingSink> sinks = List.copyOf(accountingSinks);
        if (sinks.isEmpty()) {
            counters.drop(client.name(), DropReason.NO_ACCOUNTING_SINK, source.toString());
            return;
        }
        DuplicateCache.Key key = DuplicateCache.Key.of(source, datagram);
        if (joinedOriginal(key, listener, client, source)) {
            return;
        }
        AccountingRecord record = decoder.decodeAccounting("ac-" + Long.toHexString(requestIds.incrementAndGet()),
                datagram, client, source);
        counters.accepted(client.name());
        CompletableFuture<Void> durable = new CompletableFuture<>();
        AtomicInteger failures = new AtomicInteger();
        for (AccountingSink sink : sinks) {
            CompletionStage<Void> stored;
            try {
                stored = sink.store(record);
            } catch (RuntimeException e) {
                stored = CompletableFuture.failedFuture(e);
            }
            stored.whenComplete((ok, failure) -> {
                if (failure == null) {
                    durable.complete(null);
                } else {
                    // Per record, so debug only: sinks log their own failures per batch, and the drop below is
                    // counted and logged at a limited rate.
                    LOG.debug("Accounting sink '{}' could not store {}: {}", sink.name(), record.id(),
                            failure.toString());
                    if (failures.incrementAndGet() == sinks.size()) {
                        durable.completeExceptionally(failure);
                    }
                }
            });
        }
        durable.whenComplete((ok, failure) -> {
            if (failure != null) {
                duplicates.forget(key);
                counters.drop(client.name(), DropReason.ACCOUNTING_NOT_DURABLE, source.toString());
                return;
            }
            byte[] response = RadiusWire.response(RadiusWire.ACCOUNTING_RESPONSE, datagram[1] & 0xFF,
                    authenticator(datagram), RadiusWire.proxyStates(datagram), secret, false);
            duplicates.complete(key, response);
            listener.send(response, source);
        });
    }

    /**
     * Registers the request in the duplicate cache. A retransmit is joined to its original's answer (sent now if
     * known, else as soon as it is) and the caller stops there.
     */
    private boolean joinedOriginal(DuplicateCache.Key key, Responder listener, RadiusClient client,
            InetSocketAddress source) {
        CompletableFuture<byte[]> original = duplicates.register(key);
        if (original == null) {
            return false;
        }
        counters.duplicate(client.name());
        original.thenAccept(response -> listener.send(response, source));
        return true;
    }

    private void respond(Responder listener, byte[] request, RadiusClient client, InetSocketAddress source,
            DuplicateCache.Key key, Decision decision) {
        int code = switch (decision.outcome()) {
            case ACCEPT -> RadiusWire.ACCESS_ACCEPT;
            case CHALLENGE -> RadiusWire.ACCESS_CHALLENGE;
            case REJECT -> RadiusWire.ACCESS_REJECT;
        };
        // The pipeline puts only what the protocol needs on a reject (MS-CHAP-Error): the reason stays in our logs.
        // Proxy-State goes last, as received (RFC 2865 section 5.33), on every kind of answer.
        byte[] proxyStates = RadiusWire.proxyStates(request);
        byte[] attributes = concat(encoder.encode(decision.replyAttributes(), client.secret().bytes(),
                authenticator(request)), proxyStates);
        byte[] response;
        try {
            response = RadiusWire.response(code, request[1] & 0xFF, authenticator(request), attributes,
                    client.secret().bytes());
        } catch (IllegalArgumentException e) {
            LOG.error("Response to {} does not fit in a RADIUS packet ({}); sending Access-Reject", source,
                    e.getMessage());
            code = RadiusWire.ACCESS_REJECT;
            response = RadiusWire.response(code, request[1] & 0xFF, authenticator(request), proxyStates,
                    client.secret().bytes());
        }
        counters.answered(client.name(), code == RadiusWire.ACCESS_REJECT ? Decision.Outcome.REJECT
                : decision.outcome(), decision.outcome() == Decision.Outcome.REJECT ? decision.reason()
                        : ReasonCode.INTERNAL_ERROR);
        duplicates.complete(key, response);
        listener.send(response, source);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        if (second.length == 0) {
            return first;
        }
        byte[] result = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, result, first.length, second.length);
        return result;
    }

    private static byte[] authenticator(byte[] packet) {
        byte[] result = new byte[RadiusWire.AUTHENTICATOR_LENGTH];
        System.arraycopy(packet, RadiusWire.AUTHENTICATOR_OFFSET, result, 0, RadiusWire.AUTHENTICATOR_LENGTH);
        return result;
    }
}
