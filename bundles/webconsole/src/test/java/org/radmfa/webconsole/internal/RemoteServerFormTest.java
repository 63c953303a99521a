package org.radmfa.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.RemoteServerAdmin;
import org.radmfa.api.admin.RemoteServerEntry;
import org.radmfa.api.admin.RemoteServerSettings;

/** The remote server form: fields to settings and back, and the change it makes through the admin service. */
class RemoteServerFormTest {

    private static final RemoteServerSettings STORED = new RemoteServerSettings("old-radius", "radius1", "10.0.0.5",
            1645, 1646, 2, 30, 4, 6, 40, false, true, true);

    private final Map<String, String> form = new HashMap<>();
    private final List<Object[]> puts = new ArrayList<>();

    @Test
    void emptyNumbersKeepTheBaseAndUncheckedBoxesAreFalse() throws Exception {
        form.put("address", " 10.0.0.9 ");
        form.put("weight", "70");
        form.put("forwardAccounting", "true");
        RemoteServerSettings settings = RemoteServerForm.settings(form::get, STORED);
        assertEquals(new RemoteServerSettings("old-radius", "radius1", "10.0.0.9", 1645, 1646, 2, 70, 4, 6, 40, true,
                false, false), settings);
    }

    @Test
    void theFormOfAStoredServerGivesItBackUnchanged() throws Exception {
        Map<String, String> fields = RemoteServerForm.fields(STORED);
        assertFalse(fields.containsKey("secret"), "the secret never goes into the form");
        assertEquals(STORED, RemoteServerForm.settings(fields::get,
                RemoteServerSettings.withDefaults("old-radius", "radius1", "")));
    }

    @Test
    void aNumberThatIsNoNumberIsRefusedWithItsKey() {
        form.put("authPort", "18x2");
        InvalidDefinitionException refused = assertThrows(InvalidDefinitionException.class,
                () -> RemoteServerForm.settings(form::get, STORED));
        assertEquals("authPort", refused.key());
    }

    @Test
    void aNewServerGetsNpsDefaultsAndTheSecretAndAnEditWithoutSecretKeepsIt() throws Exception {
        Map<String, RemoteServerEntry> stored = new HashMap<>();
        RemoteServerAdmin admin = Fakes.service(RemoteServerAdmin.class, Map.of(
                "server", args -> Optional.ofNullable(stored.get(args[1])),
                "put", args -> {
                    puts.add(args);
                    RemoteServerSettings settings = (RemoteServerSettings) args[0];
                    RemoteServerEntry entry = new RemoteServerEntry(settings, "abcd1234",
                            "etc/org.radmfa.proxy.server-g-" + settings.name() + ".cfg");
                    stored.put(settings.name(), entry);
                    return entry;
                }));
        form.put("action", "put");
        form.put("group", "g");
        form.put("name", "r1");
        form.put("address", "192.0.2.7");
        form.put("forwardAccounting", "true");
        form.put("sendMessageAuthenticator", "true");
        form.put("secret", "s3cret-value");
        ChangeHandler.Done added = RemoteServerForm.change(admin, form::get);
        assertEquals("servers", added.anchor());
        assertTrue(added.message().contains("added"), added.message());
        assertFalse(added.message().contains("s3cret-value"), added.message());
        assertEquals(RemoteServerSettings.withDefaults("g", "r1", "192.0.2.7"), puts.get(0)[0]);
        assertEquals("s3cret-value", puts.get(0)[1]);

        form.put("secret", "");
        form.put("priority", "3");
        ChangeHandler.Done changed = RemoteServerForm.change(admin, form::get);
        assertTrue(changed.message().contains("changed"), changed.message());
        assertNull(puts.get(1)[1], "empty secret: keep the stored one");
        assertEquals(3, ((RemoteServerSettings) puts.get(1)[0]).priority());
    }

    @Test
    void removeAndUnknownActions() throws Exception {
        RemoteServerAdmin admin = Fakes.service(RemoteServerAdmin.class, Map.of(
                "remove", args -> "r1".equals(args[1])));
        form.put("group", "g");
        form.put("name", "r1");
        form.put("action", "remove");
        assertEquals("Remote server 'r1' of group 'g' removed", RemoteServerForm.change(admin, form::get).message());
        form.put("name", "r2");
        assertEquals("No remote server 'r2' in group 'g'", RemoteServerForm.change(admin, form::get).message());
        form.put("action", "explode");
        assertThrows(IllegalArgumentException.class, () -> RemoteServerForm.change(admin, form::get));
        form.remove("group");
        assertThrows(IllegalArgumentException.class, () -> RemoteServerForm.change(admin, form::get));
    }
}
