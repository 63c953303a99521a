package org.radmfa.mfa.entra.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
 * Microsoft Authenticator, or answers a phone call. Nothing is typed, so it suits every authentication method,
 * MS-CHAPv2 and EAP included (they cannot carry a code anyway). Configuration {@code etc/org.radmfa.mfa.entra.cfg}; the
 * flow and the MFA endpoint contract are described on {@link EntraClient}.
 * <p>
 * A refused configuration (logged with file, key and reason) leaves the last good one working; until there is one,
 * every request is answered UNAVAILABLE with the reason. A new configuration takes the next request; verifications
 * already started finish on the old one.
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
            description = "Second factor by Microsoft Authenticator push or phone call, like the NPS extension for"
                    + " Microsoft Entra multifactor authentication. The application needs the Microsoft Graph"
                    + " application permissions User.Read.All and UserAuthenticationMethod.Read.All")
    @interface Config {
        @AttributeDefinition(name = "Tenant ID", description = "Directory (tenant) ID or a verified domain name")
        String tenantId();

        @AttributeDefinition(name = "Client ID", description = "Application (client) ID of the app registration")
        String clientId();

        @AttributeDefinition(name = "Client secret", type = AttributeType.PASSWORD, required = false,
                description = "The app registration's client secret, preferably sealed by the vault ({aes-gcm}...);"
                        + " leave empty when a certificate is used")
        String clientSecret();

        @AttributeDefinition(name = "Client secret expires", required = false,
                description = "ISO date the secret expires on (2026-12-31), as shown in the Entra admin center;"
                        + " drives the expiry warnings")
        String clientSecretExpires();

        @AttributeDefinition(name = "Certificate", required = false, description = "PKCS#12 file, or PEM file with"
                + " the certificate and an unencrypted PKCS#8 RSA key, uploaded to the app registration. Instead of"
                + " the client secret")
        String certificatePath();

        @AttributeDefinition(name = "Certificate password", type = AttributeType.PASSWORD, required = false,
                description = "Password of the PKCS#12 file (may be sealed by the vault)")
        String certificatePassword();

        @AttributeDefinition(name = "Authority", description = "Login base URL; sovereign clouds differ"
                + " (https://login.microsoftonline.us, https://login.chinacloudapi.cn)")
        String authority() default EntraSettings.DEFAULT_AUTHORITY;

        @AttributeDefinition(name = "Microsoft Graph", description = "Graph base URL; the token's scope is"
                + " <graphBaseUrl>/.default")
        String graphBaseUrl() default EntraSettings.DEFAULT_GRAPH;

        @AttributeDefinition(name = "MFA endpoint", description = "Base URL of the service that sends the push or"
                + " places the call (contract: POST /v1/authentications, GET /v1/authentications/{id})")
        String mfaEndpoint();

        @AttributeDefinition(name = "Trust store", required = false, description = "PKCS#12 or JKS file with the CA"
                + " certificates to trust for the authority, Graph and the MFA endpoint; empty: the Java runtime's"
                + " CAs")
        String trustStore();

        @AttributeDefinition(name = "Trust store password", type = AttributeType.PASSWORD, required = false)
        String trustStorePassword();

        @AttributeDefinition(name = "User lookup", description = "How the RADIUS user name finds the Entra user",
                options = {@Option(value = "upn", label = "userPrincipalName (GET /users/{name})"),
                        @Option(value = "samAccountName", label = "onPremisesSamAccountName (DOMAIN\\ removed)"),
                        @Option(value = "mail", label = "mail")})
        String userLookup() default "upn";

        @AttributeDefinition(name = "Require user match", description = "true: a user not found in Entra ID or"
                + " without the method is rejected (NOT_ENROLLED); false: such users pass without MFA"
                + " (the NPS extension's REQUIRE_USER_MATCH=FALSE, for a staged roll-out)")
        boolean requireUserMatch() default true;

        @AttributeDefinition(name = "Method", options = {
                @Option(value = "push", label = "Approve in Microsoft Authenticator"),
                @Option(value = "phone", label = "Phone call")})
        String method() default "push";

        @AttributeDefinition(name = "Poll interval (ms)", description = "How often the MFA endpoint is asked for"
                + " the answer")
        int pollIntervalMillis() default 2000;

        @AttributeDefinition(name = "Request timeout (ms)", description = "Per HTTP call (never past the"
                + " request's deadline)")
        int requestTimeoutMillis() default 10000;

        @AttributeDefinition(name = "Concurrent requests", description = "HTTP calls (Graph, MFA endpoint) in"
                + " flight at once; more wait their turn, without a thread. Each one in flight holds a connection"
                + " (HTTP/1.1), so this bounds the connections and TLS handshakes however many logins are pending")
        int maxConcurrentRequests() default 32;

        @AttributeDefinition(name = "Credential expiry warning (days)", description = "Warn in the log, at start"
                + " and daily, this many days before the secret or certificate expires")
        int credentialExpiryWarningDays() default 30;
    }

    private final SecretVault vault;
    private final Clock clock;
    private volatile EntraClient client;
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
    }

    private synchronized void configure(Map<String, Object> properties) {
        ConfigReader config = new ConfigReader(properties);
        EntraSettings settings;
        EntraClient fresh;
        try {
            settings = EntraSettings.read(properties, vault);
            fresh = new EntraClient(settings, clock);
        } catch (InvalidConfigurationException e) {
            refuse(e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            refuse(config.invalid("authority", e.getMessage()).getMessage());
            return;
        }
        config.unknownKeys(EntraSettings.KEYS).forEach(unknown -> LOG.warn(
                "{}: key '{}' is not an Entra connector setting and is ignored", config.source(), unknown));
        EntraClient previous = client;
        client = fresh;
        refused = null;
        if (previous != null) {
            previous.retire();
        }
        LOG.info("Entra MFA connector from {}: {}", config.source(), settings);
    }

    private void refuse(String reason) {
        refused = "configuration refused: " + reason;
        LOG.error("Refused Entra connector configuration {}; {}", reason, client == null
                ? "every Entra MFA request is answered unavailable until it is corrected"
                : "the connector keeps its last good configuration");
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

    /** Why the last configuration was refused, or null when it was accepted. */
    String refusal() {
        EntraClient current = client;
        return current == null || refused != null ? refused : null;
    }

    /** For tests: the client now serving. */
    EntraClient current() {
        return client;
    }
}
