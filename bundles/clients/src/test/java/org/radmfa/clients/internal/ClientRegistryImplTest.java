package org.radmfa.clients.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.SharedSecret;

class ClientRegistryImplTest {
    private final ClientRegistryImpl registry = new ClientRegistryImpl((java.nio.file.Path) null);

    private void add(String key, String name, String address) {
        registry.put(key, new RadiusClient(name, address, SharedSecret.of("s3cret-" + name), null, true),
                AddressMatcher.parse(address), key + ".cfg");
    }

    @Test
    void mostSpecificMatchWinsWhateverTheOrderOfRegistration() throws Exception {
        add("a", "whole-vnet", "10.1.0.0/16");
        add("b", "gateway-subnet", "10.1.255.0/27");
        add("c", "one-host", "10.1.255.4");
        assertEquals("one-host", registry.find(InetAddress.getByName("10.1.255.4")).orElseThrow().name());
        assertEquals("gateway-subnet", registry.find(InetAddress.getByName("10.1.255.5")).orElseThrow().name());
        assertEquals("whole-vnet", registry.find(InetAddress.getByName("10.1.7.5")).orElseThrow().name());
        assertTrue(registry.find(InetAddress.getByName("192.0.2.1")).isEmpty());
        registry.remove("c");
        assertEquals("gateway-subnet", registry.find(InetAddress.getByName("10.1.255.4")).orElseThrow().name());
    }

    @Test
    void duplicateNamesAndAddressesAreRefused() {
        add("a", "gw", "10.1.255.0/27");
        assertThrows(IllegalArgumentException.class, () -> add("b", "GW", "10.2.0.0/16"));
        assertThrows(IllegalArgumentException.class, () -> add("b", "other", "10.1.255.0/27"));
        add("a", "gw-renamed", "10.1.255.0/27");
        assertEquals("gw-renamed", registry.clients().get(0).name());
    }

    /** requireMessageAuthenticator = auto: what a client has sent survives a restart (a new registry, same file). */
    @Test
    void aClientThatSentAMessageAuthenticatorIsRememberedAcrossRestarts(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path data) {
        java.nio.file.Path file = data.resolve(ClientRegistryImpl.MEMORY_FILE);
        ClientRegistryImpl first = new ClientRegistryImpl(file);
        assertTrue(first.messageAuthenticatorReceived("gw").isEmpty());
        first.receivedMessageAuthenticator("gw");
        java.time.Instant when = first.messageAuthenticatorReceived("gw").orElseThrow();
        first.receivedMessageAuthenticator("gw");
        assertEquals(when, first.messageAuthenticatorReceived("gw").orElseThrow(), "the first time is kept");

        ClientRegistryImpl afterRestart = new ClientRegistryImpl(file);
        assertEquals(when, afterRestart.messageAuthenticatorReceived("gw").orElseThrow());
        assertTrue(afterRestart.messageAuthenticatorReceived("other").isEmpty());
    }

    /** Two nodes of a cluster: what one learns, the other adopts from its next lookup on; a node's past is shared. */
    @Test
    void whatOneNodeLearnsTheOtherAdoptsThroughTheCluster() {
        java.util.Map<String, java.time.Instant> cluster = new java.util.concurrent.ConcurrentHashMap<>();
        org.radmfa.api.SharedMessageAuthenticators shared = new org.radmfa.api.SharedMessageAuthenticators() {
            @Override
            public void publish(String clientName, java.time.Instant first) {
                cluster.putIfAbsent(clientName, first);
            }

            @Override
            public java.util.concurrent.CompletionStage<java.util.Optional<java.time.Instant>> lookup(
                    String clientName) {
                return java.util.concurrent.CompletableFuture.completedFuture(
                        java.util.Optional.ofNullable(cluster.get(clientName)));
            }
        };
        ClientRegistryImpl first = new ClientRegistryImpl((java.nio.file.Path) null);
        first.receivedMessageAuthenticator("learned-alone");
        first.bindShared(shared);
        assertTrue(cluster.containsKey("learned-alone"), "what a node knew before joining is published");
        ClientRegistryImpl second = new ClientRegistryImpl((java.nio.file.Path) null);
        second.bindShared(shared);

        first.receivedMessageAuthenticator("gw");
        assertEquals(first.messageAuthenticatorReceived("gw").orElseThrow(), cluster.get("gw"));
        assertTrue(second.messageAuthenticatorReceived("gw").isEmpty(), "not waited for: the lookup is under way");
        assertEquals(cluster.get("gw"), second.messageAuthenticatorReceived("gw").orElseThrow(), "adopted");
        assertTrue(second.messageAuthenticatorReceived("never-signed").isEmpty());
    }
}
