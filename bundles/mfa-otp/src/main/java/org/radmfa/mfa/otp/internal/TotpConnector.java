package org.radmfa.mfa.otp.internal;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
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
import org.radmfa.api.MfaConnector;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaRequest;
import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedOneTimeCodes;
import org.radmfa.api.admin.OtpAdmin;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.Refusal;
import org.radmfa.api.config.RefusedConfigurations;
import org.radmfa.config.support.FactoryConfigurations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Second factor by a code from an authenticator app (RFC 6238), asked for with an Access-Challenge: the first round
 * answers CHALLENGE with a prompt and a fresh State; the user's next Access-Request carries the code as its
 * password. A code works once (the step it belongs to is remembered per user), a small clock drift is tolerated,
 * and failed attempts are limited per user.
 */
@Component(service = {MfaConnector.class, OtpAdmin.class, RefusedConfigurations.class}, configurationPid = TotpConnector.PID,
        property = "connector=otp")
@Designate(ocd = TotpConnector.Config.class)
public final class TotpConnector implements MfaConnector, OtpAdmin, RefusedConfigurations {
    static final String PID = "org.radmfa.mfa.otp";
    private static final Logger LOG = LoggerFactory.getLogger(TotpConnector.class);

    @ObjectClassDefinition(name = "radmfa TOTP connector",
            description = "Second factor by authenticator-app codes (RFC 6238) through Access-Challenge")
    @interface Config {
        @AttributeDefinition(name = "Digits", description = "Code length, 6 or 8")
        int digits() default 6;

        @AttributeDefinition(name = "Clock drift window",
                description = "How many 30-second steps before and after now a code may belong to")
        int window() default 1;

        @AttributeDefinition(name = "Failed attempts allowed",
                description = "Wrong codes a user may enter within the attempt window before further codes are"
                        + " refused")
        int maxFailures() default 5;

        @AttributeDefinition(name = "Attempt window (seconds)")
        int failureWindowSeconds() default 300;

        @AttributeDefinition(name = "Prompt", description = "Reply-Message of the Access-Challenge")
        String prompt() default "Enter the code from your authenticator app";

        @AttributeDefinition(name = "Issuer", description = "Shown by the authenticator app next to the account")
        String issuer() default "radmfa";
    }

    /** Per user: the enrolled secret, the last step used, and recent failures. */
    private static final class Enrollment {
        final String key;
        final String user;
        final byte[] secret;
        long lastStep = Long.MIN_VALUE;
        final ArrayDeque<Long> failures = new ArrayDeque<>();

        Enrollment(String key, String user, byte[] secret) {
            this.key = key;
            this.user = user;
            this.secret = secret;
        }
    }

    private final Map<String, Enrollment> enrollments = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final ConfigurationAdmin configurationAdmin;
    private final SecretVault vault;
    private final Clock clock;
    private volatile Config config;
    /** The enrollment files (etc/org.radmfa.otp-USER.cfg), read for this connector. */
    private final FactoryConfigurations<OtpEnrollmentDefinition.Enrollment> enrollmentFiles;

    /** Codes used on other appliances (radmfa-cluster); none on a single appliance. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SharedOneTimeCodes sharedCodes;

    @Activate
    public TotpConnector(@Reference ConfigurationAdmin configurationAdmin, @Reference SecretVault vault,
            Config config) {
        this(configurationAdmin, vault, config, Clock.systemUTC());
    }

    TotpConnector(ConfigurationAdmin configurationAdmin, SecretVault vault, Config config, Clock clock) {
        this.configurationAdmin = configurationAdmin;
        this.vault = vault;
        this.clock = clock;
        this.config = config;
        this.enrollmentFiles = new FactoryConfigurations<>("radmfa TOTP enrollments",
                new FactoryDefinitions<>("TOTP enrollment", OtpEnrollmentDefinition.TYPE,
                        settings -> OtpEnrollmentDefinition.parse(settings, vault)),
                (key, enrollment, settings) -> put(key, enrollment.user(), enrollment.secret(), settings.source()),
                this::remove, LOG);
    }

    /** For tests: as DS sets the optional reference when radmfa-cluster runs. */
    void sharedCodes(SharedOneTimeCodes shared) {
        this.sharedCodes = shared;
    }

    /**
     * Registered by hand rather than as a component: the enrollment files are this connector's own object, and a
     * ManagedServiceFactory (an OSGi type) is all that shows in the service registry.
     */
    @Activate
    void activate(BundleContext context) {
        enrollmentFiles.register(context, OtpEnrollmentDefinition.FACTORY_PID);
    }

    @Deactivate
    void deactivate() {
        enrollmentFiles.unregister();
    }

    FactoryConfigurations<OtpEnrollmentDefinition.Enrollment> enrollmentFiles() {
        return enrollmentFiles;
    }

    @Override
    public List<Refusal> refusals() {
        return enrollmentFiles.refusals();
    }

    @Modified
    void modified(Config changed) {
        this.config = changed;
    }

    @Override
    public String name() {
        return "otp";
    }

    @Override
    public CompletionStage<MfaOutcome> verify(MfaRequest request) {
        Enrollment enrollment = enrollments.get(key(request.user().name()));
        if (enrollment == null) {
            return done(MfaOutcome.of(MfaOutcome.Kind.NOT_ENROLLED,
                    "user '" + request.user().name() + "' has no authenticator app enrolled"));
        }
        if (request.challengeResponse() == null) {
            byte[] state = new byte[16];
            random.nextBytes(state);
            return done(new MfaOutcome(MfaOutcome.Kind.CHALLENGE, "TOTP code asked for", config.prompt(), state));
        }
        return done(check(enrollment, request.challengeResponse().trim()));
    }

    private MfaOutcome check(Enrollment enrollment, String code) {
        Config settings = config;
        long nowSeconds = clock.instant().getEpochSecond();
        synchronized (enrollment) {
            while (!enrollment.failures.isEmpty()
                    && enrollment.failures.peekFirst() <= nowSeconds - settings.failureWindowSeconds()) {
                enrollment.failures.removeFirst();
            }
            if (enrollment.failures.size() >= settings.maxFailures()) {
                return MfaOutcome.of(MfaOutcome.Kind.DENIED, "too many wrong codes: " + enrollment.failures.size()
                        + " in the last " + settings.failureWindowSeconds() + " s");
            }
            long step = new Totp(settings.digits()).matchingStep(enrollment.secret, code, Totp.step(nowSeconds),
                    settings.window());
            if (step < 0) {
                enrollment.failures.addLast(nowSeconds);
                return MfaOutcome.of(MfaOutcome.Kind.DENIED, "wrong code");
            }
            if (step <= enrollment.lastStep) {
                enrollment.failures.addLast(nowSeconds);
                return MfaOutcome.of(MfaOutcome.Kind.DENIED, "code already used");
            }
            SharedOneTimeCodes shared = sharedCodes;
            // A step stays acceptable until the drift window has passed it: remembered that long, and a step more.
            if (shared != null && !shared.firstUse("totp\n" + key(enrollment.user) + "\n" + step,
                    Duration.ofSeconds(Totp.PERIOD_SECONDS * (2L * settings.window() + 2)))) {
                enrollment.lastStep = Math.max(enrollment.lastStep, step);
                enrollment.failures.addLast(nowSeconds);
                return MfaOutcome.of(MfaOutcome.Kind.DENIED, "code already used on another appliance");
            }
            enrollment.lastStep = step;
            enrollment.failures.clear();
            return MfaOutcome.of(MfaOutcome.Kind.APPROVED, "TOTP code accepted");
        }
    }

    private static CompletionStage<MfaOutcome> done(MfaOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }

    private static String key(String user) {
        return user.toLowerCase(Locale.ROOT);
    }

    /** Adds or replaces the enrollment of this configuration. */
    void put(String key, String user, byte[] secret, String source) {
        synchronized (enrollments) {
            // Looked up before this configuration's own entry goes: re-reading it is the usual case.
            Enrollment existing = enrollments.get(key(user));
            enrollments.values().removeIf(e -> e.key.equals(key));
            Enrollment fresh = new Enrollment(key, user, secret);
            if (existing != null && java.util.Arrays.equals(existing.secret, secret)) {
                // Same secret re-read: keep the replay guard and the failures counted against the limit.
                fresh.lastStep = existing.lastStep;
                fresh.failures.addAll(existing.failures);
            }
            enrollments.put(key(user), fresh);
        }
        LOG.info("TOTP enrollment of '{}' loaded from {}", user, source);
    }

    void remove(String key) {
        synchronized (enrollments) {
            enrollments.values().removeIf(e -> e.key.equals(key));
        }
    }

    @Override
    public String enroll(String user) throws IOException {
        byte[] secret = new byte[20];
        random.nextBytes(secret);
        String base32 = Base32.encode(secret);
        unenroll(user);
        Configuration configuration = configurationAdmin.getFactoryConfiguration(OtpEnrollmentDefinition.FACTORY_PID,
                user.replaceAll("[^A-Za-z0-9._-]", "_"), "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("user", user);
        properties.put("secret", vault.seal(base32));
        properties.put("enrolled", Instant.now(clock).toString());
        configuration.update(properties);
        Config settings = config;
        String label = URLEncoder.encode(settings.issuer() + ":" + user, StandardCharsets.UTF_8).replace("+", "%20");
        return "otpauth://totp/" + label + "?secret=" + base32 + "&issuer="
                + URLEncoder.encode(settings.issuer(), StandardCharsets.UTF_8).replace("+", "%20")
                + "&algorithm=SHA1&digits=" + settings.digits() + "&period=" + Totp.PERIOD_SECONDS;
    }

    @Override
    public boolean unenroll(String user) throws IOException {
        try {
            Configuration[] found = configurationAdmin.listConfigurations(
                    "(&(service.factoryPid=" + OtpEnrollmentDefinition.FACTORY_PID + ")(user=" + escape(user) + "))");
            if (found == null) {
                return false;
            }
            for (Configuration configuration : found) {
                configuration.delete();
            }
            return true;
        } catch (InvalidSyntaxException e) {
            throw new IOException("cannot look up the enrollment of '" + user + "'", e);
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\5c").replace("*", "\\2a").replace("(", "\\28").replace(")", "\\29");
    }

    @Override
    public List<String> users() {
        TreeSet<String> names = new TreeSet<>();
        enrollments.values().forEach(e -> names.add(e.user));
        return List.copyOf(names);
    }
}
