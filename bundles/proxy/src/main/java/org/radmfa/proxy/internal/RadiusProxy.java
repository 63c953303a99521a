package org.radmfa.proxy.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AccountingSink;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.EapCredentials;
import org.radmfa.api.PolicyEngine;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.RemoteServerGroups;
import org.radmfa.api.RemoteServerStatus;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestForwarder;
import org.radmfa.api.SecretVault;
import org.radmfa.api.config.Refusal;
import org.radmfa.api.config.RefusedConfigurations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy: forwards requests to remote RADIUS server groups (NPS's remote RADIUS server groups, FreeRADIUS's home
 * server pools). A request goes to one server at a time, in {@link ServerOrder}; when it is not answered in the
 * server's timeout it counts as lost there and goes to the next. Our client's retransmits never reach here (the
 * transport joins them to the request in flight), so no request is at two servers at once. The answer to an
 * Access-Challenge goes back to the server that made the challenge, found by its State. The servers come from their
 * factory configurations through {@link RemoteServerDefinitions}, and accounting of forwarded users goes to their
 * group through {@link AccountingForwarder}: both are the proxy's own objects, so that the service registry shows
 * only API types. Immediate: the server files are read whether or not anything uses the proxy yet.
 */
@Component(service = {RequestForwarder.class, RemoteServerGroups.class, AccountingSink.class,
    RefusedConfigurations.class}, immediate = true)
public final class RadiusProxy implements RequestForwarder, RemoteServerGroups, AccountingSink,
        RefusedConfigurations {
    private static final Logger LOG = LoggerFactory.getLogger(RadiusProxy.class);
    private static final HexFormat HEX = HexFormat.of();
    /** How long a remote Access-Challenge's State is remembered; EAP and OTP conversations are shorter. */
    private static final long STICKY_NANOS = TimeUnit.MINUTES.toNanos(2);
    private static final int MAX_STICKY = 100_000;
    /** Spooled accounting records at most (a few hundred octets each on disk). */
    static final int MAX_SPOOLED = 50_000;

    /** The server that made a challenge, until when. */
    private record Sticky(String server, long expiresAtNanos) {
    }

    /** Thrown from inside a send when the request cannot be re-made for the remote server. */
    private static final class Unforwardable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unforwardable(String message) {
            super(message, null, false, false);
        }
    }

    private final AttributeCodec codec = AttributeCodec.load();
    private final SecureRandom random = new SecureRandom();
    /** By configuration key (the factory configuration's PID). */
    private final Map<String, RemoteServer> servers = new ConcurrentHashMap<>();
    /** Replaced or removed, closed by the timer once their requests in flight have had their time. */
    private final java.util.Set<RemoteServer> retiring = ConcurrentHashMap.newKeySet();
    private final Map<String, Sticky> sticky = new ConcurrentHashMap<>();
    private final AtomicInteger sinceSweep = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "radmfa-proxy-timer");
        thread.setDaemon(true);
        return thread;
    });

    /** Forwarded accounting no server acknowledged, on disk until one does. */
    private final AccountingSpool spool;
    /** Spooled records of groups without an accounting server: moved aside after a grace. */
    private final SpoolOrphans orphans;
    private final AtomicBoolean replaying = new AtomicBoolean();
    private final RemoteServerDefinitions definitions;
    private final AccountingForwarder accounting;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PolicyEngine policyEngine;

    @Activate
    public RadiusProxy(@Reference ConfigurationAdmin configurationAdmin) {
        this(Path.of(System.getProperty("karaf.data", "data"), "proxy-spool"), configurationAdmin);
    }

    RadiusProxy() {
        this(Path.of(System.getProperty("karaf.data", "data"), "proxy-spool"), (ConfigurationAdmin) null);
    }

    RadiusProxy(Path spoolDirectory) {
        this(spoolDirectory, (ConfigurationAdmin) null);
    }

    RadiusProxy(Path spoolDirectory, ConfigurationAdmin configurationAdmin) {
        this(spoolDirectory, configurationAdmin, Clock.systemUTC());
    }

    /** For tests: with a clock they move. */
    RadiusProxy(Path spoolDirectory, Clock clock) {
        this(spoolDirectory, null, clock);
    }

    private RadiusProxy(Path spoolDirectory, ConfigurationAdmin configurationAdmin, Clock clock) {
        definitions = new RemoteServerDefinitions(this, configurationAdmin);
        accounting = new AccountingForwarder(this, () -> policyEngine);
        AccountingSpool opened;
        try {
            opened = new AccountingSpool(spoolDirectory, MAX_SPOOLED);
        } catch (IOException | RuntimeException e) {
            LOG.error("The accounting spool {} cannot be read ({}); spooled records there are not replayed",
                    spoolDirectory, e.toString());
            opened = new AccountingSpool(spoolDirectory.resolveSibling(spoolDirectory.getFileName() + "-new"),
                    MAX_SPOOLED, true);
        }
        spool = opened;
        orphans = new SpoolOrphans(spool, this::takesAccounting, clock, SpoolOrphans.GRACE);
        if (spool.depth() > 0) {
            LOG.info("{} forwarded accounting records are spooled in {}; replayed as their groups answer",
                    spool.depth(), spool.directory());
        }
        timer.scheduleWithFixedDelay(this::probeDownServers, 1, 1, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::replaySpool, 2, 2, TimeUnit.SECONDS);
    }

    /**
     * Registered by hand rather than as a component, after the references are bound (so that the vault, when there,
     * seals a clear secret of the first version): the definitions are the proxy's own object, and a
     * ManagedServiceFactory (an OSGi type) is all that shows in the service registry.
     */
    @Activate
    void activate(BundleContext context) {
        definitions.files().register(context, RemoteServerDefinition.FACTORY_PID);
    }

    /** Dynamic: a vault restart must not take the servers away; a sealed secret waits for it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindVault(SecretVault bound) {
        definitions.vault().bind(bound);
    }

    void unbindVault(SecretVault unbound) {
        definitions.vault().unbind(unbound);
    }

    RemoteServerDefinitions definitions() {
        return definitions;
    }

    @Override
    public List<Refusal> refusals() {
        return definitions.refusals();
    }

    @Deactivate
    void deactivate() {
        definitions.files().unregister();
        definitions.files().clear();
        // The timer's pending closes of replaced and removed servers are discarded with it: they are closed here.
        timer.shutdownNow();
        servers.values().forEach(RemoteServer::close);
        servers.clear();
        retiring.forEach(RemoteServer::close);
        retiring.clear();
    }

    /**
     * Adds or replaces a server. A changed server gets new sockets; the old ones stay open until the requests in
     * flight on them have had their time.
     *
     * @throws IllegalArgumentException when another configuration already has a server of this name in this group
     */
    synchronized void put(String key, ServerSettings settings) {
        for (Map.Entry<String, RemoteServer> other : servers.entrySet()) {
            ServerSettings them = other.getValue().settings;
            if (!other.getKey().equals(key) && them.group().equals(settings.group())
                    && them.name().equals(settings.name())) {
                throw new IllegalArgumentException("name '" + settings.name() + "' is already a server of group '"
                        + settings.group() + "'");
            }
        }
        RemoteServer old = servers.get(key);
        if (old != null && old.settings.equals(settings)) {
            return;
        }
        servers.put(key, new RemoteServer(settings));
        if (old != null) {
            retire(old);
        }
        LOG.info("Remote RADIUS server '{}' ({}) in group '{}', priority {}, weight {}", settings.name(),
                settings.address(), settings.group(), settings.priority(), settings.weight());
    }

    synchronized void remove(String key) {
        RemoteServer old = servers.remove(key);
        if (old != null) {
            retire(old);
        }
    }

    /** Closes a server once the requests in flight on it have had their time, or when the proxy stops. */
    private void retire(RemoteServer old) {
        retiring.add(old);
        timer.schedule(() -> {
            old.close();
            retiring.remove(old);
        }, old.settings.timeoutMillis() + 1000, TimeUnit.MILLISECONDS);
    }

    @Override
    public List<RemoteServerStatus> servers() {
        List<RemoteServerStatus> all = new ArrayList<>();
        servers.values().forEach(server -> all.add(server.status()));
        all.sort(Comparator.comparing(RemoteServerStatus::group).thenComparingInt(RemoteServerStatus::priority)
                .thenComparing(RemoteServerStatus::name));
        return all;
    }

    /** Whether a server of the group takes accounting: else its spooled records cannot be delivered. */
    private boolean takesAccounting(String group) {
        return members(group).stream().anyMatch(member -> member.settings.forwardAccounting());
    }

    /** The servers of a group, and of every group when {@code group} is null. */
    List<RemoteServer> members(String group) {
        List<RemoteServer> members = new ArrayList<>();
        for (RemoteServer server : servers.values()) {
            if (group == null || server.settings.group().equals(group)) {
                members.add(server);
            }
        }
        return members;
    }

    AttributeCodec codec() {
        return codec;
    }

    @Override
    public CompletionStage<Decision> forward(String group, AuthenticationRequest request) {
        List<RemoteServer> members = members(group);
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        if (members.isEmpty()) {
            trace.add("no remote RADIUS server group named '" + group + "' is configured");
            return CompletableFuture.completedFuture(Decision.reject(ReasonCode.FORWARDING_UNAVAILABLE,
                    "no remote RADIUS server group named '" + group + "' is configured", trace));
        }
        List<RemoteServer> order = ServerOrder.order(members, RemoteServer::up, s -> s.settings.priority(),
                s -> s.settings.weight(), ThreadLocalRandom.current());
        RemoteServer maker = challenger(request, members);
        if (maker != null) {
            order.remove(maker);
            order.add(0, maker);
            trace.add("the State is of an Access-Challenge from remote server '" + maker.settings.name()
                    + "': the answer goes back to it");
        }
        CompletableFuture<Decision> decision = new CompletableFuture<>();
        attempt(group, request, order, 0, trace, decision);
        return decision;
    }

    /** The server whose Access-Challenge this request answers, if it is still in the group. */
    private RemoteServer challenger(AuthenticationRequest request, List<RemoteServer> members) {
        String state = request.attribute("State").orElse(null);
        if (state == null) {
            return null;
        }
        Sticky made = sticky.remove(normalized(state));
        if (made == null || made.expiresAtNanos() - System.nanoTime() < 0) {
            return null;
        }
        for (RemoteServer member : members) {
            if (identity(member.settings).equals(made.server())) {
                return member;
            }
        }
        return null;
    }

    private static String normalized(String state) {
        return (state.startsWith("0x") ? state.substring(2) : state).toLowerCase(java.util.Locale.ROOT);
    }

    private static String identity(ServerSettings settings) {
        return settings.group() + "/" + settings.name();
    }

    private void attempt(String group, AuthenticationRequest request, List<RemoteServer> order, int index,
            List<String> trace, CompletableFuture<Decision> decision) {
        if (index == order.size()) {
            trace.add("no server of remote group '" + group + "' answered");
            decision.complete(Decision.reject(ReasonCode.REMOTE_UNAVAILABLE, "no server of remote RADIUS server"
                    + " group '" + group + "' answered (" + order.size() + " tried)", trace));
            return;
        }
        RemoteServer server = order.get(index);
        ServerSettings settings = server.settings;
        byte[] secret = settings.secret().bytes();
        byte[] proxyState = new byte[8];
        random.nextBytes(proxyState);
        byte[][] sentAuthenticator = new byte[1][];
        long started = System.nanoTime();
        CompletableFuture<byte[]> answer = server.exchange(false, identifier -> {
            byte[] authenticator = new byte[16];
            random.nextBytes(authenticator);
            sentAuthenticator[0] = authenticator;
            byte[] attributes;
            try {
                attributes = ForwardedRequest.accessAttributes(request, secret, authenticator, proxyState, codec);
            } catch (ForwardedRequest.UnforwardableException e) {
                throw new Unforwardable(e.getMessage());
            }
            // RFC 3579 section 3.2: EAP travels with a Message-Authenticator both ways, whatever the settings say.
            boolean eap = request.credentials() instanceof EapCredentials;
            byte[] packet = Wire.request(Wire.ACCESS_REQUEST, identifier, authenticator, attributes, secret,
                    settings.sendMessageAuthenticator() || eap);
            return new ProxyPort.Outgoing(packet, received -> accessAnswerProblem(received, authenticator, secret,
                    settings.requireMessageAuthenticator() || eap));
        });
        server.sent();
        answer.whenComplete((bytes, failure) -> {
            long millis = (System.nanoTime() - started) / 1_000_000;
            String where = "remote server '" + settings.name() + "' (" + settings.address() + ")";
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (cause instanceof Unforwardable) {
                    trace.add("cannot forward: " + cause.getMessage());
                    decision.complete(Decision.reject(ReasonCode.UNSUPPORTED_AUTH_METHOD, "cannot forward to"
                            + " remote RADIUS server group '" + group + "': " + cause.getMessage(), trace));
                    return;
                }
                if (cause instanceof RemoteServer.NotSent) {
                    trace.add(where + ": not sent (" + cause.getMessage() + "), not counted against it");
                    attempt(group, request, order, index + 1, trace, decision);
                    return;
                }
                server.lost();
                trace.add(where + ": " + (cause instanceof TimeoutException ? "no answer within "
                        + settings.timeoutMillis() + " ms" : "not sent (" + cause.getMessage() + ")")
                        + (server.up() ? "" : "; the server is down"));
                attempt(group, request, order, index + 1, trace, decision);
                return;
            }
            server.answered(millis);
            try {
                RemoteAnswer remote = RemoteAnswer.decode(bytes, secret, sentAuthenticator[0], codec);
                decision.complete(decide(group, server, remote, millis, trace));
            } catch (RuntimeException e) {
                // Never left without a decision: whenComplete would swallow this and the client get no answer.
                LOG.error("The answer of remote server '{}' of group '{}' cannot be decoded", settings.name(), group,
                        e);
                trace.add(where + ": " + Wire.codeName(bytes[0] & 0xFF) + " that cannot be decoded (" + e + ")");
                decision.complete(Decision.reject(ReasonCode.INTERNAL_ERROR, "the answer of remote server '"
                        + settings.name() + "' of group '" + group + "' cannot be decoded", trace));
            }
        });
    }

    /** Authentic, and an answer an Access-Request may get. */
    private static String accessAnswerProblem(byte[] answer, byte[] authenticator, byte[] secret,
            boolean requireMessageAuthenticator) {
        int code = answer[0] & 0xFF;
        if (code != Wire.ACCESS_ACCEPT && code != Wire.ACCESS_REJECT && code != Wire.ACCESS_CHALLENGE) {
            return "code " + code + " does not answer an Access-Request";
        }
        return Wire.answerProblem(answer, authenticator, secret, requireMessageAuthenticator);
    }

    private Decision decide(String group, RemoteServer server, RemoteAnswer remote, long millis,
            List<String> trace) {
        String where = "remote server '" + server.settings.name() + "' (" + server.settings.address() + ")";
        List<String> names = new ArrayList<>();
        for (ReplyAttribute attribute : remote.attributes()) {
            names.add(attribute.name());
        }
        // Names only: values may be keys or tokens of the remote server.
        trace.add(where + ": " + Wire.codeName(remote.code()) + " in " + millis + " ms"
                + (names.isEmpty() ? "" : " with " + String.join(", ", names)));
        remote.dropped().forEach(dropped -> trace.add("not passed on: " + dropped));
        String detail = Wire.codeName(remote.code()) + " from remote server '" + server.settings.name()
                + "' of group '" + group + "' in " + millis + " ms";
        return switch (remote.code()) {
            case Wire.ACCESS_ACCEPT -> new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, detail, null,
                    remote.attributes(), trace);
            case Wire.ACCESS_CHALLENGE -> {
                if (remote.state() != null) {
                    remember(HEX.formatHex(remote.state()), server);
                }
                yield new Decision(Decision.Outcome.CHALLENGE, ReasonCode.REMOTE_CHALLENGE, detail, null,
                        remote.attributes(), trace);
            }
            default -> new Decision(Decision.Outcome.REJECT, ReasonCode.REMOTE_REJECTED, detail, null,
                    remote.attributes(), trace);
        };
    }

    private void remember(String state, RemoteServer server) {
        long now = System.nanoTime();
        if (sinceSweep.incrementAndGet() >= 1024) {
            sinceSweep.set(0);
            for (Iterator<Sticky> it = sticky.values().iterator(); it.hasNext();) {
                if (it.next().expiresAtNanos() - now < 0) {
                    it.remove();
                }
            }
        }
        if (sticky.size() < MAX_STICKY) {
            sticky.put(state, new Sticky(identity(server.settings), now + STICKY_NANOS));
        }
    }

    /**
     * Forwards an Accounting-Request to the servers of the group that take accounting, one at a time in the same
     * order as Access-Requests, and completes when one of them acknowledged it with an Accounting-Response.
     *
     * @param userName the User-Name as the connection request policy rewrote it
     * @return the name of the server that acknowledged it
     */
    CompletableFuture<String> forwardAccounting(String group, AccountingRecord record, String userName) {
        List<RemoteServer> members = new ArrayList<>(members(group));
        members.removeIf(member -> !member.settings.forwardAccounting());
        List<RemoteServer> order = ServerOrder.order(members, RemoteServer::up, s -> s.settings.priority(),
                s -> s.settings.weight(), ThreadLocalRandom.current());
        CompletableFuture<String> acknowledged = new CompletableFuture<>();
        if (order.isEmpty()) {
            acknowledged.completeExceptionally(new Unforwardable("no server of remote RADIUS server group '"
                    + group + "' takes accounting"));
            return acknowledged;
        }
        attemptAccounting(group, record, userName, order, 0, acknowledged);
        return acknowledged;
    }

    private void attemptAccounting(String group, AccountingRecord record, String userName, List<RemoteServer> order,
            int index, CompletableFuture<String> acknowledged) {
        if (index == order.size()) {
            acknowledged.completeExceptionally(new IllegalStateException("no server of remote RADIUS server group '"
                    + group + "' acknowledged accounting record " + record.id()));
            return;
        }
        RemoteServer server = order.get(index);
        byte[] secret = server.settings.secret().bytes();
        byte[] proxyState = new byte[8];
        random.nextBytes(proxyState);
        long started = System.nanoTime();
        CompletableFuture<byte[]> answer = server.exchange(true, identifier -> {
            byte[] attributes;
            try {
                attributes = ForwardedRequest.accountingAttributes(record, userName, proxyState, codec);
            } catch (ForwardedRequest.UnforwardableException e) {
                throw new Unforwardable(e.getMessage());
            }
            // RFC 2866: the Request Authenticator is computed over the packet, so there is nothing to add.
            byte[] packet = Wire.request(Wire.ACCOUNTING_REQUEST, identifier, null, attributes, secret, false);
            byte[] authenticator = Wire.authenticator(packet);
            return new ProxyPort.Outgoing(packet, received -> (received[0] & 0xFF) != Wire.ACCOUNTING_RESPONSE
                    ? "code " + (received[0] & 0xFF) + " does not answer an Accounting-Request"
                    : Wire.answerProblem(received, authenticator, secret, false));
        });
        server.sent();
        answer.whenComplete((bytes, failure) -> {
            if (failure == null) {
                server.answered((System.nanoTime() - started) / 1_000_000);
                acknowledged.complete(server.settings.name());
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof Unforwardable) {
                acknowledged.completeExceptionally(cause);
                return;
            }
            if (!(cause instanceof RemoteServer.NotSent)) {
                server.lost();
            }
            attemptAccounting(group, record, userName, order, index + 1, acknowledged);
        });
    }

    /** Whether a failed forward can never succeed (nothing to spool): no server takes it, or it cannot be re-made. */
    static boolean unforwardable(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        return cause instanceof Unforwardable;
    }

    AccountingSpool spool() {
        return spool;
    }

    /** The accounting sink of forwarded users, named "proxy" as before. */
    @Override
    public String name() {
        return accounting.name();
    }

    @Override
    public CompletionStage<Void> store(AccountingRecord record) {
        return accounting.store(record);
    }

    @Override
    public int spooledAccounting() {
        return spool.depth();
    }

    /**
     * Replays the spooled accounting, oldest first and one record at a time; a group that does not acknowledge one
     * is left alone until the next pass (every 2 s), the others go on.
     */
    void replaySpool() {
        if (spool.depth() == 0) {
            return;
        }
        try {
            // Apart from the replay: a group without an accounting server has nothing in flight to wait for.
            orphans.check();
        } catch (RuntimeException e) {
            // Caught: an exception would end the timer's schedule, and the replay with it.
            LOG.warn("Checking the accounting spool {} for groups without servers failed: {}", spool.directory(),
                    e.toString());
        }
        if (!replaying.compareAndSet(false, true)) {
            return;
        }
        try {
            replay(spool.files(), 0, new java.util.HashSet<>(), 0);
        } catch (IOException | RuntimeException e) {
            replaying.set(false);
            LOG.warn("Reading the accounting spool {} failed: {}", spool.directory(), e.toString());
        }
    }

    private void replay(List<Path> files, int index, java.util.Set<String> silentGroups, int delivered) {
        for (int i = index; i < files.size(); i++) {
            AccountingSpool.Entry entry;
            try {
                entry = spool.read(files.get(i));
            } catch (IOException | RuntimeException e) {
                LOG.error("Spooled accounting record {} cannot be read ({}); moved aside as .bad", files.get(i),
                        e.toString());
                setAside(files.get(i));
                continue;
            }
            if (silentGroups.contains(entry.group())) {
                continue;
            }
            int next = i + 1;
            forwardAccounting(entry.group(), entry.record(), entry.userName()).whenComplete((server, failure) -> {
                if (failure != null) {
                    silentGroups.add(entry.group());
                    replay(files, next, silentGroups, delivered);
                    return;
                }
                try {
                    spool.remove(entry.file());
                } catch (IOException e) {
                    LOG.warn("Delivered spooled accounting record {} could not be removed: {}", entry.file(),
                            e.toString());
                }
                LOG.debug("Spooled accounting record {} acknowledged by remote server '{}' of group '{}'",
                        entry.record().id(), server, entry.group());
                replay(files, next, silentGroups, delivered + 1);
            });
            return;
        }
        replaying.set(false);
        if (delivered > 0) {
            LOG.info("{} spooled accounting records delivered to their remote RADIUS server groups; {} left", delivered,
                    spool.depth());
        }
    }

    private void setAside(Path file) {
        try {
            Files.move(file, file.resolveSibling(file.getFileName() + ".bad"));
            spool.forget(file);
        } catch (IOException e) {
            LOG.warn("Cannot move {} aside: {}", file, e.toString());
        }
    }

    /** RFC 5997: a down server is asked Status-Server once per blackout interval; an authentic answer is enough. */
    private void probeDownServers() {
        try {
            long now = System.nanoTime();
            for (RemoteServer server : servers.values()) {
                if (server.probeDue(now)) {
                    probe(server);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Probing remote RADIUS servers failed: {}", e.toString());
        }
    }

    CompletableFuture<byte[]> probe(RemoteServer server) {
        byte[] secret = server.settings.secret().bytes();
        long started = System.nanoTime();
        CompletableFuture<byte[]> answer = server.exchange(false, identifier -> {
            byte[] authenticator = new byte[16];
            random.nextBytes(authenticator);
            // RFC 5997 section 3: Status-Server always carries a Message-Authenticator.
            byte[] packet = Wire.request(Wire.STATUS_SERVER, identifier, authenticator, new byte[0], secret, true);
            return new ProxyPort.Outgoing(packet, received -> (received[0] & 0xFF) != Wire.ACCESS_ACCEPT
                    ? "code " + (received[0] & 0xFF) + " does not answer Status-Server"
                    : Wire.answerProblem(received, authenticator, secret, false));
        });
        answer.thenRun(() -> server.answered((System.nanoTime() - started) / 1_000_000));
        return answer;
    }

    /** For tests: whether the server of this configuration key is up. */
    boolean up(String key) {
        RemoteServer server = servers.get(key);
        return server != null && server.up();
    }

    @Override
    public String toString() {
        return "RadiusProxy[" + servers.size() + " servers]";
    }
}
