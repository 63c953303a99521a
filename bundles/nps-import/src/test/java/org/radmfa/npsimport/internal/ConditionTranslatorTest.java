package org.radmfa.npsimport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;

class ConditionTranslatorTest {
    private static final String VPN_SID = "S-1-5-21-1004336348-1177238915-682003330-1105";

    private static PolicySettings translate(PolicyKind kind, GroupMap groups, String... conditions) throws Exception {
        return draft(kind, groups, conditions).settings();
    }

    private static PolicyDraft draft(PolicyKind kind, GroupMap groups, String... conditions) throws Exception {
        ImportReport report = new ImportReport("test.xml", 257, true);
        PolicyDraft draft = new PolicyDraft(kind, "p", 1, true,
                report.add(ImportReport.Kind.NETWORK_POLICY, "p", ImportReport.Outcome.IMPORTED));
        List<XmlElement> elements = java.util.Arrays.stream(conditions)
                .map(c -> new XmlElement("msNPConstraint", null, "string", c, List.of(),
                        XmlElement.Where.root("NetworkPolicy", 1).child("p", 1))).toList();
        new ConditionTranslator(groups).translate(elements, draft);
        return draft;
    }

    @Test
    void enumeratedNumbersBecomeTheNamesTheEngineSees() throws Exception {
        PolicySettings settings = translate(PolicyKind.NETWORK, GroupMap.empty(),
                "MATCH(\"NAS-Port-Type=^19$|^18$\")", "MATCH(\"Service-Type=^2$\")");
        assertEquals("^(Wireless-802\\.11|Wireless-Other)$", settings.settings().get("condition.NAS-Port-Type"));
        assertEquals("^(Framed-User)$", settings.settings().get("condition.Service-Type"));
        assertTrue(settings.enabled());
    }

    @Test
    void plainAttributesKeepTheirPattern() throws Exception {
        PolicySettings settings = translate(PolicyKind.NETWORK, GroupMap.empty(), "MATCH(\"MS-RAS-Vendor=^311$\")",
                "MATCH(\"Called-Station-Id=^00-11-22-33-44-55:corp$\")", "MATCH(\"User-Name=@corp\\.example$\")",
                "MATCH(\"Client-Friendly-Name=^Head office\")");
        assertEquals(Map.of("condition.MS-RAS-Vendor", "^311$", "condition.Called-Station-Id",
                "^00-11-22-33-44-55:corp$", "condition.userName", "@corp\\.example$", "condition.clientName",
                "^Head office"), settings.settings());
    }

    @Test
    void timeOfDayStartsTheWeekOnSunday() throws Exception {
        PolicySettings settings = translate(PolicyKind.NETWORK, GroupMap.empty(),
                "TIMEOFDAY(\"0 00:00-24:00; 1 2 08:00-17:00\")");
        assertEquals("Sun 00:00-24:00; Mon 08:00-17:00; Tue 08:00-17:00",
                settings.settings().get("condition.dayAndTime"));
    }

    @Test
    void clientAddressesOnlyAsLiteralAddresses() throws Exception {
        assertEquals("10.1.255.4, 10.1.255.5", translate(PolicyKind.NETWORK, GroupMap.empty(),
                "MATCH(\"Client-IP-Address=^10\\.1\\.255\\.4$|^10\\.1\\.255\\.5$\")").settings()
                .get("condition.clientAddress"));
        PolicySettings pattern = translate(PolicyKind.NETWORK, GroupMap.empty(),
                "MATCH(\"Client-IP-Address=^10\\.1\\.\")");
        assertFalse(pattern.enabled(), "a pattern the engine cannot take disables the policy");
        assertFalse(pattern.settings().containsKey("condition.clientAddress"));
    }

    @Test
    void groupsResolvedByTheMapOrTheirPolicyIsDisabled() throws Exception {
        GroupMap map = GroupMap.of(Map.of(VPN_SID, "vpn-users"));
        PolicySettings resolved = translate(PolicyKind.NETWORK, map, "USERNTGROUPS(\"" + VPN_SID + "\")");
        assertEquals("vpn-users", resolved.settings().get("condition.userGroups"));
        assertTrue(resolved.enabled());

        PolicyDraft unresolved = draft(PolicyKind.NETWORK, map, "NTGROUPS(\"" + VPN_SID + ";S-1-5-21-9-9-9-1107\")");
        assertEquals("vpn-users, S-1-5-21-9-9-9-1107", unresolved.settings().settings().get("condition.userGroups"));
        assertFalse(unresolved.enabled());
        assertTrue(unresolved.entry.notes().stream().anyMatch(n -> n.text().contains("S-1-5-21-9-9-9-1107")));
    }

    /** Two NPS group conditions: the user must be in a group of each (AND), in one of a condition's (OR). */
    @Test
    void twoGroupConditionsBecomeTwoKeysThatMustBothHold() throws Exception {
        GroupMap map = GroupMap.of(Map.of(VPN_SID, "vpn-users", "S-1-5-21-9-9-9-1106", "staff",
                "S-1-5-21-9-9-9-1108", "admins"));
        PolicySettings both = translate(PolicyKind.NETWORK, map, "USERNTGROUPS(\"" + VPN_SID + "\")",
                "NTGROUPS(\"S-1-5-21-9-9-9-1106;S-1-5-21-9-9-9-1108\")");
        assertEquals("vpn-users", both.settings().get("condition.userGroups"));
        assertEquals("staff, admins", both.settings().get("condition.userGroups.2"));
        assertTrue(both.enabled(), "carried over whole: imported enabled");
    }

    @Test
    void aSidTheMapLacksIsAskedOfTheDirectories() throws Exception {
        org.radmfa.api.UserDirectory ad = new org.radmfa.api.UserDirectory() {
            @Override
            public String name() {
                return "corp";
            }

            @Override
            public java.util.concurrent.CompletionStage<org.radmfa.api.PrimaryAuthResult> authenticate(
                    org.radmfa.api.AuthenticationRequest request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public java.util.Optional<String> groupNameForSid(String sid) {
                return switch (sid) {
                    case "S-1-5-21-9-9-9-1107" -> java.util.Optional.of("contractors");
                    case "S-1-5-21-9-9-9-1109" -> java.util.Optional.of("VPN, Contractors");
                    default -> java.util.Optional.empty();
                };
            }
        };
        GroupMap groups = GroupMap.of(Map.of(VPN_SID, "vpn-users")).withDirectories(List.of(ad));
        PolicyDraft draft = draft(PolicyKind.NETWORK, groups, "NTGROUPS(\"" + VPN_SID + ";S-1-5-21-9-9-9-1107\")");
        assertEquals("vpn-users, contractors", draft.settings().settings().get("condition.userGroups"));
        assertTrue(draft.enabled());
        assertTrue(draft.entry.notes().get(0).text().contains("the group map and directory corp"),
                draft.entry.notes().toString());

        PolicyDraft comma = draft(PolicyKind.NETWORK, groups, "NTGROUPS(\"S-1-5-21-9-9-9-1109\")");
        assertEquals("S-1-5-21-9-9-9-1109", comma.settings().settings().get("condition.userGroups"),
                "never split into groups 'VPN' and 'Contractors'");
        assertFalse(comma.enabled());
    }

    @Test
    void conditionsWithoutCounterpartDisableThePolicy() throws Exception {
        assertFalse(translate(PolicyKind.NETWORK, GroupMap.empty(), "MSHEALTH(\"1\")").enabled());
        assertFalse(translate(PolicyKind.NETWORK, GroupMap.empty(), "MATCH(\"Client-Vendor=^9$\")").enabled());
        assertFalse(translate(PolicyKind.NETWORK, GroupMap.empty(), "MATCH(\"NAS-Port-Type=5\")").enabled(),
                "an unanchored number would match 15 too");
        assertFalse(translate(PolicyKind.CONNECTION_REQUEST, GroupMap.empty(), "NTGROUPS(\"" + VPN_SID + "\")")
                .enabled());
    }

    @Test
    void aConditionThatDoesNotParseRefusesTheFile() {
        NpsFormatException e = assertThrows(NpsFormatException.class,
                () -> translate(PolicyKind.NETWORK, GroupMap.empty(), "MATCH(\"User-Name=x"));
        assertEquals("NetworkPolicy/p (line 1)", e.element());
    }
}
