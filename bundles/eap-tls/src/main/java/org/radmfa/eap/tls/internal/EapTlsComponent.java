package org.radmfa.eap.tls.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
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
import org.radmfa.api.SecretVault;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.api.eap.EapMethod;
import org.radmfa.config.support.SealedInPlace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers EAP-TLS once {@code etc/org.radmfa.eap.tls.cfg} gives a server certificate and the trusted client CAs. A
 * refused configuration is logged with its file, key and reason while the last good one keeps serving; an accepted
 * one replaces the method behind the same registration (conversations in progress finish on the old one).
 */
@Component(configurationPid = EapTlsSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = EapTlsComponent.Config.class)
public final class EapTlsComponent {
    private static final Logger LOG = LoggerFactory.getLogger(EapTlsComponent.class);

    @ObjectClassDefinition(name = "radmfa EAP-TLS", description = "EAP-TLS (RFC 5216, RFC 9190): client"
            + " certificates, the server certificate, the trusted CAs and CRLs")
    @interface Config {
        @AttributeDefinition(name = "Key store", required = false, description = "PKCS#12 file with the server's"
                + " private key and certificate chain; empty: certificateFile and privateKeyFile")
        String keyStore() default "";

        @AttributeDefinition(name = "Key store password", type = AttributeType.PASSWORD, required = false,
                description = "Preferably sealed by the vault ({aes-gcm}...); never logged. The key is"
                        + " .keyStorePassword: the leading dot keeps it out of service properties")
        String _keyStorePassword() default "";

        @AttributeDefinition(name = "Certificate file", required = false,
                description = "PEM server certificate, then its intermediate CAs")
        String certificateFile() default "";

        @AttributeDefinition(name = "Private key file", required = false,
                description = "PEM private key, unencrypted PKCS#8 or PKCS#1 (protect the file)")
        String privateKeyFile() default "";

        @AttributeDefinition(name = "Trusted client CAs", description = "PEM file with the CA certificates whose"
                + " client certificates are accepted")
        String trustedCaFile();

        @AttributeDefinition(name = "CRL files", required = false, description = "PEM or DER CRLs, comma-separated;"
                + " when given, every certificate of the chain must have a current CRL from its issuer")
        String[] crlFiles();

        @AttributeDefinition(name = "OCSP", description = "OCSP for the client's certificate: off; soft (a responder"
                + " that cannot be asked does not refuse the login); hard (it does)",
                options = {@Option(value = "off", label = "off"), @Option(value = "soft", label = "soft fail"),
                        @Option(value = "hard", label = "hard fail")})
        String ocsp() default "off";

        @AttributeDefinition(name = "OCSP responder", required = false, description = "http:// URL asked for every"
                + " client certificate; empty: the one the certificate names (Authority Information Access)")
        String ocspResponder() default "";

        @AttributeDefinition(name = "TLS versions", description = "TLSv1.2, TLSv1.3")
        String[] tlsVersions() default {"TLSv1.2", "TLSv1.3"};

        @AttributeDefinition(name = "Fragment size", description = "TLS octets per EAP-TLS request, 64 to 3900 (an"
                + " Access-Challenge must fit 4096 octets)")
        int fragmentSize() default 1024;

        @AttributeDefinition(name = "Largest TLS message", description = "Octets a peer's message may take,"
                + " reassembled")
        int maxMessageSize() default 16384;

        @AttributeDefinition(name = "Most fragments", description = "Fragments one message of the peer may take")
        int maxFragments() default 64;

        @AttributeDefinition(name = "Conversations", description = "EAP-TLS conversations open at once; more"
                + " are rejected")
        int maxSessions() default 1024;

        @AttributeDefinition(name = "Conversation timeout (s)", description = "How long a conversation waits for"
                + " the peer's next response")
        int sessionTimeoutSeconds() default 30;

        @AttributeDefinition(name = "Handshake threads", description = "Threads running TLS handshakes; default:"
                + " one per core")
        int handshakeThreads();

        @AttributeDefinition(name = "PEAP", description = "Also offer PEAPv0 with EAP-MSCHAPv2 inside (Windows'"
                + " default), with the same server certificate; TLS 1.2")
        boolean peap() default false;

        @AttributeDefinition(name = "Session cache size", description = "TLS sessions kept per method for"
                + " resumption (EAP-TLS; PEAP fast reconnect, which skips the inner method); 0 turns resumption off")
        int sessionCacheSize() default 1024;

        @AttributeDefinition(name = "Session lifetime (s)", description = "How long after a login its session may"
                + " be resumed; PEAP fast reconnect gives the first login's result again within it")
        int sessionCacheSeconds() default 3600;

        @AttributeDefinition(name = "PEAP fast reconnect", description = "A resumed PEAP session skips the inner"
                + " method and gives the first login's result again (MS-PEAP), without the directory, the policy or"
                + " MFA, for up to the session lifetime: off by default, as the pipeline's MFA reconnect grace is")
        boolean peapFastReconnect() default false;

        @AttributeDefinition(name = "PEAP crypto binding", description = "optional: a peer that answers the"
                + " Crypto-Binding TLV must prove it, one that ignores it (older Windows, wpa_supplicant's"
                + " crypto_binding=0) is accepted with the tunnel's keys; required: a peer without a valid"
                + " Crypto-Binding TLV is rejected (NPS: \"Disconnect Clients without Cryptobinding\"), which stops a"
                + " man in the middle from stripping it", options = {@Option(value = "optional", label = "optional"),
                        @Option(value = "required", label = "required")})
        String peapCryptoBinding() default "optional";

        @AttributeDefinition(name = "Handshake queue", description = "Steps allowed to wait for a thread; beyond"
                + " that a conversation is rejected")
        int handshakeQueue() default 512;
    }

    private final BundleContext context;
    private final SecretVault vault;
    private final ConfigurationAdmin configurationAdmin;
    private ServiceRegistration<EapMethod> registration;
    private ServiceRegistration<EapMethod> peapRegistration;
    private ThreadPoolExecutor handshakes;

    @Activate
    public EapTlsComponent(BundleContext context, @Reference(cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY) SecretVault vault,
            @Reference ConfigurationAdmin configurationAdmin, Map<String, Object> properties) {
        this.context = context;
        this.vault = vault;
        this.configurationAdmin = configurationAdmin;
        configure(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        configure(properties);
    }

    @Deactivate
    synchronized void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (peapRegistration != null) {
            peapRegistration.unregister();
            peapRegistration = null;
        }
        if (handshakes != null) {
            handshakes.shutdown();
            handshakes = null;
        }
    }

    private synchronized void configure(Map<String, Object> properties) {
        ConfigReader config = EapTlsSettings.TYPE.read(properties);
        EapTlsSettings settings;
        EapTlsServer.Identity identity;
        try {
            settings = EapTlsSettings.read(config, vault);
            identity = identity(config, settings);
        } catch (InvalidConfigurationException e) {
            LOG.error("Refused EAP-TLS configuration {}; {}", e.getMessage(), registration == null
                    ? "EAP-TLS is not offered until it is corrected" : "EAP-TLS keeps its last good configuration");
            return;
        }
        config.unknownKeys(EapTlsSettings.LEGACY_PASSWORD_KEY).forEach(unknown -> LOG.warn(
                "{}: key '{}' is not an EAP-TLS setting and is ignored", config.source(), unknown));
        if (properties.containsKey(EapTlsSettings.LEGACY_PASSWORD_KEY)) {
            LOG.warn("{}: rename the key 'keyStorePassword' to '.keyStorePassword': a secret's key takes a leading"
                    + " dot, which keeps it out of service properties", config.source());
        }
        String passwordKey = EapTlsSettings.passwordKey(config);
        String password = config.string(passwordKey, "");
        SealedInPlace.seal(configurationAdmin, EapTlsSettings.PID, passwordKey, password, vault, config.source())
                .report(LOG, passwordKey, passwordKey);
        ThreadPoolExecutor previous = handshakes;
        handshakes = pool(settings);
        EapTlsMethod method = new EapTlsMethod(identity, settings.limits(), handshakes);
        Hashtable<String, Object> serviceProperties = new Hashtable<>();
        serviceProperties.put("eap.type", method.type());
        serviceProperties.put(Constants.SERVICE_DESCRIPTION, "EAP-TLS");
        ServiceRegistration<EapMethod> old = registration;
        registration = context.registerService(EapMethod.class, method, serviceProperties);
        if (old != null) {
            old.unregister();
        }
        ServiceRegistration<EapMethod> oldPeap = peapRegistration;
        peapRegistration = null;
        if (settings.peap()) {
            EapTlsMethod peap = new EapTlsMethod(identity.forPeap(settings.peapFastReconnect()
                    ? sessions(settings) : null), settings.limits(), handshakes, settings.peapCryptoBinding());
            Hashtable<String, Object> peapProperties = new Hashtable<>();
            peapProperties.put("eap.type", peap.type());
            peapProperties.put(Constants.SERVICE_DESCRIPTION, "PEAP");
            peapRegistration = context.registerService(EapMethod.class, peap, peapProperties);
        }
        if (oldPeap != null) {
            oldPeap.unregister();
        }
        if (previous != null) {
            previous.shutdown();
        }
        LOG.info("EAP-TLS from {}: {}", config.source(), settings);
    }

    /**
     * What every handshake of this configuration presents and trusts, on BouncyCastle's TLS API with the JDK's
     * cryptography first ({@link EapTlsCrypto}): Java 17's SSLEngine has no TLS exporter, from which EAP-TLS derives
     * its keys.
     */
    private static EapTlsServer.Identity identity(ConfigReader config, EapTlsSettings settings)
            throws InvalidConfigurationException {
        JcaTlsCrypto crypto = EapTlsCrypto.create();
        TlsCertificate[] chain = new TlsCertificate[settings.chain().length];
        try {
            for (int i = 0; i < chain.length; i++) {
                chain[i] = crypto.createCertificate(settings.chain()[i].getEncoded());
            }
        } catch (IOException | java.security.cert.CertificateEncodingException e) {
            throw config.invalid("certificateFile", "the server certificate cannot be used: " + e.getMessage());
        }
        String algorithm = settings.key().getAlgorithm();
        if (!algorithm.equals("RSA") && !algorithm.equals("EC")) {
            throw config.invalid("privateKeyFile", "the server key is " + algorithm + "; EAP-TLS takes RSA or EC");
        }
        List<X500Name> authorities = new ArrayList<>();
        settings.trustedCas().forEach(ca -> authorities.add(
                X500Name.getInstance(ca.getSubjectX500Principal().getEncoded())));
        List<ProtocolVersion> versions = new ArrayList<>();
        if (settings.tlsVersions().contains("TLSv1.3")) {
            versions.add(ProtocolVersion.TLSv13);
        }
        if (settings.tlsVersions().contains("TLSv1.2")) {
            versions.add(ProtocolVersion.TLSv12);
        }
        return new EapTlsServer.Identity(crypto, settings.key(), chain, algorithm.equals("RSA"),
                new ClientCertificateVerifier(settings.trustedCas(), settings.crls(), settings.ocsp(),
                        settings.ocspResponder()), List.copyOf(authorities),
                versions.toArray(ProtocolVersion[]::new), sessions(settings));
    }

    /** A new, empty session cache per method and configuration: a changed certificate resumes nothing old. */
    private static TlsSessionCache sessions(EapTlsSettings settings) {
        return new TlsSessionCache(settings.sessionCacheSize(), TimeUnit.SECONDS.toNanos(settings.sessionCacheSeconds()),
                System::nanoTime);
    }

    private static ThreadPoolExecutor pool(EapTlsSettings settings) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(settings.handshakeThreads(), settings.handshakeThreads(),
                60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(settings.handshakeQueue()), runnable -> {
                    Thread thread = new Thread(runnable, "radmfa-eap-tls-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
