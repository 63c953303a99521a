package org.radmfa.eap.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.api.eap.EapMethod;
import org.radmfa.testsupport.TestPki;

/** The EAP-TLS configuration: defaults from the metatype definition, refusals, the private key store password. */
class EapTlsSettingsTest {
    private static final String PASSWORD = "Key-Store-Secret-81";
    private static TestPki pki;
    private static Path keyStore;
    private static Path ca;
    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        pki = new TestPki(dir, "settings CA");
        keyStore = withPassword(pki.issue("radius.example", null, false), dir.resolve("server.p12"));
        ca = pki.caPem();
    }

    /** The issued key store again under this test's own password, so that a leak of it can be looked for. */
    private static Path withPassword(Path issued, Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(issued)) {
            store.load(in, TestPki.PASSWORD.toCharArray());
        }
        KeyStore.ProtectionParameter old = new KeyStore.PasswordProtection(TestPki.PASSWORD.toCharArray());
        KeyStore.Entry key = store.getEntry("key", old);
        store.setEntry("key", key, new KeyStore.PasswordProtection(PASSWORD.toCharArray()));
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
        return file;
    }

    private static Map<String, Object> minimal() {
        Map<String, Object> config = new HashMap<>();
        config.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.eap.tls.cfg");
        config.put("keyStore", keyStore.toString());
        config.put(".keyStorePassword", PASSWORD);
        config.put("trustedCaFile", ca.toString());
        return config;
    }

    private static EapTlsSettings read(Map<String, Object> config) throws InvalidConfigurationException {
        return EapTlsSettings.read(EapTlsSettings.TYPE.read(config), null);
    }

    @Test
    void anEmptyConfigurationTakesTheDefaultsOfTheMetatypeDefinition() throws Exception {
        EapTlsSettings settings = read(minimal());
        ConfigType type = EapTlsSettings.TYPE;
        assertEquals(pki.certificate("radius.example"), settings.chain()[0], "the key store's certificate");
        assertEquals(List.of((String[]) type.defaultValue("tlsVersions")), settings.tlsVersions());
        assertEquals(type.defaultValue("fragmentSize"), settings.limits().fragmentSize());
        assertEquals(type.defaultValue("maxMessageSize"), settings.limits().maxMessageSize());
        assertEquals(type.defaultValue("maxFragments"), settings.limits().maxFragments());
        assertEquals(type.defaultValue("maxSessions"), settings.limits().maxSessions());
        assertEquals(TimeUnit.SECONDS.toNanos((Integer) type.defaultValue("sessionTimeoutSeconds")),
                settings.limits().sessionTimeoutNanos());
        assertEquals(type.defaultValue("handshakeQueue"), settings.handshakeQueue());
        assertEquals(type.defaultValue("peap"), settings.peap());
        assertEquals(type.defaultValue("ocsp"), settings.ocsp().name().toLowerCase(java.util.Locale.ROOT));
        assertNull(settings.ocspResponder(), "ocspResponder's default is empty");
        assertEquals(type.defaultValue("sessionCacheSize"), settings.sessionCacheSize());
        assertEquals(type.defaultValue("sessionCacheSeconds"), settings.sessionCacheSeconds());
        assertEquals(type.defaultValue("peapFastReconnect"), settings.peapFastReconnect());
        assertEquals("optional", type.defaultValue("peapCryptoBinding"), "nothing changes for existing sites");
        assertEquals(PeapCryptoBinding.Policy.OPTIONAL, settings.peapCryptoBinding());
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors()), settings.handshakeThreads(),
                "the one default the definition cannot state: one thread per core");
        assertEquals(List.of(), type.read(minimal()).unknownKeys());
    }

    @Test
    void aBadValueIsRefusedWithTheFileItsKeyAndTheReason() {
        Map<String, Object> config = minimal();
        config.put("fragmentSize", "32");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> read(config));
        assertEquals("fragmentSize", e.key());
        assertEquals("etc/org.radmfa.eap.tls.cfg", e.source());
        assertTrue(e.getMessage().contains("32 is out of range 64..3900"), e.getMessage());

        config.put("fragmentSize", "1024");
        config.put("ocsp", "sometimes");
        assertEquals("ocsp", assertThrows(InvalidConfigurationException.class, () -> read(config)).key());

        config.put("ocsp", "off");
        config.put(".keyStorePassword", "wrong");
        InvalidConfigurationException wrong = assertThrows(InvalidConfigurationException.class, () -> read(config));
        assertEquals(".keyStorePassword", wrong.key());
        assertFalse(wrong.getMessage().contains("wrong'"), wrong.getMessage());
    }

    @Test
    void peapCryptoBindingCanBeRequiredAndAnythingElseIsRefusedWithItsKey() throws Exception {
        Map<String, Object> config = minimal();
        config.put("peap", "true");
        config.put("peapCryptoBinding", "required");
        EapTlsSettings settings = read(config);
        assertEquals(PeapCryptoBinding.Policy.REQUIRED, settings.peapCryptoBinding());
        assertTrue(settings.toString().contains("PEAP crypto binding required"), settings.toString());
        assertEquals(List.of(), EapTlsSettings.TYPE.read(config).unknownKeys());

        config.put("peapCryptoBinding", "always");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> read(config));
        assertEquals("peapCryptoBinding", e.key());
        assertTrue(e.getMessage().contains("'always' is not one of optional, required"), e.getMessage());
    }

    /** The component hands the setting to the PEAP method it registers. */
    @Test
    void theRegisteredPeapMethodRequiresTheBindingWhenConfiguredTo() throws Exception {
        Map<String, Object> config = minimal();
        config.put("peap", "true");
        config.put("peapCryptoBinding", "required");
        List<Object> registered = new java.util.ArrayList<>();
        EapTlsComponent component = new EapTlsComponent(context(registered), null, null, config);
        component.deactivate();
        assertEquals(2, registered.size(), "EAP-TLS and PEAP");
        EapTlsMethod peap = (EapTlsMethod) registered.get(1);
        assertEquals(EapTlsPacket.TYPE_PEAP, peap.type());
        assertEquals(PeapCryptoBinding.Policy.REQUIRED, peap.cryptoBinding());
    }

    /**
     * A fragment must fit an Access-Challenge (at most 4096 octets, RFC 2865 section 3): with 3999 or 4000 every
     * server flight became an Access-Reject. The largest allowed still leaves room for two Proxy-States.
     */
    @Test
    void aFragmentTooLargeForAnAccessChallengeIsRefusedWithTheReason() throws Exception {
        Map<String, Object> config = minimal();
        config.put("fragmentSize", "4000");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> read(config));
        assertEquals("fragmentSize", e.key());
        assertTrue(e.getMessage().contains("4096"), e.getMessage());

        config.put("fragmentSize", "3900");
        assertEquals(3900, read(config).limits().fragmentSize());
        // The first fragment: EAP header with L, 3900 octets of TLS data, cut into EAP-Message attributes.
        byte[] fragment = EapTlsPacket.request(7, EapTlsPacket.TYPE_TLS, EapTlsPacket.FLAG_MORE, 20_000,
                new byte[3900], 0, 3900);
        int eapMessages = EapTlsMethod.eapMessage(fragment).stream()
                .mapToInt(a -> 2 + (a.value().length() - 2) / 2).sum();
        int header = 20;
        int state = 2 + 16;
        int messageAuthenticator = 2 + 16;
        int twoProxyStates = 2 * (2 + 45);
        assertTrue(header + eapMessages + state + messageAuthenticator + twoProxyStates <= 4096,
                "an Access-Challenge of " + (header + eapMessages + state + messageAuthenticator) + " octets");
    }

    @Test
    void theKeyStorePasswordIsPrivateAndTheKeyWithoutTheDotStillWorksWithAWarning() throws Exception {
        assertTrue(EapTlsSettings.TYPE.declares(".keyStorePassword"));
        assertFalse(EapTlsSettings.TYPE.declares("keyStorePassword"),
                "a public key would become a service property");

        Map<String, Object> legacy = minimal();
        legacy.put("keyStorePassword", legacy.remove(".keyStorePassword"));
        assertArrayEquals(read(minimal()).key().getEncoded(), read(legacy).key().getEncoded());
        legacy.put("keyStorePassword", "{aes-gcm}AAAA");
        assertEquals("keyStorePassword", assertThrows(InvalidConfigurationException.class, () -> read(legacy))
                .key(), "a refusal names the key the file has");
        legacy.put("keyStorePassword", PASSWORD);

        List<Object> registered = new java.util.ArrayList<>();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        EapTlsComponent component;
        try {
            component = new EapTlsComponent(context(registered), null, null, legacy);
        } finally {
            System.setErr(original);
        }
        component.deactivate();
        assertEquals(1, registered.size(), "EAP-TLS offered with the old key's password");
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("etc/org.radmfa.eap.tls.cfg: rename the key 'keyStorePassword' to"
                + " '.keyStorePassword'"), log);
        assertFalse(log.contains("key 'keyStorePassword' is not an EAP-TLS setting"), log);
        assertFalse(log.contains(PASSWORD), "the password is never logged");

        captured.reset();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            component = new EapTlsComponent(context(registered), null, null, minimal());
        } finally {
            System.setErr(original);
        }
        component.deactivate();
        assertEquals(2, registered.size());
        assertFalse(captured.toString(StandardCharsets.UTF_8).contains("rename"), "no warning for the dotted key");
    }

    /** A framework that records the EAP methods registered. */
    private static BundleContext context(List<Object> registered) {
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(
                EapTlsSettingsTest.class.getClassLoader(), new Class<?>[] {ServiceRegistration.class},
                (proxy, method, args) -> null);
        return (BundleContext) Proxy.newProxyInstance(EapTlsSettingsTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("registerService") && args[0] == EapMethod.class) {
                        registered.add(args[1]);
                        return registration;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
