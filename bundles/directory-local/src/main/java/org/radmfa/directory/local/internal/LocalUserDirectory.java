package org.radmfa.directory.local.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.CertificateCredentials;
import org.radmfa.api.ChapCredentials;
import org.radmfa.api.DirectoryListener;
import org.radmfa.api.MsChapV2Credentials;
import org.radmfa.api.MsChapV2PasswordChange;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.SecretVault;
import org.radmfa.api.User;
import org.radmfa.api.UserDirectory;
import org.radmfa.api.config.Refusal;
import org.radmfa.api.config.RefusedConfigurations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded user store: users from {@code etc/org.radmfa.user-NAME.cfg}, passwords as salted PBKDF2 hashes.
 * The slow hash runs on a small pool, never on the transport's thread. After one slow check succeeds, a keyed
 * digest of the password is kept in memory only, so that a user's repeated logins cost microseconds, not the
 * hash's deliberate tens of milliseconds; it is forgotten when the user's definition changes.
 */
@Component(service = {UserDirectory.class, RefusedConfigurations.class}, configurationPid = LocalUserDirectory.PID)
@Designate(ocd = LocalUserDirectory.Config.class)
public final class LocalUserDirectory implements UserDirectory, RefusedConfigurations {
    static final String PID = "org.radmfa.directory.local";
    private static final Logger LOG = LoggerFactory.getLogger(LocalUserDirectory.class);

    @ObjectClassDefinition(name = "radmfa local user directory",
            description = "The embedded user store. Users are factory configurations org.radmfa.user.")
    @interface Config {
        @AttributeDefinition(name = "Name", description = "Directory name used in traces and policies")
        String name() default "local";

        @AttributeDefinition(name = "Hashing threads",
                description = "Threads that verify password hashes; 0 means one per processor")
        int hashThreads() default 0;

        @AttributeDefinition(name = "Hashing queue",
                description = "Password checks allowed to wait for a hashing thread; beyond that a request is"
                        + " rejected as directory unavailable instead of piling up")
        int hashQueue() default 4096;
    }

    /** One user definition with one password (its cache digest): what concurrent checks of it share. */
    private record PasswordCheck(Entry entry, ByteBuffer digest) {
    }

    private record Entry(String key, LocalUser user, String source) {
    }

    private final String name;
    private final Map<String, Entry> users = new ConcurrentHashMap<>();
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    /**
     * Password hash checks under way. A storm of logins of one user (or one gateway's retries with new identifiers)
     * arrives faster than one PBKDF2 check ends; without this each started its own before the first was cached.
     */
    private final Map<PasswordCheck, CompletableFuture<Boolean>> checking = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor hashing;
    /** Keyed per thread once: a provider look-up and key set-up per request cost more than the digest itself. */
    private final ThreadLocal<Mac> cacheMac;
    private final ConfigurationAdmin configurationAdmin;

    /** Listeners given directly (tests); the listener services are looked up when the groups change. */
    private final List<DirectoryListener> listeners = new CopyOnWriteArrayList<>();
    /** While active: where the listener services are looked up. */
    private volatile BundleContext context;
    private final LocalUserDefinitions definitions;

    @Activate
    public LocalUserDirectory(Config config, @Reference ConfigurationAdmin configurationAdmin) {
        this.name = config.name();
        this.configurationAdmin = configurationAdmin;
        this.definitions = new LocalUserDefinitions(this, configurationAdmin);
        int threads = config.hashThreads() > 0 ? config.hashThreads() : Runtime.getRuntime().availableProcessors();
        AtomicInteger counter = new AtomicInteger();
        this.hashing = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, config.hashQueue())), runnable -> {
                    Thread thread = new Thread(runnable, "radmfa-password-hash-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        hashing.allowCoreThreadTimeOut(true);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        SecretKeySpec cacheKey = new SecretKeySpec(key, "HmacSHA256");
        this.cacheMac = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(cacheKey);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
            }
        });
    }

    /**
     * Registered by hand rather than as a component: the user definitions are this directory's own object, and a
     * ManagedServiceFactory (an OSGi type) is all that shows in the service registry.
     */
    @Activate
    void activate(BundleContext context) {
        definitions.files().register(context, LocalUserDefinition.FACTORY_PID);
        // Only now: the users read above are no change to a listener, which learns of them when it binds this
        // directory (and asking for a listener while this directory is being activated would close a cycle).
        this.context = context;
    }

    LocalUserDefinitions definitions() {
        return definitions;
    }

    @Override
    public List<Refusal> refusals() {
        return definitions.refusals();
    }

    /** Dynamic: a vault restart must not take the users away; sealed CHAP passwords wait for it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindVault(SecretVault bound) {
        definitions.vault().bind(bound);
    }

    void unbindVault(SecretVault unbound) {
        definitions.vault().unbind(unbound);
    }

    /** For tests: a listener told as the services are. */
    void addListener(DirectoryListener listener) {
        listeners.add(listener);
    }

    @Deactivate
    void deactivate() {
        context = null;
        definitions.files().unregister();
        hashing.shutdownNow();
        // The checks still queued never run now: their logins are answered instead of waiting for ever.
        checking.values().forEach(check -> check.completeExceptionally(
                new IllegalStateException("directory " + name + " stopped")));
    }

    /** For tests: the pool password checks run on. */
    ThreadPoolExecutor hashing() {
        return hashing;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request) {
        String userKey = request.userName().toLowerCase(Locale.ROOT);
        Entry entry = users.get(userKey);
        if (entry == null) {
            return CompletableFuture.completedFuture(PrimaryAuthResult.rejected(ReasonCode.UNKNOWN_USER,
                    "no user '" + request.userName() + "' in directory " + name));
        }
        LocalUser user = entry.user();
        if (!user.enabled()) {
            return CompletableFuture.completedFuture(PrimaryAuthResult.rejected(ReasonCode.ACCOUNT_DISABLED,
                    "user '" + user.name() + "' is disabled in directory " + name));
        }
        if (request.credentials() instanceof MsChapV2Credentials msChap) {
            return CompletableFuture.completedFuture(msChapV2(request.userName(), user, msChap));
        }
        if (request.credentials() instanceof MsChapV2PasswordChange change) {
            // Never offered (no 648 R=1 from here): the local store's passwords are set by an administrator.
            return CompletableFuture.completedFuture(PrimaryAuthResult.rejected(ReasonCode.UNSUPPORTED_AUTH_METHOD,
                    "user '" + user.name() + "' of directory " + name + " cannot change the password by MS-CHAPv2:"
                            + " the local store's passwords are set by an administrator")
                    .withReplyAttributes(change.response().failureAttributes(ReasonCode.UNSUPPORTED_AUTH_METHOD)));
        }
        if (request.credentials() instanceof CertificateCredentials certificate) {
            // The EAP method has verified the certificate; as NPS, the directory only maps it to a user.
            return CompletableFuture.completedFuture(new PrimaryAuthResult(ReasonCode.ACCEPTED,
                    new User(user.name(), user.groups(), name, user.dialIn()),
                    "certificate " + certificate.subject() + " issued by " + certificate.issuer() + " maps to user '"
                            + user.name() + "' in directory " + name));
        }
        if (request.credentials() instanceof ChapCredentials chap) {
            return CompletableFuture.completedFuture(chap(user, chap));
        }
        if (!(request.credentials() instanceof PapCredentials pap)) {
            return CompletableFuture.completedFuture(PrimaryAuthResult.rejected(
                    ReasonCode.UNSUPPORTED_AUTH_METHOD, request.credentials().method()
                            + " is not supported by directory " + name + " for user '" + user.name() + "'"));
        }
        byte[] digest = fastDigest(userKey, pap.password());
        byte[] known = verified.get(userKey);
        if (known != null) {
            return CompletableFuture.completedFuture(MessageDigest.isEqual(known, digest)
                    ? accepted(user) : wrongPassword(user));
        }
        PasswordCheck key = new PasswordCheck(entry, ByteBuffer.wrap(digest));
        CompletableFuture<Boolean> check = new CompletableFuture<>();
        CompletableFuture<Boolean> running = checking.putIfAbsent(key, check);
        if (running == null) {
            try {
                hashing.execute(() -> verify(key, check, userKey, pap.password()));
            } catch (RejectedExecutionException e) {
                checking.remove(key, check);
                return CompletableFuture.completedFuture(PrimaryAuthResult.rejected(ReasonCode.DIRECTORY_UNAVAILABLE,
                        "directory " + name + " is overloaded: " + hashing.getQueue().size()
                                + " password checks waiting"));
            }
            running = check;
        }
        return running.handle((matches, failure) -> failure != null
                ? PrimaryAuthResult.rejected(ReasonCode.DIRECTORY_UNAVAILABLE, "the password of user '" + user.name()
                        + "' could not be checked: " + failure.getMessage())
                : matches ? accepted(user) : wrongPassword(user));
    }

    /** Runs on the hashing pool: the slow check, its result cached when it matches, then its joiners answered. */
    private void verify(PasswordCheck key, CompletableFuture<Boolean> check, String userKey, String password) {
        try {
            boolean matches = key.entry().user().passwordHash().verify(password);
            // Only cache if the definition checked is still the current one.
            if (matches && users.get(userKey) == key.entry()) {
                verified.put(userKey, key.digest().array());
            }
            check.complete(matches);
        } catch (RuntimeException | LinkageError e) {
            check.completeExceptionally(e);
        } finally {
            checking.remove(key, check);
        }
    }

    /**
     * RFC 2759: recompute the NT-Response from the stored NT hash. On success the reply carries MS-CHAP2-Success
     * (the authenticator response) and the MPPE keys (RFC 3079); on failure MS-CHAP-Error 691.
     */
    private PrimaryAuthResult msChapV2(String userName, LocalUser user, MsChapV2Credentials credentials) {
        byte[] ntHash = user.ntHash();
        if (ntHash == null) {
            return PrimaryAuthResult.rejected(ReasonCode.UNSUPPORTED_AUTH_METHOD, "user '" + user.name()
                    + "' is not allowed MS-CHAPv2 (no NT hash stored)")
                    .withReplyAttributes(credentials.failureAttributes(ReasonCode.UNSUPPORTED_AUTH_METHOD));
        }
        byte[] expected = MsChapV2.ntResponse(credentials.challengeHash(userName), ntHash);
        if (!MessageDigest.isEqual(expected, credentials.ntResponse())) {
            return wrongPassword(user)
                    .withReplyAttributes(credentials.failureAttributes(ReasonCode.AUTHENTICATION_FAILED));
        }
        return accepted(user).withReplyAttributes(credentials.successAttributes(userName, Md4.digest(ntHash)));
    }

    /** RFC 1994 section 4.1: the response is MD5(identifier + secret + challenge). */
    private PrimaryAuthResult chap(LocalUser user, ChapCredentials credentials) {
        if (user.chapPassword() == null) {
            return PrimaryAuthResult.rejected(ReasonCode.UNSUPPORTED_AUTH_METHOD, "user '" + user.name()
                    + "' is not allowed CHAP (no reversibly encrypted password stored)");
        }
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update((byte) credentials.chapId());
            md5.update(user.chapPassword().getBytes(StandardCharsets.UTF_8));
            md5.update(credentials.challenge());
            return MessageDigest.isEqual(md5.digest(), credentials.response()) ? accepted(user) : wrongPassword(user);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    private PrimaryAuthResult accepted(LocalUser user) {
        return PrimaryAuthResult.accepted(new User(user.name(), user.groups(), name, user.dialIn()));
    }

    private PrimaryAuthResult wrongPassword(LocalUser user) {
        return PrimaryAuthResult.rejected(ReasonCode.AUTHENTICATION_FAILED,
                "wrong password for user '" + user.name() + "'");
    }

    private byte[] fastDigest(String userKey, String password) {
        Mac mac = cacheMac.get();
        mac.update(userKey.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds or replaces the user of this configuration.
     *
     * @throws IllegalArgumentException when another configuration already has this user name
     */
    void put(String key, LocalUser user, String source) {
        String userKey = user.name().toLowerCase(Locale.ROOT);
        synchronized (users) {
            Entry existing = users.get(userKey);
            if (existing != null && !existing.key().equals(key)) {
                throw new IllegalArgumentException("user '" + user.name() + "' is already defined in "
                        + existing.source());
            }
            users.values().removeIf(e -> e.key().equals(key));
            verified.keySet().retainAll(users.keySet());
            users.put(userKey, new Entry(key, user, source));
            verified.remove(userKey);
        }
        LOG.info("Local user '{}' ({}, groups {}) loaded from {}", user.name(),
                user.enabled() ? "enabled" : "disabled", user.groups(), source);
        if (!user.groups().isEmpty()) {
            announceGroupsChanged();
        }
    }

    void remove(String key) {
        synchronized (users) {
            users.values().removeIf(e -> e.key().equals(key));
            verified.keySet().retainAll(users.keySet());
        }
        announceGroupsChanged();
    }

    /**
     * A group exists while some user is in it. The user configurations in ConfigurationAdmin count as well as the
     * loaded users: a policy and its group's first user often arrive together, in either order.
     */
    @Override
    public GroupLookup findGroup(String group) {
        for (Entry entry : users.values()) {
            if (containsIgnoringCase(entry.user().groups(), group)) {
                return GroupLookup.FOUND;
            }
        }
        try {
            Configuration[] definitions = configurationAdmin.listConfigurations(
                    "(service.factoryPid=" + LocalUserDefinition.FACTORY_PID + ")");
            for (Configuration definition : definitions == null ? new Configuration[0] : definitions) {
                if (definition.getProperties() != null
                        && containsIgnoringCase(groupNames(definition.getProperties().get("groups")), group)) {
                    return GroupLookup.FOUND;
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("Could not list local user definitions to look up group '{}': {}", group, e.toString());
            return GroupLookup.CANNOT_TELL;
        }
        return GroupLookup.NOT_FOUND;
    }

    /**
     * Tells the {@link DirectoryListener} services, looked up now (the whiteboard pattern) rather than referenced:
     * the listener, the policy engine, references this directory, and a reference back made a cycle that SCR and the
     * framework reported at every start (FrameworkEvent ERROR "ServiceFactory.getService() resulted in a cycle").
     */
    private void announceGroupsChanged() {
        listeners.forEach(this::tell);
        BundleContext services = context;
        if (services == null) {
            return;
        }
        Collection<ServiceReference<DirectoryListener>> references;
        try {
            references = services.getServiceReferences(DirectoryListener.class, null);
        } catch (InvalidSyntaxException | IllegalStateException e) {
            return; // no filter; or the bundle stops
        }
        for (ServiceReference<DirectoryListener> reference : references) {
            DirectoryListener listener;
            try {
                listener = services.getService(reference);
            } catch (IllegalStateException e) {
                return;
            }
            if (listener == null) {
                continue;
            }
            try {
                tell(listener);
            } finally {
                try {
                    services.ungetService(reference);
                } catch (IllegalStateException e) {
                    // the bundle stops
                }
            }
        }
    }

    private void tell(DirectoryListener listener) {
        try {
            listener.groupsChanged(this);
        } catch (RuntimeException e) {
            LOG.warn("Directory listener {} failed: {}", listener, e.toString());
        }
    }

    private static boolean containsIgnoringCase(Collection<String> groups, String group) {
        return groups.stream().anyMatch(g -> g.equalsIgnoreCase(group));
    }

    private static List<String> groupNames(Object value) {
        if (value instanceof String text) {
            return List.of(text.split("\\s*,\\s*"));
        }
        if (value instanceof String[] array) {
            return List.of(array);
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream().map(String::valueOf).toList();
        }
        return List.of();
    }
}
