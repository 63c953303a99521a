package org.radmfa.clients.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.SharedSecret;
import org.radmfa.testsupport.ReversingVault;

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

    /** A bundle context that records the services registered with it, by type, and which were unregistered. */
    private static final class Services {
        final java.util.Map<String, Object> registered = new java.util.LinkedHashMap<>();
        final java.util.List<String> unregistered = new java.util.ArrayList<>();
        final org.osgi.framework.BundleContext context = (org.osgi.framework.BundleContext)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {org.osgi.framework.BundleContext.class}, (proxy, method, args) -> {
                            switch (method.getName()) {
                                case "registerService" -> {
                                    String type = ((Class<?>) args[0]).getName();
                                    registered.put(type, args[1]);
                                    return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                                            new Class<?>[] {org.osgi.framework.ServiceRegistration.class},
                                            (p, m, a) -> {
                                                if (m.getName().equals("unregister")) {
                                                    unregistered.add(type);
                                                }
                                                return null;
                                            });
                                }
                                case "getServiceReference" -> {
                                    return null; // no ConfigurationAdmin: the files come through updated()
                                }
                                default -> throw new UnsupportedOperationException(method.getName());
                            }
                        });
    }

    private static final org.radmfa.api.SecretVault VAULT = new ReversingVault();

    /** The vault waits started, each with its task and the future the registry may cancel; run by hand. */
    private static final class VaultWaits implements ClientRegistryImpl.VaultWait {
        final java.util.List<Runnable> tasks = new java.util.ArrayList<>();
        final java.util.List<java.util.concurrent.CompletableFuture<Void>> futures = new java.util.ArrayList<>();

        @Override
        public java.util.concurrent.Future<?> start(Runnable whenOver) {
            java.util.concurrent.CompletableFuture<Void> future = new java.util.concurrent.CompletableFuture<>();
            tasks.add(whenOver);
            futures.add(future);
            return future;
        }
    }

    private static java.util.Hashtable<String, Object> clientFile(String name, String address, String secret) {
        return new java.util.Hashtable<>(java.util.Map.of("felix.fileinstall.filename",
                "file:/opt/radmfa/etc/org.radmfa.client-" + name + ".cfg", "name", name, "address", address,
                "secret", secret));
    }

    @Test
    void theRegistryIsOfferedAtOnceWhenNoSecretWaitsForTheVault() {
        Services services = new Services();
        registry.definitions().files().updated("org.radmfa.client~gw", clientFile("gw", "10.0.0.1",
                "a-clear-secret-1"));
        registry.activate(services.context, task -> {
            throw new AssertionError("nothing to wait for");
        });
        assertEquals(registry, services.registered.get(org.radmfa.api.ClientRegistry.class.getName()));
        registry.deactivate();
        assertTrue(services.unregistered.contains(org.radmfa.api.ClientRegistry.class.getName()));
    }

    /**
     * A sealed secret read before the vault has come waits for it, and so does the offer of the registry: the
     * transport opens its ports when the registry comes, and the client's first request is answered.
     */
    @Test
    void theRegistryIsOfferedOnceTheVaultHasOpenedTheSealedSecrets() throws Exception {
        Services services = new Services();
        registry.definitions().files().updated("org.radmfa.client~gw", clientFile("gw", "10.0.0.1",
                VAULT.seal("a-sealed-secret-1")));
        VaultWaits waits = new VaultWaits();
        registry.activate(services.context, waits);
        assertEquals(java.util.List.of(org.osgi.service.cm.ManagedServiceFactory.class.getName()),
                java.util.List.copyOf(services.registered.keySet()), "not offered while the secret waits");
        assertTrue(registry.refusals().get(0).waitsForVault());

        registry.bindVault(VAULT);
        assertEquals(registry, services.registered.get(org.radmfa.api.ClientRegistry.class.getName()));
        assertEquals("gw", registry.find(InetAddress.getByName("10.0.0.1")).orElseThrow().name());
        assertTrue(registry.refusals().isEmpty());
        assertTrue(waits.futures.get(0).isCancelled(), "the wait ends with the offer");

        waits.tasks.forEach(Runnable::run);
        assertEquals(2, services.registered.size(), "offered once");
    }

    @Test
    void withoutAVaultTheRegistryIsOfferedWhenTheWaitIsOverWithTheClientsItCanOpen() throws Exception {
        Services services = new Services();
        registry.definitions().files().updated("org.radmfa.client~sealed", clientFile("sealed", "10.0.0.1",
                VAULT.seal("a-sealed-secret-1")));
        registry.definitions().files().updated("org.radmfa.client~clear", clientFile("clear", "10.0.0.2",
                "a-clear-secret-1"));
        VaultWaits waits = new VaultWaits();
        registry.activate(services.context, waits);
        assertTrue(services.registered.get(org.radmfa.api.ClientRegistry.class.getName()) == null);
        assertEquals(1, waits.tasks.size());
        waits.tasks.get(0).run();
        assertEquals(registry, services.registered.get(org.radmfa.api.ClientRegistry.class.getName()));
        assertEquals("clear", registry.find(InetAddress.getByName("10.0.0.2")).orElseThrow().name());
        assertTrue(registry.find(InetAddress.getByName("10.0.0.1")).isEmpty());
    }

    /** A registry deactivated while it waits for the vault cancels the wait: nothing of it runs afterwards. */
    @Test
    void aDeactivatedRegistryCancelsItsWaitForTheVault() {
        Services services = new Services();
        registry.definitions().files().updated("org.radmfa.client~gw", clientFile("gw", "10.0.0.1",
                VAULT.seal("a-sealed-secret-1")));
        VaultWaits waits = new VaultWaits();
        registry.activate(services.context, waits);
        assertEquals(1, waits.futures.size());
        assertFalse(waits.futures.get(0).isCancelled());

        registry.deactivate();
        assertTrue(waits.futures.get(0).isCancelled(), "the pending wait is cancelled at deactivation");
        waits.tasks.get(0).run(); // had the cancel come too late: still nothing is offered by a deactivated registry
        assertTrue(services.registered.get(org.radmfa.api.ClientRegistry.class.getName()) == null);
    }

    /** The production wait is pending until its timeout, and a cancel ends it (and its timer) at once. */
    @Test
    void theVaultWaitIsAFutureThatCancels() {
        java.util.concurrent.Future<?> wait = ClientRegistryImpl.waitForVault(() -> {
            throw new AssertionError("a cancelled wait must not run");
        });
        assertFalse(wait.isDone(), "waits " + ClientRegistryImpl.VAULT_WAIT_SECONDS + " s");
        assertTrue(wait.cancel(false));
        assertTrue(wait.isCancelled());
    }
}
