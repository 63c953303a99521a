package org.radmfa.clients.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which clients have sent a valid Message-Authenticator, and when first: the state behind FreeRADIUS 3.2.5's
 * {@code require_message_authenticator = auto}. Kept in a small properties file (client name = ISO instant) so that
 * a restart does not lower a client back to "optional". Reads are a map lookup (every request asks); a write happens
 * once per client.
 */
final class MessageAuthenticatorMemory {
    private static final Logger LOG = LoggerFactory.getLogger(MessageAuthenticatorMemory.class);

    private final Path file;
    private final Map<String, Instant> received = new ConcurrentHashMap<>();

    /** @param file where the state survives restarts; null keeps it in memory only */
    MessageAuthenticatorMemory(Path file) {
        this.file = file;
        load();
    }

    Optional<Instant> received(String client) {
        return Optional.ofNullable(received.get(client));
    }

    /** Every client remembered, with when it first sent one. */
    Map<String, Instant> all() {
        return Map.copyOf(received);
    }

    /**
     * Remembers the client; written to the file before it returns the first time, so a crash cannot lose it.
     *
     * @return whether this was the first time
     */
    boolean remember(String client, Instant now) {
        if (received.containsKey(client)) {
            return false;
        }
        synchronized (this) {
            if (received.putIfAbsent(client, now) != null) {
                return false;
            }
            save();
            return true;
        }
    }

    private void load() {
        if (file == null || !Files.exists(file)) {
            return;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("Cannot read {} ({}): clients with requireMessageAuthenticator = auto are treated as not having"
                    + " sent a Message-Authenticator until they send one again", file, e.toString());
            return;
        }
        for (String client : properties.stringPropertyNames()) {
            try {
                received.put(client, Instant.parse(properties.getProperty(client).trim()));
            } catch (DateTimeParseException e) {
                LOG.warn("{}: '{}' is not an instant for client '{}'; ignored", file, properties.getProperty(client),
                        client);
            }
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        Map<String, String> sorted = new TreeMap<>();
        received.forEach((client, when) -> sorted.put(client, when.toString()));
        Properties properties = new Properties();
        properties.putAll(sorted);
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                properties.store(writer, "RADIUS clients that have sent a valid Message-Authenticator (first time);"
                        + " written by radmfa. Remove a line to let that client send requests without one again"
                        + " (requireMessageAuthenticator = auto).");
            }
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.error("Cannot write {} ({}); what clients have sent is remembered until restart only", file,
                    e.toString());
        }
    }
}
