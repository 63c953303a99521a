package org.radmfa.mfa.entra.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaRequest;
import org.radmfa.api.SecretVault;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Second factor by Microsoft Entra ID, as the NPS extension for Entra MFA does it: the user approves a push in
 * Microsoft Authenticator or answers a phone call (every authentication method), or types a one-time code answering
 * an Access-Challenge (PAP only). Configuration {@code etc/org.radmfa.mfa.entra.cfg}; the protocol is described on
 * {@link EntraClient} and {@link ConnectorXml}.
 * <p>
 * A refused configuration (logged with file, key and reason) leaves the last good one working; until there is one,
 * every request is answered UNAVAILABLE with the reason. A new configuration takes the next request; verifications
 * already started finish on the old one, unless the component is deactivated first, which ends them all.
 */
/*
 * Registered by hand, not by DS: DS would publish every configuration property as a service property, and the
 * configuration may hold the client secret (in clear, if the administrator did not seal it), which service:list,
 * JMX and the web console's Services page would then show. The service carries only what consumers select on.
 */
@Component(service = {}, configurationPid = EntraConnector.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true)
@Designate(ocd = EntraConnector.Config.class)
public final class EntraConnector implements MfaConnector {
    static final String PID = "org.radmfa.mfa.entra";
    private static final Logger LOG = LoggerFactory.getLogger(EntraConnector.class);

    @ObjectClassDefinition(name = "radmfa Microsoft Entra ID MFA connector",
            description = "Second factor by Microsoft Entra MFA, exactly as the NPS extension for Microsoft Entra"
                    + " multifactor authentication asks for it: as the tenant's 'Azure Multi-Factor Auth Client'"
                    + " service principal, through the MFA connector service. radmfa:entra-setup makes the"
                    + " certificate and this configuration")
    @interface Config {
        @AttributeDefinition(name = "Tenant ID", description = "Directory (tenant) ID or a verified domain name")
        String tenantId();

        @AttributeDefinition(name = "Client ID", description = "The service principal the connector signs in as:"
                + " 'Azure Multi-Factor Auth Client', the same app id in every tenant")
        String clientId() default EntraSettings.MFA_CLIENT_APP_ID;

        @AttributeDefinition(name = "Certificate", required = false, description = "PKCS#12 file, or PEM file with"
                + " the certificate and an unencrypted PKCS#8 RSA key, whose public key is among the service"
                + " principal's key credentials (radmfa:entra-setup makes one)")
        String certificatePath() default "";

        @AttributeDefinition(name = "Certificate password", type = AttributeType.PASSWORD, required = false,
                description = "Password of the PKCS#12 file (may be sealed by the vault). The key is"
                        + " .certificatePassword: the leading dot keeps it out of service properties")
        String _certificatePassword() default "";

        @AttributeDefinition(name = "Client secret", type = AttributeType.PASSWORD, required = false,
                description = "Instead of the certificate: a client secret added to the same service principal,"
                        + " preferably sealed by the vault ({aes-gcm}...). The key is .clientSecret: the leading dot"
                        + " keeps it out of service properties")
        String _clientSecret() default "";

        @AttributeDefinition(name = "Client secret expires", required = false,
                description = "ISO date the secret expires on (2026-12-31); drives the expiry warnings")
        String clientSecretExpires() default "";

        @AttributeDefinition(name = "Authority", description = "Login base URL; sovereign clouds differ"
                + " (https://login.microsoftonline.us, https://login.chinacloudapi.cn)")
        String authority() default EntraSettings.DEFAULT_AUTHORITY;

        @AttributeDefinition(name = "MFA service", description = "Where BeginTwoWayAuthentication and"
                + " EndTwoWayAuthentication go (the extension's AZURE_MFA_HOSTNAME and path)")
        String serviceUrl() default EntraSettings.DEFAULT_SERVICE;

        @AttributeDefinition(name = "Token resource", description = "The resource the token is for (the"
                + " extension's AZURE_MFA_RESOURCE_HOSTNAME and path); the scope is <resource>/.default")
        String resource() default EntraSettings.DEFAULT_RESOURCE;

        @AttributeDefinition(name = "User lookup", description = "How the RADIUS user name becomes the"
                + " userPrincipalName: as it is (upn), or looked up in Microsoft Graph, which needs the Graph"
                + " application permission User.Read.All for the service principal",
                options = {@Option(value = "upn", label = "the name is the userPrincipalName"),
                        @Option(value = "samAccountName", label = "Graph: onPremisesSamAccountName (DOMAIN\\ removed)"),
                        @Option(value = "mail", label = "Graph: mail")})
        String userLookup() default "upn";

        @AttributeDefinition(name = "Microsoft Graph", description = "Graph base URL, for the samAccountName and"
                + " mail lookups only")
        String graphBaseUrl() default EntraSettings.DEFAULT_GRAPH;

        @AttributeDefinition(name = "Require user match", description = "true: a user Entra does not know or who"
                + " has no MFA method is rejected (NOT_ENROLLED); false: such users pass without MFA"
                + " (the NPS extension's REQUIRE_USER_MATCH=FALSE, for a staged roll-out)")
        boolean requireUserMatch() default true;

        @AttributeDefinition(name = "Authentication method", required = false, description = "Empty: the user's"
                + " default method. Or one method id: PhoneAppNotification, PhoneAppOTP, TwoWayVoiceMobile, ...")
        String authenticationMethodId() default "";

        @AttributeDefinition(name = "One-time code instead of number matching", description = "For PAP logins:"
                + " ask for the code shown in Microsoft Authenticator through an Access-Challenge instead of a"
                + " push with number matching (the extension's OVERRIDE_NUMBER_MATCHING_WITH_OTP). MS-CHAPv2 and"
                + " EAP logins keep the push")
        boolean overrideNumberMatchingWithOtp() default false;

        @AttributeDefinition(name = "Challenge prompt", description = "Reply-Message of the Access-Challenge that"
                + " asks for a one-time code")
        String challengePrompt() default EntraSettings.DEFAULT_PROMPT;

        @AttributeDefinition(name = "Language", description = "Lcid sent to Entra: the language of the phone call"
                + " and notification")
        String lcid() default "en-us";

        @AttributeDefinition(name = "Caller name", description = "CallerName sent to Entra, shown in its sign-in"
                + " logs")
        String callerName() default "radius";

        @AttributeDefinition(name = "Trust store", required = false, description = "PKCS#12 or JKS file with the CA"
                + " certificates to trust for the authority and the MFA service; empty: the Java runtime's CAs")
        String trustStore() default "";

        @AttributeDefinition(name = "Trust store password", type = AttributeType.PASSWORD, required = false)
        String trustStorePassword() default "";

        @AttributeDefinition(name = "Poll interval (ms)", description = "How often EndTwoWayAuthentication asks"
                + " whether the user has answered")
        int pollIntervalMillis() default 2000;

        @AttributeDefinition(name = "Request timeout (ms)", description = "Per HTTP call (at most a"
                + " second past the request's deadline, which decides: no answer by then is a timeout)")
        int requestTimeoutMillis() default 10000;

        @AttributeDefinition(name = "Concurrent requests", description = "HTTP calls in flight at once; more wait"
                + " their turn, without a thread. Each one in flight holds a connection (HTTP/1.1), so this bounds"
                + " the connections and TLS handshakes however many logins are pending; over HTTP/2 these"
                + " connections carry the held Begins too")
        int maxConcurrentRequests() default 32;

        @AttributeDefinition(name = "Wait for the user", description = "sync: Begin with SyncCall=true, held"
                + " until the user answers, as one HTTP/2 stream without a thread, so an approval reaches the gateway"
                + " at once; used only once the MFA service has answered over HTTP/2, else (and for the first"
                + " login, and above maxHeldCalls) the login polls. poll: Begin with SyncCall=false, then"
                + " EndTwoWayAuthentication every pollIntervalMillis",
                options = {@Option(value = "sync", label = "held synchronous Begin over HTTP/2"),
                        @Option(value = "poll", label = "asynchronous Begin, then End polls")})
        String waitMode() default "sync";

        @AttributeDefinition(name = "Held Begins", description = "With waitMode = sync: logins waiting in a held"
                + " Begin at once (one HTTP/2 stream and a few KiB of heap each); more poll. Lowered by itself"
                + " to what the connections carry: maxConcurrentRequests times the service's HTTP/2 stream limit,"
                + " less maxConcurrentRequests")
        int maxHeldCalls() default 20000;

        @AttributeDefinition(name = "Credential expiry warning (days)", description = "Warn in the log, at start"
                + " and daily, this many days before the certificate or secret expires")
        int credentialExpiryWarningDays() default 30;
    }

    private final SecretVault vault;
    private final Clock clock;
    private volatile EntraClient client;
    /** Clients replaced by a new configuration and still finishing their logins: deactivation stops them too. */
    private final Set<EntraClient> retired = ConcurrentHashMap.newKeySet();
    private volatile String refused = "no configuration yet";
    private ServiceRegistration<MfaConnector> registration;

    @Activate
    public EntraConnector(@Reference(cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY) SecretVault vault, Map<String, Object> properties,
            BundleContext context) {
        this(vault, properties, Clock.systemUTC());
        registration = context.registerService(MfaConnector.class, this, serviceProperties(properties,
                credentialExpiry().orElse(null)));
    }

    EntraConnector(SecretVault vault, Map<String, Object> properties) {
        this(vault, properties, Clock.systemUTC());
    }

    /**
     * What consumers select on ({@code connector=entra}) and what management shows: when the credential (secret or
     * certificate) stops working and how early to warn. Never a secret.
     */
    static Dictionary<String, Object> serviceProperties(Map<String, Object> properties, Instant credentialExpiry) {
        Dictionary<String, Object> published = new Hashtable<>();
        published.put("connector", "entra");
        if (credentialExpiry != null) {
            published.put("credentialExpires", java.time.LocalDate.ofInstant(credentialExpiry,
                    java.time.ZoneOffset.UTC).toString());
        }
        for (String key : new String[] {"clientSecretExpires", "credentialExpiryWarningDays"}) {
            Object value = properties.get(key);
            if (value != null && !value.toString().isBlank()) {
                published.put(key, value.toString());
            }
        }
        return published;
    }

    EntraConnector(SecretVault vault, Map<String, Object> properties, Clock clock) {
        this.vault = vault;
        this.clock = clock;
        configure(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        configure(properties);
        if (registration != null) {
            registration.setProperties(serviceProperties(properties, credentialExpiry().orElse(null)));
        }
    }

    @Deactivate
    synchronized void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        EntraClient current = client;
        client = null;
        refused = "stopped";
        if (current != null) {
            current.close();
        }
        // Retired clients too: close() stops now, so their logins end and nothing keeps polling Entra.
        for (EntraClient old : retired) {
            old.close();
        }
        retired.clear();
    }

    private synchronized void configure(Map<String, Object> properties) {
        ConfigReader config = EntraSettings.TYPE.read(properties);
        EntraSettings settings;
        EntraClient fresh;
        try {
            settings = EntraSettings.read(properties, vault);
        } catch (InvalidConfigurationException e) {
            refuse(e.getMessage());
            return;
        } catch (RuntimeException e) {
            // A check EntraSettings lacks: refused all the same, without blaming a key it may not have come from.
            refuse(config.source() + ": " + e, e);
            return;
        }
        try {
            fresh = new EntraClient(settings, clock);
        } catch (IllegalArgumentException e) {
            // MSAL refusing the authority: what EntraClient throws it for
            refuse(config.invalid("authority", e.getMessage()).getMessage());
            return;
        }
        config.unknownKeys(EntraSettings.CONNECTOR_PROPERTY, EntraSettings.LEGACY_CLIENT_SECRET_KEY,
                EntraSettings.LEGACY_CERTIFICATE_PASSWORD_KEY).forEach(unknown -> LOG.warn(
                EntraSettings.RETIRED_KEYS.contains(unknown)
                        ? "{}: key '{}' belonged to the retired relay contract and is ignored: the connector now"
                                + " speaks Entra's MFA service itself (see radmfa:entra-setup)"
                        : "{}: key '{}' is not an Entra connector setting and is ignored", config.source(), unknown));
        for (String legacy : new String[] {EntraSettings.LEGACY_CLIENT_SECRET_KEY,
                EntraSettings.LEGACY_CERTIFICATE_PASSWORD_KEY}) {
            if (properties.containsKey(legacy)) {
                LOG.warn("{}: rename the key '{}' to '.{}': a secret's key takes a leading dot, which keeps it out"
                        + " of service properties", config.source(), legacy, legacy);
            }
        }
        EntraClient previous = client;
        client = fresh;
        refused = null;
        if (previous != null) {
            retired.removeIf(EntraClient::closed);
            retired.add(previous);
            previous.retire();
        }
        LOG.info("Entra MFA connector from {}: {}", config.source(), settings);
    }

    private void refuse(String reason) {
        refuse(reason, null);
    }

    /** @param unexpected an exception no check expected, logged with its stack trace; or null */
    private void refuse(String reason, RuntimeException unexpected) {
        refused = "configuration refused: " + reason;
        LOG.error("Refused Entra connector configuration {}; {}", reason, client == null
                ? "every Entra MFA request is answered unavailable until it is corrected"
                : "the connector keeps its last good configuration", unexpected);
    }

    @Override
    public String name() {
        return "entra";
    }

    @Override
    public CompletionStage<MfaOutcome> verify(MfaRequest request) {
        EntraClient current = client;
        if (current == null) {
            return CompletableFuture.completedFuture(MfaOutcome.of(MfaOutcome.Kind.UNAVAILABLE,
                    "Entra connector not configured (" + refused + ")"));
        }
        return current.verify(request);
    }

    /** When the configured secret or certificate expires, if known: for management and monitoring. */
    Optional<Instant> credentialExpiry() {
        EntraClient current = client;
        return current == null ? Optional.empty() : Optional.ofNullable(current.settings().credentialExpiry());
    }

    /**
     * A fresh token for the MFA service: its expiry, or the reason it was refused (the AADSTS code and what to do).
     * For {@code radmfa:entra-check}.
     */
    public CompletableFuture<Instant> checkToken() {
        EntraClient current = client;
        if (current == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Entra connector not configured ("
                    + refused + ")"));
        }
        return current.checkToken().handle((expiry, failure) -> {
            if (failure != null) {
                throw new IllegalStateException(EntraClient.describe(failure));
            }
            return expiry;
        });
    }

    /** One line on the configuration in use: tenant, credential, service. Never a secret. */
    public String describeSettings() {
        EntraClient current = client;
        return current == null ? "(none: " + refused + ")" : current.settings().toString();
    }

    /** Why the last configuration was refused, or null when it was accepted. */
    public String refusal() {
        EntraClient current = client;
        return current == null || refused != null ? refused : null;
    }

    /** For tests: the client now serving. */
    EntraClient current() {
        return client;
    }
}
