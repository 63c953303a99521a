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

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.RadiusClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry the transport asks for every datagram. Lookups read an immutable snapshot, sorted most specific
 * first, so that the per-packet path takes no lock; changes rebuild the snapshot.
 */
@Component(service = {ClientRegistry.class, ClientTable.class})
public final class ClientRegistryImpl implements ClientRegistry, ClientTable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientRegistryImpl.class);

    private record Entry(String key, RadiusClient client, AddressMatcher matcher, String source) {
    }

    /** Under karaf.data, which a Karaf "clean" start keeps (the bundle cache it wipes is elsewhere). */
    static final String MEMORY_FILE = "radmfa/message-authenticator-received.properties";

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final MessageAuthenticatorMemory messageAuthenticators;
    private volatile List<Entry> snapshot = List.of();

    @Activate
    public ClientRegistryImpl(BundleContext context) {
        this(memoryFile(context));
    }

    ClientRegistryImpl(Path memoryFile) {
        this.messageAuthenticators = new MessageAuthenticatorMemory(memoryFile);
    }

    private static Path memoryFile(BundleContext context) {
        String data = context.getProperty("karaf.data");
        if (data != null) {
            return Paths.get(data).resolve(MEMORY_FILE);
        }
        File bundleData = context.getDataFile("message-authenticator-received.properties");
        return bundleData == null ? null : bundleData.toPath();
    }

    @Override
    public Optional<Instant> messageAuthenticatorReceived(String clientName) {
        return messageAuthenticators.received(clientName);
    }

    @Override
    public void receivedMessageAuthenticator(String clientName) {
        if (messageAuthenticators.remember(clientName, Instant.now())) {
            boolean auto = snapshot.stream().anyMatch(entry -> entry.client().name().equals(clientName)
                    && entry.client().messageAuthenticator() == MessageAuthenticatorPolicy.AUTO);
            LOG.info("RADIUS client '{}' sent a valid Message-Authenticator for the first time{}", clientName,
                    auto ? "; with requireMessageAuthenticator = auto it must send one from now on" : "");
        }
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

    @Override
    public synchronized void put(String key, RadiusClient client, AddressMatcher matcher, String source) {
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

    @Override
    public synchronized void remove(String key) {
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
