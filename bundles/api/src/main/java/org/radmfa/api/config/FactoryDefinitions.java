package org.radmfa.api.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The definitions of one factory configuration ({@code etc/<factoryPid>-NAME.cfg}, one definition per file), read
 * the same way for every kind: each configuration is read with its {@link ConfigType} (the OCD's keys and defaults)
 * by the kind's {@link Reader}, checked against the other accepted definitions ({@link Clash}), and then either
 * accepted or refused with its file, key and reason while its last good definition keeps serving. It also answers
 * which definitions serve and which configurations are refused right now, for checks and consoles.
 *
 * <p>It logs nothing and holds no OSGi state: the component that owns the definitions feeds it ConfigurationAdmin's
 * updates and deletions and logs what {@link #update} returns ({@link Update#refusal()}, {@link Update#warnings()}).
 * Thread-safe; {@link #definitions()} reads a snapshot without locking.
 *
 * @param <D> the definition read from one configuration
 * @since 1.2
 */
public final class FactoryDefinitions<D> {

    /** What is specific to one kind of definition: reading and checking one configuration. */
    @FunctionalInterface
    public interface Reader<D> {
        /** @throws InvalidConfigurationException naming the key and the reason; never the value of a secret */
        D read(ConfigReader config) throws InvalidConfigurationException;
    }

    /** A rule between two definitions of the same kind, such as a unique name or address. */
    @FunctionalInterface
    public interface Clash<D> {
        /**
         * @param otherSource the file (or PID) the other, accepted definition came from
         * @throws InvalidConfigurationException when the candidate cannot serve next to the other one
         */
        void check(D candidate, D other, String otherSource, ConfigReader config) throws InvalidConfigurationException;
    }

    /** Where an accepted definition goes besides this table (the owner's own lookup structure). */
    @FunctionalInterface
    public interface Install<D> {
        /** @throws InvalidConfigurationException when the owner cannot take it; the last good one then stays */
        void install(String pid, D definition, ConfigReader config) throws InvalidConfigurationException;
    }

    private record Accepted<D>(D definition, String source) {
    }

    private final String kind;
    private final ConfigType type;
    private final Reader<D> reader;
    private final Clash<D> clash;
    private final List<String> alsoKnown = new ArrayList<>();
    private final Map<String, Accepted<D>> accepted = new LinkedHashMap<>();
    private final Map<String, Refusal> refused = new LinkedHashMap<>();
    /** The properties each PID was last given, accepted or not, for {@link #readAgain}. */
    private final Map<String, Map<String, ?>> lastGiven = new LinkedHashMap<>();
    private volatile Map<String, D> snapshot = Map.of();

    /**
     * @param kind what one definition is, for messages: "RADIUS client", "local user"
     * @param type the configuration type (OCD) whose keys are known and whose defaults apply
     */
    public FactoryDefinitions(String kind, ConfigType type, Reader<D> reader) {
        this(kind, type, reader, (candidate, other, otherSource, config) -> {
        });
    }

    public FactoryDefinitions(String kind, ConfigType type, Reader<D> reader, Clash<D> clash) {
        this.kind = kind;
        this.type = type;
        this.reader = reader;
        this.clash = clash;
    }

    /**
     * Keys the type does not declare that the reader reads nevertheless; one ending with a dot is a prefix
     * ({@code "condition."}). Call before the first update.
     */
    public FactoryDefinitions<D> alsoKnown(String... keysAndPrefixes) {
        alsoKnown.addAll(List.of(keysAndPrefixes));
        return this;
    }

    /** What one definition is, as in messages. */
    public String kind() {
        return kind;
    }

    /** Reads a configuration as it came from ConfigurationAdmin (added or changed) and accepts or refuses it. */
    public Update<D> update(String pid, Map<String, ?> properties) {
        return update(pid, properties, (p, definition, config) -> {
        });
    }

    /**
     * Reads a configuration, checks it against the other accepted definitions, lets the owner install it, and
     * accepts it; on the first refusal, the last good definition of this PID stays.
     */
    public synchronized Update<D> update(String pid, Map<String, ?> properties, Install<D> install) {
        lastGiven.put(pid, properties);
        ConfigReader config = type.read(properties);
        try {
            D definition = reader.read(config);
            for (Map.Entry<String, Accepted<D>> other : accepted.entrySet()) {
                if (!other.getKey().equals(pid)) {
                    clash.check(definition, other.getValue().definition(), other.getValue().source(), config);
                }
            }
            install.install(pid, definition, config);
            accepted.put(pid, new Accepted<>(definition, config.source()));
            refused.remove(pid);
            publish();
            List<String> warnings = unknownKeys(config).stream().map(key -> config.source() + ": key '" + key
                    + "' is not a " + kind + " setting and is ignored").toList();
            return new Update<>(pid, config.source(), definition, null, warnings);
        } catch (InvalidConfigurationException e) {
            Refusal refusal = new Refusal(pid, kind, e.source(), e.key(), e.reason(), accepted.containsKey(pid),
                    e.waitsForVault());
            refused.put(pid, refusal);
            return new Update<>(pid, config.source(), null, refusal, List.of());
        }
    }

    /**
     * Reads every configuration again as it was last given, e.g. when something the reader depends on came back
     * (a vault that opens sealed secrets, a directory that knows a group).
     */
    public synchronized List<Update<D>> readAgain(Install<D> install) {
        return readAgain(List.copyOf(lastGiven.keySet()), install);
    }

    /** Reads these configurations again as they were last given; PIDs never given or removed are skipped. */
    public synchronized List<Update<D>> readAgain(Collection<String> pids, Install<D> install) {
        List<Update<D>> updates = new ArrayList<>();
        for (String pid : List.copyOf(pids)) {
            Map<String, ?> given = lastGiven.get(pid);
            if (given != null) {
                updates.add(update(pid, given, install));
            }
        }
        return updates;
    }

    /** Forgets a deleted configuration; returns the definition that served for it. */
    public synchronized Optional<D> remove(String pid) {
        lastGiven.remove(pid);
        refused.remove(pid);
        Accepted<D> removed = accepted.remove(pid);
        if (removed == null) {
            return Optional.empty();
        }
        publish();
        return Optional.of(removed.definition());
    }

    /** Forgets every definition (the owner stops). */
    public synchronized void clear() {
        accepted.clear();
        refused.clear();
        lastGiven.clear();
        publish();
    }

    /**
     * Reads a definition given to an admin service before it is stored, as its file would be read, refusing any key
     * the kind does not know (in a file it is only warned about; given here it is most likely a typo). Checks
     * between definitions (unique names) are the caller's.
     */
    public D validate(Map<String, ?> properties) throws InvalidConfigurationException {
        ConfigReader config = type.read(properties);
        D definition = reader.read(config);
        Optional<String> unknown = unknownKeys(config).stream().findFirst();
        if (unknown.isPresent()) {
            throw config.invalid(unknown.get(), "is not a " + kind + " setting");
        }
        return definition;
    }

    /** The definitions that serve, by configuration PID, in the order they were first accepted. */
    public Map<String, D> definitions() {
        return snapshot;
    }

    /** The file (or PID) the serving definition of a PID came from. */
    public synchronized Optional<String> source(String pid) {
        return Optional.ofNullable(accepted.get(pid)).map(Accepted::source);
    }

    /** The configurations refused right now, each with its file, key and reason. */
    public synchronized List<Refusal> refusals() {
        return List.copyOf(refused.values());
    }

    private List<String> unknownKeys(ConfigReader config) {
        List<String> prefixes = alsoKnown.stream().filter(k -> k.endsWith(".")).toList();
        return config.unknownKeys(prefixes.toArray(String[]::new)).stream()
                .filter(key -> !alsoKnown.contains(key)).toList();
    }

    private void publish() {
        Map<String, D> definitions = new LinkedHashMap<>();
        accepted.forEach((pid, entry) -> definitions.put(pid, entry.definition()));
        snapshot = Collections.unmodifiableMap(definitions);
    }

    /**
     * What one update did: the definition accepted, or the refusal; and warnings about keys that are ignored.
     *
     * @param <D> the definition
     */
    public static final class Update<D> {
        private final String pid;
        private final String source;
        private final D accepted;
        private final Refusal refusal;
        private final List<String> warnings;

        Update(String pid, String source, D accepted, Refusal refusal, List<String> warnings) {
            this.pid = pid;
            this.source = source;
            this.accepted = accepted;
            this.refusal = refusal;
            this.warnings = warnings;
        }

        public String pid() {
            return pid;
        }

        /** The file (or PID) the configuration came from. */
        public String source() {
            return source;
        }

        public Optional<D> accepted() {
            return Optional.ofNullable(accepted);
        }

        public Optional<Refusal> refusal() {
            return Optional.ofNullable(refusal);
        }

        /** One message per key that is neither declared nor known: most likely a typo. */
        public List<String> warnings() {
            return warnings;
        }
    }
}
