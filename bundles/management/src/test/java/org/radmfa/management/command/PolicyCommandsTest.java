package org.radmfa.management.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;
import org.radmfa.api.admin.UnknownDefinitionException;

class PolicyCommandsTest {
    private final FakePolicyAdmin admin = new FakePolicyAdmin();

    @BeforeEach
    void policies() throws Exception {
        admin.put(new PolicySettings(PolicyKind.NETWORK, "VPN users", 10, true, Map.of("access", "grant",
                "mfaRequired", "true", "condition.userGroups", "VPN Users")));
        admin.put(new PolicySettings(PolicyKind.NETWORK, "Contractors", 20, false, Map.of("access", "deny")));
        admin.put(new PolicySettings(PolicyKind.CONNECTION_REQUEST, "Partner realm", 10, true, Map.of("action",
                "forward", "serverGroup", "partners")));
    }

    @Test
    void enableEnablesAndSaysWhichKind() throws Exception {
        PoliciesEnableCommand enable = new PoliciesEnableCommand();
        enable.admin = admin;
        enable.name = "Contractors";

        assertEquals("network policy 'Contractors' enabled", CommandOutput.of(enable).strip());
        assertTrue(admin.policy(PolicyKind.NETWORK, "contractors").orElseThrow().settings().enabled());
    }

    @Test
    void disableDisablesAConnectionRequestPolicy() throws Exception {
        PoliciesDisableCommand disable = new PoliciesDisableCommand();
        disable.admin = admin;
        disable.kind = "crp";
        disable.name = "Partner realm";

        assertEquals("connection request policy 'Partner realm' disabled", CommandOutput.of(disable).strip());
        assertFalse(admin.policy(PolicyKind.CONNECTION_REQUEST, "Partner realm").orElseThrow().settings().enabled());
    }

    @Test
    void enableOfAnUnknownPolicyNamesIt() {
        PoliciesEnableCommand enable = new PoliciesEnableCommand();
        enable.admin = admin;
        enable.name = "nope";

        UnknownDefinitionException refused = assertThrows(UnknownDefinitionException.class,
                () -> CommandOutput.of(enable));

        assertEquals("nope", refused.name());
    }

    @Test
    void anUnknownKindIsRefusedBeforeAnythingChanges() {
        PoliciesRemoveCommand remove = new PoliciesRemoveCommand();
        remove.admin = admin;
        remove.kind = "firewall";
        remove.name = "VPN users";

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> CommandOutput.of(remove));

        assertEquals("kind 'firewall' is neither network nor crp", refused.getMessage());
        assertTrue(admin.policy(PolicyKind.NETWORK, "VPN users").isPresent());
    }

    @Test
    void removeRemovesOnlyThatKindAndRefusesAnUnknownName() throws Exception {
        PoliciesRemoveCommand remove = new PoliciesRemoveCommand();
        remove.admin = admin;
        remove.kind = "crp";
        remove.name = "Partner realm";

        assertEquals("connection request policy 'Partner realm' removed", CommandOutput.of(remove).strip());
        assertTrue(admin.policies(PolicyKind.CONNECTION_REQUEST).isEmpty());
        assertEquals(2, admin.policies(PolicyKind.NETWORK).size());

        UnknownDefinitionException refused = assertThrows(UnknownDefinitionException.class,
                () -> CommandOutput.of(remove));
        assertEquals("no connection request policy named 'Partner realm'", refused.getMessage());
    }

    @Test
    void showPrintsEverySettingOrderStateAndFile() throws Exception {
        PoliciesShowCommand show = new PoliciesShowCommand();
        show.admin = admin;
        show.name = "vpn users";
        show.noFormat = true;

        String printed = CommandOutput.of(show);

        for (String expected : List.of("VPN users", "10", "true", "access", "grant", "condition.userGroups",
                "VPN Users", "mfaRequired", "etc/org.radmfa.policy-vpn users.cfg")) {
            assertTrue(printed.contains(expected), expected + " in " + printed);
        }
    }

    @Test
    void showOfAPolicyOfTheOtherKindIsUnknown() {
        PoliciesShowCommand show = new PoliciesShowCommand();
        show.admin = admin;
        show.kind = "crp";
        show.name = "VPN users";

        assertThrows(UnknownDefinitionException.class, () -> CommandOutput.of(show));
    }

    @Test
    void addPutsANewPolicyLastBeforeTheNpsDefaults() throws Exception {
        admin.put(new PolicySettings(PolicyKind.NETWORK, "Connections to other access servers",
                PoliciesAddCommand.DEFAULTS_FROM + 1, true, Map.of("access", "deny")));
        PoliciesAddCommand add = new PoliciesAddCommand();
        add.admin = admin;
        add.name = "Admins";
        add.settings = List.of("access=grant", "condition.userGroups=Domain Admins");

        String printed = CommandOutput.of(add);

        assertTrue(printed.startsWith("network policy 'Admins' (order 30) stored in"), printed);
        assertEquals("Domain Admins", admin.policy(PolicyKind.NETWORK, "Admins").orElseThrow().settings().settings()
                .get("condition.userGroups"));
    }

    @Test
    void addRefusesAnExistingNameAndAnArgumentThatIsNotKeyValue() {
        PoliciesAddCommand add = new PoliciesAddCommand();
        add.admin = admin;
        add.name = "VPN USERS";
        InvalidDefinitionException taken = assertThrows(InvalidDefinitionException.class,
                () -> CommandOutput.of(add));
        assertTrue(taken.getMessage().contains("change it with policies-set"), taken.getMessage());

        add.name = "Admins";
        add.settings = List.of("grant");
        IllegalArgumentException notKeyValue = assertThrows(IllegalArgumentException.class,
                () -> CommandOutput.of(add));
        assertEquals("'grant' is not key=value", notKeyValue.getMessage());
        assertTrue(admin.policy(PolicyKind.NETWORK, "Admins").isEmpty());
    }

    @Test
    void setChangesAndUnsetsSettingsKeepingTheRest() throws Exception {
        PoliciesSetCommand set = new PoliciesSetCommand();
        set.admin = admin;
        set.name = "VPN users";
        set.unset = List.of("mfaRequired");
        set.settings = List.of("reply.Class=vpn=a=b");

        CommandOutput.of(set);

        Map<String, String> settings = admin.policy(PolicyKind.NETWORK, "VPN users").orElseThrow().settings()
                .settings();
        assertEquals(Map.of("access", "grant", "condition.userGroups", "VPN Users", "reply.Class", "vpn=a=b"),
                settings);
    }

    @Test
    void setPassesTheServicesRefusalOnAndChangesNothing() {
        PoliciesSetCommand set = new PoliciesSetCommand();
        set.admin = admin;
        set.name = "VPN users";
        set.settings = List.of("access=maybe");

        InvalidDefinitionException refused = assertThrows(InvalidDefinitionException.class,
                () -> CommandOutput.of(set));

        assertEquals("access", refused.key());
        assertEquals("grant", admin.policy(PolicyKind.NETWORK, "VPN users").orElseThrow().settings().settings()
                .get("access"));
    }

    @Test
    void moveListsTheNewProcessingOrder() throws Exception {
        PoliciesMoveCommand move = new PoliciesMoveCommand();
        move.admin = admin;
        move.name = "Contractors";
        move.position = 1;

        assertEquals(List.of("1. Contractors (order 10)", "2. VPN users (order 20)"),
                CommandOutput.of(move).strip().lines().toList());
    }

    @Test
    void listShowsAccessMfaAndConditionsPerKind() throws Exception {
        PoliciesCommand list = new PoliciesCommand();
        list.admin = admin;
        list.noFormat = true;
        String network = CommandOutput.of(list);
        assertTrue(network.contains("required") && network.contains("userGroups=VPN Users"), network);
        assertTrue(network.indexOf("VPN users") < network.indexOf("Contractors"), network);

        list.kind = "crp";
        String crp = CommandOutput.of(list);
        assertTrue(crp.contains("forward") && crp.contains("Partner realm"), crp);
        assertFalse(crp.contains("VPN users"), crp);
    }
}
