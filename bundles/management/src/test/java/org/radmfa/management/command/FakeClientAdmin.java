package org.radmfa.management.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ClientEntry;
import org.radmfa.api.admin.ClientSettings;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.UnknownDefinitionException;

/** Clients kept in memory, refusing what the real admin service refuses that the commands must report. */
final class FakeClientAdmin implements ClientAdmin {
    final TreeMap<String, ClientSettings> settings = new TreeMap<>();
    final TreeMap<String, String> secrets = new TreeMap<>();

    @Override
    public List<ClientEntry> clients() {
        List<ClientEntry> entries = new ArrayList<>();
        settings.keySet().forEach(key -> entries.add(entry(key)));
        return entries;
    }

    @Override
    public Optional<ClientEntry> client(String name) {
        return settings.containsKey(key(name)) ? Optional.of(entry(key(name))) : Optional.empty();
    }

    @Override
    public ClientEntry put(ClientSettings client, String secret) throws AdminException {
        check(client, secret);
        settings.put(key(client.name()), client);
        if (secret != null) {
            secrets.put(key(client.name()), secret);
        }
        return entry(key(client.name()));
    }

    @Override
    public void check(ClientSettings client, String secret) throws AdminException {
        if (secret == null && !settings.containsKey(key(client.name()))) {
            throw new InvalidDefinitionException("secret", "a new client needs a shared secret");
        }
        if (client.address().isBlank()) {
            throw new InvalidDefinitionException("address", "is empty");
        }
    }

    @Override
    public ClientEntry setSecret(String name, String secret) throws AdminException {
        if (!settings.containsKey(key(name))) {
            throw new UnknownDefinitionException("RADIUS client", name);
        }
        secrets.put(key(name), secret);
        return entry(key(name));
    }

    @Override
    public boolean remove(String name) {
        secrets.remove(key(name));
        return settings.remove(key(name)) != null;
    }

    private ClientEntry entry(String key) {
        return new ClientEntry(settings.get(key), "fp-" + secrets.get(key).length(), "etc/org.radmfa.client-" + key
                + ".cfg");
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
