package org.radmfa.radsec.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.RadSecStatus;
import org.radmfa.api.RadiusPacketHandler;
import org.radmfa.api.SecretVault;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.api.config.Refusal;
import org.radmfa.api.config.RefusedConfigurations;
import org.radmfa.api.config.TlsFiles;
import org.radmfa.config.support.SealedInPlace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RadSec listener (RADIUS over TLS, RFC 6614): mutual TLS with the configured certificate and trusted CA, each
 * connection's client recognised by its certificate ({@link RadSecClients}), and every packet handed to the RADIUS
 * server's own handling ({@link RadiusPacketHandler}, the transport bundle) with the shared secret {@code radsec}.
 * Off until {@code etc/org.radmfa.radsec.cfg} exists. A configuration that does not validate, or whose certificate
 * files do not load, is refused with file, key and reason, and the listener keeps its last good one.
 *
 * <p>The RadSec clients ({@code etc/org.radmfa.radsec.client-NAME.cfg}) are this component's own objects
 * ({@link RadSecClientDefinitions} into {@link RadSecClients}). So that they are read, and their refused files shown
 * by radmfa:check, whether or not a listener is configured, the component runs without its configuration too
 * (optional policy) and listens only while it has one.
 *
 * <p>A client's certificate is judged at the handshake and again whenever the clients or {@code trustedCa} change:
 * a removed or re-keyed client must not keep a connection it opened before.
 */
@Component(configurationPid = RadSecServer.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {RadSecStatus.class, RefusedConfigurations.class}, immediate = true)
@Designate(ocd = RadSecServer.Config.class)
public final class RadSecServer implements RadSecStatus, RefusedConfigurations {
    static final String PID = "org.radmfa.radsec";
    private static final Logger LOG = LoggerFactory.getLogger(RadSecServer.class);
    /** Keys, defaults and descriptions: the listener's metatype definition. */
    static final ConfigType TYPE = ConfigType.of(Config.class);
    static final String PASSWORD_KEY = ".password";
    /** Before the password became private ({@code .password}); still read, with a warning. */
    static final String LEGACY_PASSWORD_KEY = "password";
    private static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    @ObjectClassDefinition(name = "radmfa RadSec listener",
            description = "RADIUS over TLS (RFC 6614) for clients that speak it: FreeRADIUS, radsecproxy, other"
                    + " appliances")
    @interface Config {
        @AttributeDefinition(name = "Port", description = "TCP port; 2083 is RadSec's (RFC 6614); 0 picks a free one")
        int port() default 2083;

        @AttributeDefinition(name = "Listen address", description = "IP address to listen on; 0.0.0.0 or :: for all")
        String listenAddress() default "0.0.0.0";

        @AttributeDefinition(name = "Certificate", description = "The listener's certificate: a PKCS#12 file"
                + " (.p12, .pfx) or a PEM chain, own certificate first; relative to etc/")
        String certificate();

        @AttributeDefinition(name = "Private key", required = false, description = "The PEM PKCS#8 private key when"
                + " the certificate is PEM; relative to etc/")
        String privateKey() default "";

        @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
                description = "Of the PKCS#12 file or the encrypted PEM key; sealed by the vault at rest. The key is"
                        + " .password: the leading dot keeps it out of service properties")
        String _password() default "";

        @AttributeDefinition(name = "Trusted CA", description = "PEM file of the CA certificates client"
                + " certificates must chain to; relative to etc/")
        String trustedCa();

        @AttributeDefinition(name = "TLS protocols", description = "Comma-separated: TLSv1.3, TLSv1.2")
        String protocols() default "TLSv1.3,TLSv1.2";

        @AttributeDefinition(name = "Maximum connections", description = "Open connections, handshaking or not;"
                + " more are closed as soon as accepted")
        int maxConnections() default 1000;

        @AttributeDefinition(name = "Handshake timeout (seconds)", description = "A connection without a finished"
                + " TLS handshake after this long is closed (half-open and slow connections)")
        int handshakeTimeoutSeconds() default 10;

        @AttributeDefinition(name = "Idle timeout (seconds)", description = "A connection that has carried nothing"
                + " for this long is closed (clients reconnect); longer than the longest MFA wait")
        int idleTimeoutSeconds() default 600;

        @AttributeDefinition(name = "Worker threads", description = "Threads handing packets to the RADIUS server;"
                + " decisions themselves complete asynchronously")
        int workerThreads() default 2;
    }

    /** The validated listener configuration; {@link #toString()} never shows the password. */
    record Settings(InetSocketAddress address, Path certificate, Path privateKey, String password,
            Path trustedCa, StreamServer.Limits limits, int workers) {
        @Override
        public String toString() {
            return "Settings[address=" + address + ", certificate=" + certificate + ", privateKey=" + privateKey
                    + ", trustedCa=" + trustedCa + ", limits=" + limits + ", workers=" + workers + "]";
        }
    }

    private final RadSecClients clients;
    private final RadSecClientDefinitions definitions;
    private final ConfigurationAdmin configurationAdmin;
    /** A listener's counters, from its configuration's creation to its deletion (as when it was its own component). */
    private volatile RadSecCounters counters = new RadSecCounters();
    private final LogLimiter failureLog = new LogLimiter(20);
    private final AtomicInteger workerNumber = new AtomicInteger();
    private final ThreadPoolExecutor workers;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RadiusPacketHandler handler;

    private volatile SecretVault vault;
    /** The listener's configuration last given, while its sealed password waits for the vault; else null. */
    private Map<String, Object> waitingForVault;

    private volatile SSLContext context;
    /** The trustedCa of {@link #context}, to judge connections made under an earlier one. */
    private volatile PeerTrust trust;
    /** Volatile: a client's change judges its connections without this component's lock. */
    private volatile StreamServer server;
    private Settings current;
    /** Whether etc/org.radmfa.radsec.cfg exists (accepted or not). */
    private boolean configured;

    /** For tests: with the packet handler bound. */
    RadSecServer(RadSecClients clients, RadiusPacketHandler handler) {
        this(clients, (ConfigurationAdmin) null);
        this.handler = handler;
    }

    @Activate
    public RadSecServer(@Reference ConfigurationAdmin configurationAdmin) {
        this(new RadSecClients(), configurationAdmin);
    }

    RadSecServer(RadSecClients clients, ConfigurationAdmin configurationAdmin) {
        this.clients = clients;
        this.definitions = new RadSecClientDefinitions(clients, this::judgeOpenConnections);
        this.configurationAdmin = configurationAdmin;
        this.workers = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), task -> {
            Thread thread = new Thread(task, "radmfa-radsec-worker-" + workerNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Registers the clients' factory by hand rather than as a component: the definitions are this component's own
     * object, and a ManagedServiceFactory (an OSGi type) is all that shows in the service registry.
     */
    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        definitions.files().register(context, RadSecClientDefinition.FACTORY_PID);
        modified(properties);
    }

    /** The listener's configuration came, changed or went (then nothing listens, as before it came). */
    @Modified
    synchronized void modified(Map<String, Object> properties) {
        if (properties.get(Constants.SERVICE_PID) == null) {
            closeListener();
            waitingForVault = null;
            if (configured) {
                counters = new RadSecCounters();
            }
            configured = false;
            return;
        }
        configure(properties);
    }

    RadSecClientDefinitions definitions() {
        return definitions;
    }

    /**
     * Dynamic: a vault restart must not close the listener. A configuration whose sealed password waited for a vault
     * (its bundle may start after this one) is read again when one comes.
     */
    @Reference(name = "vault", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindVault(SecretVault bound) {
        vault = bound;
        if (waitingForVault != null) {
            configure(waitingForVault);
        }
    }

    synchronized void unbindVault(SecretVault unbound) {
        if (vault == unbound) {
            vault = null;
        }
    }

    @Override
    public List<Refusal> refusals() {
        return definitions.refusals();
    }

    synchronized void configure(Map<String, Object> properties) {
        configured = true;
        waitingForVault = null;
        ConfigReader config = TYPE.read(properties);
        Settings settings;
        SSLContext loaded;
        PeerTrust loadedTrust;
        try {
            settings = parse(config, vault);
            try {
                loaded = TlsFiles.context(settings.certificate(), settings.privateKey(), settings.password(),
                        settings.trustedCa());
                loadedTrust = PeerTrust.load(settings.trustedCa());
            } catch (GeneralSecurityException | IOException e) {
                throw config.invalid("certificate", "the key material does not load: " + e.getMessage());
            }
        } catch (InvalidConfigurationException e) {
            if (e.waitsForVault()) {
                waitingForVault = properties;
                LOG.info("RadSec configuration {} waits for the secret vault: key '{}' is sealed; {}", e.source(),
                        e.key(), server == null ? "RadSec listens once a vault has opened it"
                                : "the listener on " + server.address() + " keeps serving meanwhile");
                return;
            }
            waitingForVault = null;
            LOG.error("Refused RadSec configuration {}; {}", e.getMessage(), server == null
                    ? "RadSec is not listening until it is fixed" : "the listener on " + server.address()
                            + " keeps serving with its last good configuration");
            return;
        }
        config.unknownKeys(LEGACY_PASSWORD_KEY).forEach(unknown -> LOG.warn(
                "{}: key '{}' is not a RadSec setting and is ignored", config.source(), unknown));
        if (properties.containsKey(LEGACY_PASSWORD_KEY)) {
            LOG.warn("{}: rename the key 'password' to '.password': a secret's key takes a leading dot, which keeps"
                    + " it out of the listener's service properties", config.source());
        }
        String passwordKey = passwordKey(config);
        SealedInPlace.seal(configurationAdmin, PID, passwordKey, config.string(passwordKey, ""), vault,
                config.source()).report(LOG, passwordKey, passwordKey);
        context = loaded;
        trust = loadedTrust;
        // Connections made under the earlier trustedCa are judged again: one whose CA it no longer holds goes.
        judgeOpenConnections();
        workers.setMaximumPoolSize(Math.max(settings.workers(), workers.getCorePoolSize()));
        workers.setCorePoolSize(settings.workers());
        workers.setMaximumPoolSize(settings.workers());
        if (server != null && current.address().equals(settings.address()) && current.limits().equals(
                settings.limits())) {
            current = settings;
            LOG.info("RadSec listener on {}: new certificates apply to new connections", server.address());
            return;
        }
        // The same port cannot be bound twice: a listener whose limits change on the same address is closed first.
        boolean sameAddress = server != null && current.address().equals(settings.address());
        if (sameAddress) {
            server.close();
            server = null;
        }
        try {
            StreamServer opened = StreamServer.open(settings.address(), () -> context, settings.limits(),
                    new Events(), counters);
            if (server != null) {
                server.close();
            }
            server = opened;
            current = settings;
            LOG.info("RadSec (RADIUS over TLS) listening on {} ({}, {} RadSec client{} configured)",
                    opened.address(), String.join(", ", settings.limits().protocols()), clients.size(),
                    clients.size() == 1 ? "" : "s");
        } catch (IOException e) {
            LOG.error("RadSec cannot listen on {} ({}); {}", settings.address(), e.getMessage(), server == null
                    ? "RadSec is not listening" : "the listener on " + server.address() + " keeps serving");
        }
    }

    /**
     * The clients or the trusted CA changed: every established connection is judged again as at its handshake, and
     * one that would be refused now is closed (a removed or re-keyed client is cut off); the others stay.
     */
    private void judgeOpenConnections() {
        StreamServer listening = server;
        if (listening != null) {
            listening.closeEstablishedIf(connection -> !admittedNow(connection));
        }
    }

    /** On the selector thread: whether an established connection is still trusted and still a client's. */
    private boolean admittedNow(TlsConnection connection) {
        X509Certificate[] chain = connection.peerChain;
        PeerTrust current = trust;
        String distrust = current == null ? null : current.problem(chain);
        if (distrust != null) {
            log("RadSec connection of client '{}' from {} closed: its certificate '{}' no longer chains to trustedCa"
                    + " ({})", connection.client.name(), connection.peer, subject(chain), distrust);
            return false;
        }
        Optional<RadiusClient> client = chain == null ? Optional.empty()
                : clients.find(chain[0], connection.peer.getAddress());
        if (client.isEmpty()) {
            log("RadSec connection of client '{}' from {} closed: its certificate '{}' is no configured RadSec"
                    + " client's any more (its etc/org.radmfa.radsec.client-NAME.cfg was removed or changed)",
                    connection.client.name(), connection.peer, subject(chain));
            return false;
        }
        if (!client.get().name().equals(connection.client.name())) {
            LOG.info("RadSec connection from {} is now client '{}' (was '{}')", connection.peer, client.get().name(),
                    connection.client.name());
        }
        connection.client = client.get();
        return true;
    }

    private static String subject(X509Certificate[] chain) {
        return chain == null || chain.length == 0 ? "?" : chain[0].getSubjectX500Principal().getName();
    }

    @Deactivate
    synchronized void deactivate() {
        definitions.files().unregister();
        definitions.clear();
        closeListener();
        workers.shutdownNow();
    }

    private void closeListener() {
        if (server != null) {
            server.close();
            server = null;
        }
        current = null;
    }

    /** The one place the listener's configuration is checked beyond its types. */
    static Settings parse(ConfigReader config, SecretVault vault) throws InvalidConfigurationException {
        int port = config.integer("port", 0, 65535);
        String listen = config.string("listenAddress");
        if (!listen.matches("[0-9A-Fa-f:.]+")) {
            throw config.invalid("listenAddress", "'" + listen + "' is not an IP address");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(listen);
        } catch (UnknownHostException e) {
            throw config.invalid("listenAddress", "'" + listen + "' is not an IP address");
        }
        Path certificate = file(config, "certificate", true);
        Path privateKey = file(config, "privateKey", false);
        Path trustedCa = file(config, "trustedCa", true);
        String passwordKey = passwordKey(config);
        String password;
        String given = config.string(passwordKey, "");
        if (vault == null && given.startsWith(SealedInPlace.SEALED)) {
            throw config.waitsForVault(passwordKey);
        }
        try {
            password = SealedValues.open(given, vault);
        } catch (IllegalArgumentException e) {
            throw config.invalid(passwordKey, e.getMessage());
        }
        List<String> protocols = config.list("protocols");
        if (protocols.isEmpty()) {
            protocols = List.of(TYPE.defaultValue("protocols").toString().split(","));
        }
        for (String protocol : protocols) {
            if (!PROTOCOLS.contains(protocol)) {
                throw config.invalid("protocols", "'" + protocol + "' is not one of " + PROTOCOLS
                        + " (RFC 6614 and RFC 9325 ask for TLS 1.2 at least)");
            }
        }
        StreamServer.Limits limits = new StreamServer.Limits(config.integer("maxConnections", 1, 100_000),
                TimeUnit.SECONDS.toNanos(config.integer("handshakeTimeoutSeconds", 1, 300)),
                TimeUnit.SECONDS.toNanos(config.integer("idleTimeoutSeconds", 10, 86_400)),
                List.copyOf(protocols));
        return new Settings(new InetSocketAddress(address, port), certificate, privateKey, password, trustedCa,
                limits, config.integer("workerThreads", 1, 64));
    }

    /** {@code .password}, or the key without the dot when only that one is set (a file from before). */
    private static String passwordKey(ConfigReader config) {
        return config.string(PASSWORD_KEY).isEmpty() && !config.string(LEGACY_PASSWORD_KEY, "").isEmpty()
                ? LEGACY_PASSWORD_KEY : PASSWORD_KEY;
    }

    /** A file named in the configuration, relative to Karaf's etc/; it must exist. */
    private static Path file(ConfigReader config, String key, boolean required) throws InvalidConfigurationException {
        String value = config.string(key);
        if (value == null || value.isEmpty()) {
            if (required) {
                throw config.invalid(key, "is required");
            }
            return null;
        }
        Path path = Path.of(value);
        if (!path.isAbsolute()) {
            path = Path.of(System.getProperty("karaf.etc", "etc")).resolve(path);
        }
        if (!Files.isReadable(path)) {
            throw config.invalid(key, path + " does not exist or cannot be read");
        }
        return path;
    }

    /** For the shell and tests: the listener's address, connections and counters. */
    @Override
    public synchronized Map<String, Object> status() {
        if (!configured) {
            return Map.of();
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("listening", server == null ? "no" : String.valueOf(server.address()));
        status.put("clients configured", clients.size());
        status.put("connections open", counters.open.get());
        status.put("connections accepted", counters.accepted.sum());
        status.put("refused over maxConnections", counters.refusedOverLimit.sum());
        status.put("handshake failures", counters.handshakeFailures.sum());
        status.put("handshake timeouts", counters.handshakeTimeouts.sum());
        status.put("unknown certificates", counters.unknownCertificates.sum());
        status.put("idle connections closed", counters.idleClosed.sum());
        status.put("connections closed by a configuration change", counters.closedByReconfiguration.sum());
        status.put("malformed streams", counters.malformedFrames.sum());
        status.put("packets received", counters.packets.sum());
        status.put("answers sent", counters.answers.sum());
        status.put("packets dropped (overloaded)", counters.overloaded.sum());
        return status;
    }

    /** What connections report, on the selector thread. */
    private final class Events implements TlsConnection.Events {
        @Override
        public boolean established(TlsConnection connection, SSLSession session) {
            X509Certificate[] chain;
            try {
                Certificate[] presented = session.getPeerCertificates();
                chain = Arrays.copyOf(presented, presented.length, X509Certificate[].class);
            } catch (SSLPeerUnverifiedException | RuntimeException e) {
                counters.handshakeFailures.increment();
                log("RadSec connection from {} refused: it presented no client certificate", connection.peer);
                return false;
            }
            X509Certificate certificate = chain[0];
            // Its engine may have judged it under the trustedCa before a change that was applied meanwhile.
            PeerTrust current = trust;
            String distrust = current == null ? null : current.problem(chain);
            if (distrust != null) {
                counters.handshakeFailures.increment();
                log("RadSec connection from {} refused: its certificate '{}' does not chain to the trustedCa"
                        + " configured during its handshake ({})", connection.peer, subject(chain), distrust);
                return false;
            }
            Optional<RadiusClient> client = clients.find(certificate, connection.peer.getAddress());
            if (client.isEmpty()) {
                counters.unknownCertificates.increment();
                log("RadSec connection from {} refused: its certificate '{}' (sha256 {}) is trusted but is no"
                        + " configured RadSec client's (etc/org.radmfa.radsec.client-NAME.cfg)", connection.peer,
                        certificate.getSubjectX500Principal().getName(), CertificateIdentity.fingerprint(
                                certificate));
                return false;
            }
            connection.client = client.get();
            connection.peerChain = chain;
            LOG.info("RadSec client '{}' connected from {} ({}, {})", client.get().name(), connection.peer,
                    session.getProtocol(), session.getCipherSuite());
            return true;
        }

        @Override
        public void packet(TlsConnection connection, byte[] packet) {
            counters.packets.increment();
            RadiusClient client = connection.client;
            RadiusPacketHandler radius = handler;
            if (radius == null) {
                counters.overloaded.increment();
                return;
            }
            try {
                workers.execute(() -> radius.handle(client, packet, connection.peer, answer -> {
                    counters.answers.increment();
                    connection.answer(answer);
                }));
            } catch (RejectedExecutionException e) {
                counters.overloaded.increment();
            }
        }

        @Override
        public void failed(TlsConnection connection, SSLException failure, boolean established) {
            if (!established) {
                counters.handshakeFailures.increment();
            }
            String subject = connection.peerSubject();
            log("RadSec TLS {} with {}{} failed: {}", established ? "connection" : "handshake", connection.peer,
                    subject == null ? "" : " (certificate '" + subject + "')", reason(failure));
        }

        @Override
        public void malformed(TlsConnection connection) {
            counters.malformedFrames.increment();
            log("RadSec connection from {} closed: a RADIUS Length field out of 20-4096, the stream cannot be"
                    + " framed (RFC 6614 section 2.5)", connection.peer);
        }
    }

    /** The innermost cause's message: "validity check failed", "unable to find valid certification path", ... */
    private static String reason(Throwable failure) {
        StringBuilder reason = new StringBuilder(String.valueOf(failure.getMessage()));
        Throwable cause = failure.getCause();
        while (cause != null && cause.getCause() != cause) {
            if (cause.getMessage() != null && !reason.toString().contains(cause.getMessage())) {
                reason.append(": ").append(cause.getMessage());
            }
            cause = cause.getCause();
        }
        if (reason.indexOf("Empty client certificate chain") >= 0) {
            // A JDK client sends only a certificate from a CA the server names: none means none of trustedCa.
            reason.append(" (the client has no certificate issued by a CA of trustedCa, or sent none)");
        }
        return reason.toString();
    }

    private void log(String format, Object... arguments) {
        long held = failureLog.admit(System.nanoTime());
        if (held < 0) {
            return;
        }
        if (held > 0) {
            Object[] more = Arrays.copyOf(arguments, arguments.length + 1);
            more[arguments.length] = held;
            LOG.warn(format + " ({} more such lines held back)", more);
        } else {
            LOG.warn(format, arguments);
        }
    }

    /** For tests: the bound address. */
    synchronized InetSocketAddress address() {
        return server == null ? null : server.address();
    }
}
