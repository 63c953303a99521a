package org.radmfa.clients.internal;

import java.io.File;
import java.net.InetAddress;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedMessageAuthenticators;
import org.radmfa.api.config.Refusal;
import org.radmfa.api.config.RefusedConfigurations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry the transport asks for every datagram. Lookups read an immutable snapshot, sorted most specific
 * first, so that the per-packet path takes no lock; changes rebuild the snapshot. The clients come from their factory
 * configurations through {@link ClientDefinitions}, the registry's own object.
 *
 * <p>It is offered as the {@link ClientRegistry} service only once it knows the configured clients: they are read
 * when it is activated, and a client whose secret is sealed waits for the vault, whose bundle may start a moment
 * later. The transport opens its ports when a registry comes, so that a configured client's first request is
 * answered rather than dropped as coming from an unknown address. If the vault does not come within
 * {@link #VAULT_WAIT_SECONDS}, the registry is offered without those clients (they come with the vault).
 */
@Component(service = RefusedConfigurations.class, immediate = true)
public final class ClientRegistryImpl implements ClientRegistry, RefusedConfigurations {
    private static final Logger LOG = LoggerFactory.getLogger(ClientRegistryImpl.class);
    /** How long the registry waits for the vault to open sealed secrets before it is offered without them. */
    static final long VAULT_WAIT_SECONDS = 30;

    private record Entry(String key, RadiusClient client, AddressMatcher matcher, String source) {
    }

    /** Under karaf.data, which a Karaf "clean" start keeps (the bundle cache it wipes is elsewhere). */
    static final String MEMORY_FILE = "radmfa/message-authenticator-received.properties";

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private static final long ASK_INTERVAL_NANOS = 10_000_000_000L;

    private final MessageAuthenticatorMemory messageAuthenticators;
    /** When the cluster was last asked about each client that has not signed here (registered clients only). */
    private final Map<String, Long> lastAsked = new ConcurrentHashMap<>();
    private volatile SharedMessageAuthenticators shared;
    private volatile List<Entry> snapshot = List.of();
    private final ClientDefinitions definitions;

    /** Guards the offer of the service: the bundle context while active, the registration once offered. */
    private final Object offerLock = new Object();
    private BundleContext offerContext;
    private boolean offering;
    private ServiceRegistration<ClientRegistry> offered;
    /** The wait for the vault while it lasts; cancelled once the registry is offered or deactivated. */
    private Future<?> vaultWait;

    /** Starts the wait for the vault: runs what it is given when the wait is over, unless cancelled before. */
    @FunctionalInterface
    interface VaultWait {
        Future<?> start(Runnable whenOver);
    }

    @Activate
    public ClientRegistryImpl(BundleContext context, @Reference ConfigurationAdmin configurationAdmin) {
        this(memoryFile(context), configurationAdmin);
    }

    ClientRegistryImpl(Path memoryFile) {
        this(memoryFile, null);
    }

    ClientRegistryImpl(Path memoryFile, ConfigurationAdmin configurationAdmin) {
        this.messageAuthenticators = new MessageAuthenticatorMemory(memoryFile);
        this.definitions = new ClientDefinitions(this, configurationAdmin);
    }

    /**
     * Registered by hand rather than as a component: the definitions are this registry's own object, and a
     * ManagedServiceFactory (an OSGi type) is all that shows in the service registry.
     */
    @Activate
    void activate(BundleContext context) {
        activate(context, ClientRegistryImpl::waitForVault);
    }

    /**
     * The wait as a timeout of a future of its own: cancelling the future also takes its timer task out of the JDK's
     * delay queue (a timeout is cancelled when its future completes), so nothing fires after a deactivation, and no
     * thread is kept for it. The offer itself runs in the common pool, not in the JDK's one delay thread.
     */
    static Future<?> waitForVault(Runnable whenOver) {
        CompletableFuture<Void> wait = new CompletableFuture<Void>().completeOnTimeout(null, VAULT_WAIT_SECONDS,
                TimeUnit.SECONDS);
        wait.thenRunAsync(whenOver);
        return wait;
    }

    /** @param vaultWait starts the wait after which the registry is offered without the clients still sealed */
    void activate(BundleContext context, VaultWait vaultWait) {
        definitions.files().register(context, ClientDefinition.FACTORY_PID);
        synchronized (offerLock) {
            offerContext = context;
        }
        if (!offerWhenSettled(false)) {
            LOG.info("RADIUS clients {} wait for the secret vault to open their secrets: the client registry is"
                    + " offered to the transport once it has (at most {} s)", definitions.waitingForVault(),
                    VAULT_WAIT_SECONDS);
            Future<?> started = vaultWait.start(() -> offerWhenSettled(true));
            synchronized (offerLock) {
                if (offerContext != null && !offering) {
                    this.vaultWait = started;
                    return;
                }
            }
            started.cancel(false); // offered or deactivated meanwhile
        }
    }

    @Deactivate
    void deactivate() {
        ServiceRegistration<ClientRegistry> registration;
        synchronized (offerLock) {
            offerContext = null;
            registration = offered;
            offered = null;
            endVaultWait();
        }
        if (registration != null) {
            unregister(registration);
        }
        definitions.files().unregister();
    }

    /**
     * Offers the registry as the {@link ClientRegistry} service unless a configured client still waits for the vault
     * (and the wait is not over). Registered outside the lock: the transport binds it, and opens its ports, in the
     * registering thread.
     *
     * @return whether it is offered (now or before)
     */
    boolean offerWhenSettled(boolean waitIsOver) {
        BundleContext context;
        List<String> waiting;
        synchronized (offerLock) {
            if (offering) {
                return true;
            }
            if (offerContext == null) {
                return false;
            }
            waiting = definitions.waitingForVault();
            if (!waiting.isEmpty() && !waitIsOver) {
                return false;
            }
            offering = true;
            context = offerContext;
            endVaultWait();
        }
        if (!waiting.isEmpty()) {
            LOG.warn("No secret vault has come within {} s: the client registry is offered without the RADIUS"
                    + " clients {}, whose sealed secrets wait for it", VAULT_WAIT_SECONDS, waiting);
        }
        ServiceRegistration<ClientRegistry> registration = context.registerService(ClientRegistry.class, this, null);
        synchronized (offerLock) {
            if (offerContext != null) {
                offered = registration;
                return true;
            }
        }
        unregister(registration); // deactivated meanwhile
        return true;
    }

    /** Under the offer lock. */
    private void endVaultWait() {
        if (vaultWait != null) {
            vaultWait.cancel(false);
            vaultWait = null;
        }
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
    }

    ClientDefinitions definitions() {
        return definitions;
    }

    @Override
    public List<Refusal> refusals() {
        return definitions.refusals();
    }

    /** Dynamic: a vault restart must not take every client away. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindVault(SecretVault bound) {
        definitions.vault().bind(bound);
    }

    void unbindVault(SecretVault unbound) {
        definitions.vault().unbind(unbound);
    }

    private static Path memoryFile(BundleContext context) {
        String data = context.getProperty("karaf.data");
        if (data != null) {
            return Paths.get(data).resolve(MEMORY_FILE);
        }
        File bundleData = context.getDataFile("message-authenticator-received.properties");
        return bundleData == null ? null : bundleData.toPath();
    }

    /**
     * The cluster's copy, when the cluster bundle runs: what this node learns is published, what it does not know is
     * looked up (never waited for). Dynamic: the cluster may come and go while clients keep being served.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindShared(SharedMessageAuthenticators bound) {
        shared = bound;
        lastAsked.clear();
        messageAuthenticators.all().forEach(bound::publish);
    }

    void unbindShared(SharedMessageAuthenticators unbound) {
        if (shared == unbound) {
            shared = null;
        }
    }

    @Override
    public Optional<Instant> messageAuthenticatorReceived(String clientName) {
        Optional<Instant> known = messageAuthenticators.received(clientName);
        if (known.isEmpty()) {
            askCluster(clientName);
        }
        return known;
    }

    /**
     * Asks the cluster whether another node has seen this client sign, at most every {@link #ASK_INTERVAL_NANOS} per
     * client (an unsigned gateway asks with each request); the answer applies from the next request on.
     */
    private void askCluster(String clientName) {
        SharedMessageAuthenticators cluster = shared;
        if (cluster == null) {
            return;
        }
        long now = System.nanoTime();
        Long previous = lastAsked.get(clientName);
        if (previous != null && now - previous < ASK_INTERVAL_NANOS) {
            return;
        }
        boolean mine = previous == null ? lastAsked.putIfAbsent(clientName, now) == null
                : lastAsked.replace(clientName, previous, now);
        if (!mine) {
            return; // another reading thread asks right now
        }
        cluster.lookup(clientName).thenAccept(found -> found.ifPresent(when -> {
            if (messageAuthenticators.remember(clientName, when)) {
                LOG.info("RADIUS client '{}' has sent a valid Message-Authenticator to another node of the cluster"
                        + " (first {}){}", clientName, when, autoNote(clientName));
            }
        }));
    }

    @Override
    public void receivedMessageAuthenticator(String clientName) {
        Instant now = Instant.now();
        if (messageAuthenticators.remember(clientName, now)) {
            LOG.info("RADIUS client '{}' sent a valid Message-Authenticator for the first time{}", clientName,
                    autoNote(clientName));
            SharedMessageAuthenticators cluster = shared;
            if (cluster != null) {
                cluster.publish(clientName, now);
            }
        }
    }

    private String autoNote(String clientName) {
        boolean auto = snapshot.stream().anyMatch(entry -> entry.client().name().equals(clientName)
                && entry.client().messageAuthenticator() == MessageAuthenticatorPolicy.AUTO);
        return auto ? "; with requireMessageAuthenticator = auto it must send one from now on" : "";
    }

    @Override
    public Optional<RadiusClient> find(InetAddress source) {
        for (Entry entry : snapshot) {
            if (entry.matcher().matches(source)) {
                return Optional.of(entry.client());
            }
        }
        return Optional.empty();
    }

    @Override
    public List<RadiusClient> clients() {
        return snapshot.stream().map(Entry::client).sorted(Comparator.comparing(RadiusClient::name)).toList();
    }

    /**
     * Adds or replaces the client of this configuration.
     *
     * @throws IllegalArgumentException when the name or address is already taken by another configuration
     */
    synchronized void put(String key, RadiusClient client, AddressMatcher matcher, String source) {
        for (Entry other : entries.values()) {
            if (other.key().equals(key)) {
                continue;
            }
            if (other.client().name().equalsIgnoreCase(client.name())) {
                throw new IllegalArgumentException("name '" + client.name() + "' is already used by " + other.source());
            }
            if (other.matcher().spec().equalsIgnoreCase(matcher.spec())) {
                throw new IllegalArgumentException("address '" + matcher.spec() + "' is already registered by "
                        + other.source() + " as client '" + other.client().name() + "'");
            }
        }
        entries.put(key, new Entry(key, client, matcher, source));
        publish();
        LOG.info("RADIUS client '{}' at {} registered from {} (secret {}, Message-Authenticator {}{}, Proxy-State {})",
                client.name(), matcher, source, client.secret(), client.messageAuthenticator().label(),
                client.messageAuthenticator() == MessageAuthenticatorPolicy.AUTO
                        ? messageAuthenticators.received(client.name()).map(when -> ": required, received " + when)
                                .orElse(": optional until one is received") : "",
                client.limitProxyState() ? "limited" : "allowed");
    }

    synchronized void remove(String key) {
        Entry removed = entries.remove(key);
        if (removed != null) {
            publish();
            LOG.info("RADIUS client '{}' removed", removed.client().name());
        }
    }

    private void publish() {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingInt((Entry e) -> e.matcher().prefixLength()).reversed()
                .thenComparing(e -> e.client().name()));
        snapshot = List.copyOf(sorted);
    }
}
