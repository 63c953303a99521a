package org.radmfa.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;

/** The policy form: fields to settings and back, and the change it makes through the admin service. */
class PolicyFormTest {

    private final Map<String, String> form = new HashMap<>();

    @Test
    void aNetworkPolicysFieldsBecomeItsSettings() {
        form.put("name", " VPN users ");
        form.put("enabled", "true");
        form.put("access", "grant");
        form.put("mfaRequired", "true");
        form.put("mfaExemptGroups", "break-glass");
        form.put("conditions", "userGroups = vpn-users\r\n# a comment\n\nNAS-Port-Type = ^Virtual$");
        form.put("constraints", "sessionTimeout = 28800");
        form.put("replies", "Class = vpn");
        form.put("other", "timeZone = Europe/Berlin");
        PolicySettings settings = PolicyForm.settings(PolicyKind.NETWORK, form::get, 30);
        assertEquals("VPN users", settings.name());
        assertEquals(30, settings.order(), "no order in the form: the one given");
        assertTrue(settings.enabled());
        assertEquals(new TreeMap<>(Map.of("access", "grant", "ignoreUserDialIn", "false", "mfaRequired", "true",
                "mfaExemptGroups", "break-glass", "condition.userGroups", "vpn-users", "condition.NAS-Port-Type", "^Virtual$",
                "constraint.sessionTimeout", "28800", "reply.Class", "vpn", "timeZone", "Europe/Berlin")),
                settings.settings());
    }

    @Test
    void theFormOfAStoredPolicyGivesItBackUnchanged() {
        PolicySettings stored = new PolicySettings(PolicyKind.CONNECTION_REQUEST, "Corp", 10, false, Map.of(
                "action", "authenticate", "directory", "corp", "condition.userName", "@corp\\.example$",
                "rewrite.pattern", "@corp\\.example$", "rewrite.replacement", ""));
        Map<String, String> fields = PolicyForm.fields(stored);
        assertEquals("authenticate", fields.get("crpAction"), "not 'action': the form's own action field");
        assertEquals("userName = @corp\\.example$\n", fields.get("conditions"));
        assertTrue(fields.get("other").contains("rewrite.replacement = \n"), fields.get("other"));
        assertEquals("false", fields.get("enabled"));
        assertEquals(stored, PolicyForm.settings(PolicyKind.CONNECTION_REQUEST, fields::get, 99));
    }

    @Test
    void aPolicyLeftToTheAccountsDialInPermissionIsEditedWithoutChange() {
        PolicySettings stored = new PolicySettings(PolicyKind.NETWORK, "Per user", 5, true, Map.of("access", "dialin",
                "ignoreUserDialIn", "false", "mfaRequired", "true", "condition.NAS-Port-Type", "^Virtual$"));
        Map<String, String> fields = PolicyForm.fields(stored);
        assertEquals("dialin", fields.get("access"));
        assertEquals("", fields.get("other"), "each key has its field");
        assertEquals(stored, PolicyForm.settings(PolicyKind.NETWORK, fields::get, 99));
    }

    @Test
    void anUnreadableLineOrAKeyTwiceIsRefusedWithTheField() {
        form.put("name", "x");
        form.put("conditions", "userGroups vpn-users");
        IllegalArgumentException noEquals = assertThrows(IllegalArgumentException.class,
                () -> PolicyForm.settings(PolicyKind.NETWORK, form::get, 10));
        assertEquals("field 'conditions', line 1: expected 'key = value': userGroups vpn-users",
                noEquals.getMessage());
        form.put("conditions", "userName = a");
        form.put("other", "condition.userName = b");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PolicyForm.settings(PolicyKind.NETWORK, form::get, 10)).getMessage()
                .contains("'condition.userName' given twice"));
        form.put("other", "");
        form.put("order", "first");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PolicyForm.settings(PolicyKind.NETWORK, form::get, 10)).getMessage()
                .contains("field 'order': not a whole number"));
    }

    @Test
    void aNewPolicyGoesAfterTheAdministratorsAndBeforeNpsDefaults() {
        assertEquals(10, ChangeHandler.orderForNew(List.of()));
        assertEquals(30, ChangeHandler.orderForNew(List.of(entry("a", 20), entry("ms-rras", 999998),
                entry("other", 999999))));
    }

    @Test
    void thePutGoesThroughTheAdminServiceAndItsRefusalComesBack() throws Exception {
        List<PolicySettings> stored = new java.util.ArrayList<>();
        PolicyAdmin admin = Fakes.service(PolicyAdmin.class, Map.of(
                "policy", args -> Optional.empty(),
                "policies", args -> List.of(entry("a", 20)),
                "put", args -> {
                    PolicySettings settings = (PolicySettings) args[0];
                    if (settings.settings().containsKey("condition.userGroups")) {
                        throw new InvalidDefinitionException("condition.userGroups",
                                "group 'late-group' exists in no directory (local)");
                    }
                    stored.add(settings);
                    return new PolicyEntry(settings, "etc/org.radmfa.policy-new.cfg");
                }));
        ChangeHandler handler = new ChangeHandler(Fakes.service(ClientAdmin.class, Map.of()), admin,
                Fakes.service(LocalUserAdmin.class, Map.of()), null);
        form.put("action", "put");
        form.put("kind", "network");
        form.put("name", "new");
        form.put("access", "deny");
        ChangeHandler.Done done = handler.handle("/policies", form::get);
        assertEquals("Network policy 'new' added (etc/org.radmfa.policy-new.cfg)", done.message());
        assertEquals(30, stored.get(0).order());
        assertFalse(stored.get(0).enabled(), "an unticked box is not enabled");

        form.put("conditions", "userGroups = late-group");
        InvalidDefinitionException refused = assertThrows(InvalidDefinitionException.class,
                () -> handler.handle("/policies", form::get));
        assertTrue(refused.getMessage().contains("condition.userGroups"), refused.getMessage());
        assertEquals(1, stored.size());
    }

    private static PolicyEntry entry(String name, int order) {
        return new PolicyEntry(new PolicySettings(PolicyKind.NETWORK, name, order, true, Map.of()), name + ".cfg");
    }
}
