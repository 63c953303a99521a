package org.radmfa.management.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.admin.ClientSettings;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.UnknownDefinitionException;

class ClientCommandsTest {
    private final FakeClientAdmin admin = new FakeClientAdmin();

    @BeforeEach
    void gateway() throws Exception {
        admin.put(new ClientSettings("azure-gw", "10.1.255.0/27", "Microsoft", MessageAuthenticatorPolicy.AUTO, true,
                30, 3), "a-secret-of-24-characters");
    }

    @Test
    void addAsksForTheSecretTwiceMaskedAndNeverPrintsIt() throws Exception {
        List<String> prompts = new ArrayList<>();
        ClientsAddCommand add = new ClientsAddCommand();
        add.admin = admin;
        add.session = CommandOutput.typing(prompts, "typed-secret", "typed-secret");
        add.name = "fw1";
        add.address = "192.0.2.10";
        add.messageAuthenticator = "required";

        String printed = CommandOutput.of(add);

        assertEquals(List.of("Shared secret: ", "Shared secret again: "), prompts);
        assertEquals("typed-secret", admin.secrets.get("fw1"));
        assertEquals(MessageAuthenticatorPolicy.REQUIRED, admin.settings.get("fw1").messageAuthenticator());
        assertTrue(admin.settings.get("fw1").limitProxyState(), "limitProxyState is on unless --allow-proxy-state");
        assertTrue(printed.contains("Client 'fw1' at 192.0.2.10 stored in etc/org.radmfa.client-fw1.cfg"), printed);
        assertFalse(printed.contains("typed-secret"), printed);
    }

    @Test
    void addRefusesTwoDifferentSecretsAndStoresNothing() {
        ClientsAddCommand add = new ClientsAddCommand();
        add.admin = admin;
        add.session = CommandOutput.typing(new ArrayList<>(), "one", "two");
        add.name = "fw1";
        add.address = "192.0.2.10";

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> CommandOutput.of(add));

        assertEquals("the two shared secrets differ: nothing changed", refused.getMessage());
        assertFalse(admin.settings.containsKey("fw1"));
    }

    @Test
    void addInABatchSessionSaysToUseAnInteractiveShell() {
        ClientsAddCommand add = new ClientsAddCommand();
        add.admin = admin;
        add.session = CommandOutput.batch();
        add.name = "fw1";
        add.address = "192.0.2.10";

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> CommandOutput.of(add));

        assertTrue(refused.getMessage().contains("interactive shell"), refused.getMessage());
        assertFalse(admin.settings.containsKey("fw1"));
    }

    @Test
    void addWithAGeneratedSecretPrintsItOnceAndStoresThatSecret() throws Exception {
        ClientsAddCommand add = new ClientsAddCommand();
        add.admin = admin;
        add.session = CommandOutput.batch();
        add.generate = true;
        add.name = "fw1";
        add.address = "fw1.example.net";
        add.noMessageAuthenticator = true;
        add.allowProxyState = true;

        String printed = CommandOutput.of(add);

        Matcher shown = Pattern.compile("Shared secret \\(shown only now; set it on the NAS\\): (\\S+)").matcher(
                printed);
        assertTrue(shown.find(), printed);
        assertEquals(32, shown.group(1).length());
        assertEquals(shown.group(1), admin.secrets.get("fw1"));
        assertEquals(MessageAuthenticatorPolicy.OPTIONAL, admin.settings.get("fw1").messageAuthenticator());
        assertFalse(admin.settings.get("fw1").limitProxyState());
    }

    @Test
    void setChangesOnlyWhatIsGiven() throws Exception {
        ClientsSetCommand set = new ClientsSetCommand();
        set.admin = admin;
        set.name = "AZURE-GW";
        set.messageAuthenticator = "required";
        set.nasTimeoutSeconds = 60;

        String printed = CommandOutput.of(set);

        ClientSettings changed = admin.settings.get("azure-gw");
        assertEquals(MessageAuthenticatorPolicy.REQUIRED, changed.messageAuthenticator());
        assertEquals(60, changed.nasTimeoutSeconds());
        assertEquals("10.1.255.0/27", changed.address());
        assertEquals("Microsoft", changed.vendor());
        assertEquals(3, changed.nasRetries());
        assertTrue(changed.limitProxyState());
        assertEquals("a-secret-of-24-characters", admin.secrets.get("azure-gw"), "the secret is kept");
        assertEquals("Client 'azure-gw' changed in etc/org.radmfa.client-azure-gw.cfg", printed.strip());
    }

    @Test
    void setRefusesAnythingButTrueOrFalseForLimitProxyState() {
        ClientsSetCommand set = new ClientsSetCommand();
        set.admin = admin;
        set.name = "azure-gw";
        set.limitProxyState = "maybe";

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> CommandOutput.of(set));

        assertEquals("--limit-proxy-state is true or false", refused.getMessage());
        assertTrue(admin.settings.get("azure-gw").limitProxyState());
    }

    @Test
    void setRefusesAnUnknownMessageAuthenticatorValue() {
        ClientsSetCommand set = new ClientsSetCommand();
        set.admin = admin;
        set.name = "azure-gw";
        set.messageAuthenticator = "sometimes";

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> CommandOutput.of(set));

        assertTrue(refused.getMessage().contains("'sometimes' is not true, auto or false"), refused.getMessage());
    }

    @Test
    void setPassesTheServicesRefusalOn() {
        ClientsSetCommand set = new ClientsSetCommand();
        set.admin = admin;
        set.name = "azure-gw";
        set.address = " ";

        InvalidDefinitionException refused = assertThrows(InvalidDefinitionException.class,
                () -> CommandOutput.of(set));

        assertEquals("address", refused.key());
        assertEquals("10.1.255.0/27", admin.settings.get("azure-gw").address());
    }

    @Test
    void setOfAnUnknownClientNamesIt() {
        ClientsSetCommand set = new ClientsSetCommand();
        set.admin = admin;
        set.name = "nope";

        UnknownDefinitionException refused = assertThrows(UnknownDefinitionException.class,
                () -> CommandOutput.of(set));

        assertEquals("no RADIUS client named 'nope'", refused.getMessage());
    }

    @Test
    void secretRotationAsksTwiceAndPrintsTheNewFingerprintOnly() throws Exception {
        List<String> prompts = new ArrayList<>();
        ClientsSecretCommand rotate = new ClientsSecretCommand();
        rotate.admin = admin;
        rotate.session = CommandOutput.typing(prompts, "rotated", "rotated");
        rotate.name = "azure-gw";

        String printed = CommandOutput.of(rotate);

        assertEquals(List.of("New shared secret: ", "New shared secret again: "), prompts);
        assertEquals("rotated", admin.secrets.get("azure-gw"));
        assertEquals("Secret of client 'azure-gw' changed (now sha256:fp-7); set the same on the NAS",
                printed.strip());
    }

    @Test
    void secretRotationRefusesAnEmptySecret() {
        ClientsSecretCommand rotate = new ClientsSecretCommand();
        rotate.admin = admin;
        rotate.session = CommandOutput.typing(new ArrayList<>(), "");
        rotate.name = "azure-gw";

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> CommandOutput.of(rotate));

        assertEquals("no new shared secret typed: nothing changed", refused.getMessage());
        assertEquals("a-secret-of-24-characters", admin.secrets.get("azure-gw"));
    }

    @Test
    void secretRotationOfAnUnknownClientNamesIt() {
        ClientsSecretCommand rotate = new ClientsSecretCommand();
        rotate.admin = admin;
        rotate.session = CommandOutput.batch();
        rotate.generate = true;
        rotate.name = "nope";

        assertThrows(UnknownDefinitionException.class, () -> CommandOutput.of(rotate));
    }

    @Test
    void removeSaysWhatItRemovedAndRefusesAnUnknownName() throws Exception {
        ClientsRemoveCommand remove = new ClientsRemoveCommand();
        remove.admin = admin;
        remove.name = "azure-gw";

        assertEquals("Client 'azure-gw' removed", CommandOutput.of(remove).strip());
        assertTrue(admin.settings.isEmpty());
        assertThrows(UnknownDefinitionException.class, () -> CommandOutput.of(remove));
    }

    @Test
    void showListsEverySettingAndTheFileWithoutTheSecret() throws Exception {
        ClientsShowCommand show = new ClientsShowCommand();
        show.admin = admin;
        show.name = "azure-gw";
        show.noFormat = true;

        String printed = CommandOutput.of(show);

        for (String expected : List.of("10.1.255.0/27", "Microsoft", "sha256:fp-25", "30 s",
                "etc/org.radmfa.client-azure-gw.cfg", "dropped while one is not required")) {
            assertTrue(printed.contains(expected), expected + " in " + printed);
        }
        assertFalse(printed.contains("a-secret-of-24-characters"), printed);
    }
}
