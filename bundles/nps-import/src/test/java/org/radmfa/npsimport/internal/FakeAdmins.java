package org.radmfa.npsimport.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.radmfa.api.SharedSecret;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ClientEntry;
import org.radmfa.api.admin.ClientSettings;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;
import org.radmfa.api.admin.RemoteServerAdmin;
import org.radmfa.api.admin.RemoteServerEntry;
import org.radmfa.api.admin.RemoteServerSettings;

/** In-memory admin services with the admin bundle's cross checks (unique address, unique order), counting writes. */
final class FakeAdmins {
    final Map<String, ClientEntry> clientStore = new LinkedHashMap<>();
    final Map<String, String> secrets = new LinkedHashMap<>();
    final Map<PolicyKind, Map<String, PolicySettings>> policyStore = new LinkedHashMap<>();
    final Map<String, RemoteServerEntry> serverStore = new LinkedHashMap<>();
    final Map<String, String> serverSecrets = new LinkedHashMap<>();
    int writes;
    /** A policy write that fails as a full disk would, after every check passed. */
    Predicate<PolicySettings> failPut = s -> false;

    FakeAdmins() {
        for (PolicyKind kind : PolicyKind.values()) {
            policyStore.put(kind, new LinkedHashMap<>());
        }
    }

    final ClientAdmin clients = new ClientAdmin() {
        @Override
        public List<ClientEntry> clients() {
            return List.copyOf(clientStore.values());
        }

        @Override
        public Optional<ClientEntry> client(String name) {
            return Optional.ofNullable(clientStore.get(name.toLowerCase(Locale.ROOT)));
        }

        @Override
        public ClientEntry put(ClientSettings settings, String secret) throws AdminException {
            check(settings, secret);
            writes++;
            String key = settings.name().toLowerCase(Locale.ROOT);
            if (secret != null) {
                secrets.put(key, secret);
            }
            ClientEntry entry = new ClientEntry(settings, SharedSecret.of(secrets.get(key)).fingerprint(),
                    "etc/org.radmfa.client-" + key + ".cfg");
            clientStore.put(key, entry);
            return entry;
        }

        @Override
        public void check(ClientSettings settings, String secret) throws AdminException {
            String key = settings.name().toLowerCase(Locale.ROOT);
            if (secret == null && !clientStore.containsKey(key)) {
                throw new InvalidDefinitionException("secret", "is required for a new client");
            }
            for (ClientEntry other : clientStore.values()) {
                if (!other.settings().name().equalsIgnoreCase(settings.name())
                        && other.settings().address().equalsIgnoreCase(settings.address())) {
                    throw new InvalidDefinitionException("address", "'" + settings.address()
                            + "' is already registered as client '" + other.settings().name() + "'");
                }
            }
        }

        @Override
        public ClientEntry setSecret(String name, String secret) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean remove(String name) {
            throw new UnsupportedOperationException();
        }
    };

    final PolicyAdmin policies = new PolicyAdmin() {
        @Override
        public List<PolicyEntry> policies(PolicyKind kind) {
            List<PolicyEntry> result = new ArrayList<>();
            policyStore.get(kind).values().forEach(p -> result.add(new PolicyEntry(p, "etc/" + p.name())));
            result.sort(Comparator.comparingInt(p -> p.settings().order()));
            return result;
        }

        @Override
        public Optional<PolicyEntry> policy(PolicyKind kind, String name) {
            return Optional.ofNullable(policyStore.get(kind).get(name.toLowerCase(Locale.ROOT)))
                    .map(p -> new PolicyEntry(p, "etc/" + p.name()));
        }

        @Override
        public PolicyEntry put(PolicySettings settings) throws AdminException {
            check(settings);
            if (failPut.test(settings)) {
                throw new AdminException("could not write etc/" + settings.name() + ": no space left on device");
            }
            writes++;
            policyStore.get(settings.kind()).put(settings.name().toLowerCase(Locale.ROOT), settings);
            return new PolicyEntry(settings, "etc/" + settings.name());
        }

        @Override
        public void check(PolicySettings settings) throws AdminException {
            for (PolicySettings other : policyStore.get(settings.kind()).values()) {
                if (!other.name().equalsIgnoreCase(settings.name()) && other.order() == settings.order()) {
                    throw new InvalidDefinitionException("order", "processing order " + settings.order()
                            + " is already used by '" + other.name() + "'");
                }
            }
            for (String key : settings.settings().keySet()) {
                if (key.equals("reply.Tunnel-Private-Group-Id")) {
                    // As a dictionary without the tagged tunnel attributes would answer.
                    throw new InvalidDefinitionException(key, "unknown attribute");
                }
            }
        }

        @Override
        public PolicyEntry setEnabled(PolicyKind kind, String name, boolean enabled) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<PolicyEntry> move(PolicyKind kind, String name, int position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean remove(PolicyKind kind, String name) {
            throw new UnsupportedOperationException();
        }
    };

    /** Remote servers by group and name, with the proxy's ranges. */
    final RemoteServerAdmin servers = new RemoteServerAdmin() {
        @Override
        public List<RemoteServerEntry> servers() {
            return List.copyOf(serverStore.values());
        }

        @Override
        public Optional<RemoteServerEntry> server(String group, String name) {
            return Optional.ofNullable(serverStore.get(key(group, name)));
        }

        @Override
        public RemoteServerEntry put(RemoteServerSettings settings, String secret) throws AdminException {
            check(settings, secret);
            writes++;
            String key = key(settings.group(), settings.name());
            if (secret != null) {
                serverSecrets.put(key, secret);
            }
            RemoteServerEntry entry = new RemoteServerEntry(settings, SharedSecret.of(serverSecrets.get(key))
                    .fingerprint(), "etc/org.radmfa.proxy.server-" + key + ".cfg");
            serverStore.put(key, entry);
            return entry;
        }

        @Override
        public void check(RemoteServerSettings settings, String secret) throws AdminException {
            if (secret == null && !serverStore.containsKey(key(settings.group(), settings.name()))) {
                throw new InvalidDefinitionException("secret", "is required for a new remote server");
            }
            if (settings.timeoutSeconds() < 1 || settings.timeoutSeconds() > 60) {
                throw new InvalidDefinitionException("timeoutSeconds", settings.timeoutSeconds()
                        + " is not between 1 and 60");
            }
        }

        @Override
        public boolean remove(String group, String name) {
            throw new UnsupportedOperationException();
        }

        private String key(String group, String name) {
            return (group + "/" + name).toLowerCase(Locale.ROOT);
        }
    };

    RemoteServerSettings server(String group, String name) {
        RemoteServerEntry entry = serverStore.get((group + "/" + name).toLowerCase(Locale.ROOT));
        return entry == null ? null : entry.settings();
    }

    PolicySettings policy(PolicyKind kind, String name) {
        return policyStore.get(kind).get(name.toLowerCase(Locale.ROOT));
    }
}
