package org.radmfa.clients.internal;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.radmfa.config.support.FactoryConfigurations;
import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedSecret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ClientDefinitionTest {
    private static final String PID = "org.radmfa.client~gw";
    private ClientRegistryImpl registry = new ClientRegistryImpl((java.nio.file.Path) null);

    /** One client's configuration as ConfigurationAdmin hands it to the registry's factory. */
    private record Definition(FactoryConfigurations<?> definitions) {
        void modified(Map<String, Object> properties) {
            definitions.updated(PID, new Hashtable<>(properties));
        }

        void deactivate() {
            definitions.deleted(PID);
        }
    }

    private static Map<String, Object> config(String address, String secret) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.pid", PID);
        properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.client-gw.cfg");
        properties.put("name", "gw");
        properties.put("address", address);
        properties.put("secret", secret);
        return properties;
    }

    /** As DS and ConfigurationAdmin do it: construct the registry, bind the vault if there is one, configure. */
    private Definition define(Map<String, Object> properties, SecretVault vault, ConfigurationAdmin admin) {
        registry = new ClientRegistryImpl((java.nio.file.Path) null, admin);
        if (vault != null) {
            registry.bindVault(vault);
        }
        Definition definition = new Definition(registry.definitions().files());
        definition.modified(properties);
        return definition;
    }

    private Definition define(Map<String, Object> properties) {
        return define(properties, null, null);
    }

    /** Seals by reversing: enough to tell sealed from clear and a foreign seal from its own. */
    private static final SecretVault VAULT = new SecretVault() {
        @Override
        public String seal(String secret) {
            return "{aes-gcm}" + new StringBuilder(secret).reverse();
        }

        @Override
        public String open(String sealed) {
            if (!sealed.startsWith("{aes-gcm}") || sealed.endsWith("!")) {
                throw new IllegalArgumentException("not sealed with this key");
            }
            return new StringBuilder(sealed.substring("{aes-gcm}".length())).reverse().toString();
        }
    };

    /** ConfigurationAdmin holding the one configuration, recording what it was updated with. */
    private static ConfigurationAdmin holding(Map<String, Object> properties, List<Dictionary<String, Object>> updates) {
        Configuration configuration = (Configuration) Proxy.newProxyInstance(Configuration.class.getClassLoader(),
                new Class<?>[] {Configuration.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperties" -> new Hashtable<>(properties);
                    case "getChangeCount" -> (long) updates.size();
                    case "update" -> {
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> updated = (Dictionary<String, Object>) args[0];
                        updates.add(updated);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (ConfigurationAdmin) Proxy.newProxyInstance(ConfigurationAdmin.class.getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                    if (method.getName().equals("listConfigurations")) {
                        return new Configuration[] {configuration};
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aClearSecretIsSealedInPlaceAndASealedOneOpens() throws Exception {
        Map<String, Object> clear = config("10.1.255.0/27", "s3cret");
        List<Dictionary<String, Object>> updates = new ArrayList<>();
        Definition definition = define(clear, VAULT, holding(clear, updates));
        assertEquals(1, updates.size(), "the configuration is rewritten once");
        assertEquals("{aes-gcm}terc3s", updates.get(0).get("secret"));
        // The rewritten configuration comes back as a modification: the sealed secret opens to the same secret.
        definition.modified(config("10.1.255.0/27", "{aes-gcm}terc3s"));
        assertEquals(SharedSecret.of("s3cret").fingerprint(),
                registry.find(InetAddress.getByName("10.1.255.4")).orElseThrow().secret().fingerprint());
        assertEquals(1, updates.size(), "a sealed secret is not sealed again");
    }

    @Test
    void aSecretChangedBeforeItCouldBeSealedIsKept() throws Exception {
        // The admin services wrote a new, sealed secret between this component reading the clear one and sealing
        // it: sealing the old one over it would lose the operator's change.
        List<Dictionary<String, Object>> updates = new ArrayList<>();
        define(config("10.1.255.0/27", "s3cret"), VAULT, holding(config("10.1.255.0/27", "{aes-gcm}wen"), updates));
        assertTrue(updates.isEmpty(), "the newer secret is kept: " + updates);
    }

    @Test
    void aSealedSecretWithoutTheVaultOrWithAnotherKeyIsRefused() throws Exception {
        define(config("10.1.255.0/27", "{aes-gcm}terc3s"));
        assertTrue(registry.clients().isEmpty(), "no vault: refused");
        define(config("10.1.255.0/27", "{aes-gcm}terc3s!"), VAULT, null);
        assertTrue(registry.clients().isEmpty(), "another key: refused");
    }

    @Test
    void aBadChangeKeepsTheLastGoodDefinitionServing() throws Exception {
        Definition definition = define(config("10.1.255.0/27", "s3cret"));
        assertTrue(registry.find(InetAddress.getByName("10.1.255.4")).isPresent());
        definition.modified(config("10.1.255.0/33", "s3cret"));
        definition.modified(config("10.1.255.0/27", ""));
        Map<String, Object> typo = config("10.1.255.0/27", "s3cret");
        typo.put("requireMessageAuthenticator", "flase");
        definition.modified(typo);
        assertEquals("10.1.255.0/27", registry.find(InetAddress.getByName("10.1.255.4")).orElseThrow().address());
        assertEquals(org.radmfa.api.MessageAuthenticatorPolicy.AUTO,
                registry.find(InetAddress.getByName("10.1.255.4")).orElseThrow().messageAuthenticator());
        definition.modified(config("10.1.254.0/27", "s3cret"));
        assertFalse(registry.find(InetAddress.getByName("10.1.255.4")).isPresent());
        definition.deactivate();
        assertTrue(registry.clients().isEmpty());
    }

    @Test
    void aBadFirstDefinitionRegistersNothing() throws Exception {
        define(config("not a host name!", "s3cret"));
        assertTrue(registry.clients().isEmpty());
    }

    /** true and false keep their meaning; auto is the default of a client that does not say; typos are refused. */
    @Test
    void requireMessageAuthenticatorTakesTrueAutoOrFalse() throws Exception {
        Definition definition = define(config("10.1.255.0/27", "s3cret"));
        InetAddress gateway = InetAddress.getByName("10.1.255.4");
        assertEquals(org.radmfa.api.MessageAuthenticatorPolicy.AUTO,
                registry.find(gateway).orElseThrow().messageAuthenticator(), "the default for a new client");
        assertTrue(registry.find(gateway).orElseThrow().limitProxyState(), "Proxy-State limited by default");
        for (String[] value : new String[][] {{"true", "REQUIRED"}, {"false", "OPTIONAL"}, {"auto", "AUTO"},
            {"yes", "REQUIRED"}, {"FALSE", "OPTIONAL"}}) {
            Map<String, Object> properties = config("10.1.255.0/27", "s3cret");
            properties.put("requireMessageAuthenticator", value[0]);
            properties.put("limitProxyState", "false");
            definition.modified(properties);
            assertEquals(value[1], registry.find(gateway).orElseThrow().messageAuthenticator().name(), value[0]);
            assertFalse(registry.find(gateway).orElseThrow().limitProxyState());
        }
        Map<String, Object> typo = config("10.1.255.0/27", "s3cret");
        typo.put("requireMessageAuthenticator", "sometimes");
        definition.modified(typo);
        assertEquals(org.radmfa.api.MessageAuthenticatorPolicy.OPTIONAL,
                registry.find(gateway).orElseThrow().messageAuthenticator(), "the last good definition serves");
    }

    @Test
    void aSealedSecretWaitsForTheVaultAndIsReadAgainWhenItComes() throws Exception {
        define(config("10.1.255.0/27", "{aes-gcm}terc3s"));
        assertTrue(registry.clients().isEmpty(), "no vault yet: refused");
        registry.bindVault(VAULT);
        assertEquals(SharedSecret.of("s3cret").fingerprint(),
                registry.find(InetAddress.getByName("10.1.255.4")).orElseThrow().secret().fingerprint());
        assertTrue(registry.definitions().refusals().isEmpty());
    }

    @Test
    void aRefusalIsReportedWithFileKeyAndReasonUntilItIsFixed() throws Exception {
        Definition definition = define(config("10.1.255.0/27", "s3cret"));
        definition.modified(config("10.1.255.0/33", "s3cret"));
        org.radmfa.api.config.Refusal refusal = registry.definitions().refusals().get(0);
        assertEquals("etc/org.radmfa.client-gw.cfg", refusal.source());
        assertEquals("address", refusal.key());
        assertTrue(refusal.lastGoodServing());
        assertTrue(refusal.message().startsWith("Refused RADIUS client configuration etc/org.radmfa.client-gw.cfg:"
                + " key 'address': "), refusal.message());
        definition.modified(config("10.1.255.0/27", "s3cret"));
        assertTrue(registry.definitions().refusals().isEmpty());
    }

    @Test
    void aSecondFileWithTheSameNameIsRefusedAndNamesTheFirst() throws Exception {
        define(config("10.1.255.0/27", "s3cret"));
        Map<String, Object> second = config("10.2.0.0/16", "s3cret");
        second.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.client-gw2.cfg");
        registry.definitions().files().updated("org.radmfa.client~gw2", new Hashtable<>(second));
        assertEquals(1, registry.clients().size());
        org.radmfa.api.config.Refusal refusal = registry.definitions().refusals().get(0);
        assertEquals("etc/org.radmfa.client-gw2.cfg", refusal.source());
        assertEquals("name 'gw' is already used by etc/org.radmfa.client-gw.cfg", refusal.reason());
        assertFalse(refusal.lastGoodServing());
    }
}
