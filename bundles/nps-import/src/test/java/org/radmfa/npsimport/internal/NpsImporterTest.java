package org.radmfa.npsimport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.ClientSettings;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;
import org.radmfa.api.admin.RemoteServerSettings;
import org.radmfa.npsimport.internal.ImportReport.Outcome;

class NpsImporterTest {
    private static final String SID = "S-1-5-21-1004336348-1177238915-682003330-";
    private static final GroupMap GROUPS = GroupMap.of(Map.of(SID + "1105", "vpn-users", SID + "1106", "staff"));

    private final FakeAdmins admins = new FakeAdmins();
    private final NpsImporter importer = new NpsImporter(admins.clients, admins.policies, admins.servers);

    private static Path resource(String name) throws Exception {
        return Path.of(NpsImporterTest.class.getResource("/nps/" + name).toURI());
    }

    private ImportReport run(String file, boolean dryRun) throws Exception {
        return importer.run(resource(file), new NpsImporter.Options(GROUPS, "", dryRun));
    }

    private static ImportReport.Entry entry(ImportReport report, ImportReport.Kind kind, String name) {
        return report.entries().stream().filter(e -> e.kind() == kind && e.npsName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " '" + name + "' in\n" + report.render()));
    }

    @Test
    void aDryRunReportsEverythingAndWritesNothing() throws Exception {
        ImportReport report = run("nps-export-v257.xml", true);
        assertEquals(0, admins.writes);
        assertNull(report.refusal(), report.render());
        assertTrue(report.render().contains("DRY RUN"));
        assertEquals(Outcome.IMPORTED, entry(report, ImportReport.Kind.RADIUS_CLIENT, "Lab gateway").outcome());
        assertEquals(Outcome.SKIPPED, entry(report, ImportReport.Kind.RADIUS_CLIENT, "Old switch").outcome());
        assertEquals(Outcome.SKIPPED, entry(report, ImportReport.Kind.RADIUS_CLIENT, "Secretless AP").outcome());
        assertEquals(Outcome.IMPORTED_DISABLED, entry(report, ImportReport.Kind.NETWORK_POLICY, "Contractors")
                .outcome());
        assertEquals(Outcome.IMPORTED, entry(report, ImportReport.Kind.SERVER_GROUP,
                "Partner RADIUS / radius1.partner.example").outcome());
        assertEquals(Map.of(Outcome.IMPORTED, 2, Outcome.SKIPPED, 2),
                report.totals(ImportReport.Kind.RADIUS_CLIENT));
    }

    @Test
    void clientsAreImportedWithSecretAddressVendorAndMessageAuthenticator() throws Exception {
        run("nps-export-v257.xml", false);
        assertEquals(new ClientSettings("Lab gateway", "127.0.0.4", "Microsoft", true, 0, 0),
                admins.clientStore.get("lab gateway").settings());
        assertEquals("lab-gw-secret-4", admins.secrets.get("lab gateway"));
        assertEquals(new ClientSettings("Lab subnet", "127.0.1.0/24", "Fortinet, Inc.", false, 0, 0),
                admins.clientStore.get("lab subnet").settings());
        assertFalse(admins.clientStore.containsKey("old switch"), "disabled in NPS");
        assertFalse(admins.clientStore.containsKey("secretless ap"), "no secret");
    }

    @Test
    void networkPoliciesKeepOrderConditionsAndSettings() throws Exception {
        run("nps-export-v257.xml", false);
        PolicySettings vpn = admins.policy(PolicyKind.NETWORK, "VPN users");
        assertEquals(2, vpn.order());
        assertTrue(vpn.enabled());
        assertEquals(Map.ofEntries(Map.entry("access", "grant"), Map.entry("ignoreUserDialIn", "true"),
                Map.entry("condition.userGroups", "vpn-users"),
                Map.entry("condition.NAS-Port-Type", "^(Virtual)$"),
                Map.entry("constraint.authMethods", "PAP, MSCHAPV2, EAP_MSCHAPV2"),
                Map.entry("constraint.sessionTimeout", "28800"), Map.entry("reply.Class", "nps-vpn"),
                Map.entry("reply.Class.2", "nps-vpn-audit"), Map.entry("reply.Filter-Id", "vpn-acl-in"),
                Map.entry("reply.Filter-Id.2", "vpn-acl-out"), Map.entry("reply.Service-Type", "Framed-User"),
                Map.entry("reply.Framed-Protocol", "PPP"),
                Map.entry("reply.Vendor-12356-Attr-1", "vpn-users"),
                Map.entry("reply.MS-MPPE-Encryption-Policy", "2"), Map.entry("reply.MS-MPPE-Encryption-Types", "14")),
                vpn.settings());
        PolicySettings kiosk = admins.policy(PolicyKind.NETWORK, "Deny kiosk stations");
        assertEquals(1, kiosk.order());
        assertEquals("deny", kiosk.settings().get("access"));
        assertEquals("^kiosk-", kiosk.settings().get("condition.Calling-Station-Id"));

        PolicySettings contractors = admins.policy(PolicyKind.NETWORK, "Contractors");
        assertFalse(contractors.enabled(), "unresolved SID");
        assertEquals(SID + "1107", contractors.settings().get("condition.userGroups"));

        PolicySettings wireless = admins.policy(PolicyKind.NETWORK, "Wireless staff");
        assertFalse(wireless.enabled(), "its Tunnel-Private-Group-Id could not be carried over");
        assertEquals("PEAP", wireless.settings().get("constraint.authMethods"));
        assertEquals("Mon 07:00-19:00; Tue 07:00-19:00; Wed 07:00-19:00; Thu 07:00-19:00; Fri 07:00-19:00",
                wireless.settings().get("condition.dayAndTime"));
        assertFalse(wireless.settings().containsKey("reply.Tunnel-Private-Group-Id"), "refused by the appliance");
        assertEquals("VLAN", wireless.settings().get("reply.Tunnel-Type"));

        PolicySettings others = admins.policy(PolicyKind.NETWORK, "Connections to other access servers");
        assertEquals(6, others.order());
        assertTrue(others.enabled());
        assertEquals("deny", others.settings().get("access"));
        PolicySettings rras = admins.policy(PolicyKind.NETWORK,
                "Connections to Microsoft Routing and Remote Access server");
        assertTrue(rras.enabled(), "a deny policy loses nothing by dropping reply settings");
        assertEquals("MSCHAPV2, EAP_MSCHAPV2", rras.settings().get("constraint.authMethods"));
    }

    @Test
    void connectionRequestPoliciesForwardAndRewrite() throws Exception {
        run("nps-export-v257.xml", false);
        PolicySettings partner = admins.policy(PolicyKind.CONNECTION_REQUEST, "Partner realm");
        assertEquals(Map.of("action", "forward", "serverGroup", "Partner RADIUS", "condition.userName",
                "@partner\\.example$", "forwardAccounting", "true", "rewrite.attribute", "Called-Station-Id",
                "rewrite.pattern", ":guest$", "rewrite.replacement", ":partner"), partner.settings());
        assertTrue(partner.enabled(), "its group is imported: it forwards");
        PolicySettings strip = admins.policy(PolicyKind.CONNECTION_REQUEST, "Strip corp realm");
        assertEquals("@corp\\.example$", strip.settings().get("rewrite.pattern"));
        assertEquals("", strip.settings().get("rewrite.replacement"));
        assertEquals(999999, admins.policy(PolicyKind.CONNECTION_REQUEST,
                "Use Windows authentication for all users").order());
    }

    @Test
    void repeatedProfileValuesBecomeNumberedReplyKeysInTheExportsOrder() throws Exception {
        ImportReport report = run("nps-export-v257.xml", false);
        PolicySettings vpn = admins.policy(PolicyKind.NETWORK, "VPN users");
        assertEquals("vpn-acl-in", vpn.settings().get("reply.Filter-Id"));
        assertEquals("vpn-acl-out", vpn.settings().get("reply.Filter-Id.2"));
        assertEquals("nps-vpn", vpn.settings().get("reply.Class"));
        assertEquals("nps-vpn-audit", vpn.settings().get("reply.Class.2"));
        assertTrue(vpn.enabled(), report.render());
        assertFalse(report.render().contains("more value(s)"), report.render());
    }

    @Test
    void remoteServerGroupsBecomeTheProxysServersFieldByField() throws Exception {
        ImportReport report = run("nps-export-v257.xml", false);
        assertNull(report.refusal(), report.render());
        assertEquals(new RemoteServerSettings("Partner RADIUS", "radius1.partner.example", "radius1.partner.example",
                1812, 1813, 1, 50, 3, 5, 10, true, true, false),
                admins.server("Partner RADIUS", "radius1.partner.example"));
        assertEquals(2, admins.server("Partner RADIUS", "radius2.partner.example").priority());
        assertEquals("partner-forwarding-secret", admins.serverSecrets.get(
                "partner radius/radius1.partner.example"));
        assertTrue(report.render().contains("imported: 'Partner RADIUS / radius2.partner.example'"),
                report.render());
    }

    @Test
    void aServerWhoseAccountingSecretDiffersDoesNotGetAccountingAndAnEmptyGroupIsReported() throws Exception {
        ImportReport report = run("nps-export-v256.xml", false);
        assertNull(report.refusal(), report.render());
        RemoteServerSettings old = admins.server("Old RADIUS", "oldradius1");
        assertEquals(new RemoteServerSettings("Old RADIUS", "oldradius1", "10.9.0.5", 1645, 1646, 1, 100, 5, 3, 60,
                false, false, false), old);
        assertEquals("old-radius-auth-secret", admins.serverSecrets.get("old radius/oldradius1"));
        ImportReport.Entry entry = entry(report, ImportReport.Kind.SERVER_GROUP, "Old RADIUS / oldradius1");
        assertTrue(entry.notes().stream().anyMatch(n -> n.kind() == ImportReport.NoteKind.TRANSLATED
                && n.property().equals("Accounting_Secret")), report.render());
        assertEquals(Outcome.SKIPPED, entry(report, ImportReport.Kind.SERVER_GROUP, "Empty group").outcome());
        assertEquals("forward", admins.policy(PolicyKind.CONNECTION_REQUEST, "Old RADIUS realm").settings()
                .get("action"));
    }

    @Test
    void attributeManipulationOfCalledStationIdAndTheAccountingSwitch() throws Exception {
        ImportReport report = run("nps-export-v256.xml", false);
        PolicySettings old = admins.policy(PolicyKind.CONNECTION_REQUEST, "Old RADIUS realm");
        assertEquals(Map.of("action", "forward", "serverGroup", "Old RADIUS", "condition.userName",
                "@old\\.example$", "forwardAccounting", "false", "rewrite.attribute", "Called-Station-Id",
                "rewrite.pattern", ":guest$", "rewrite.replacement", ":corp", "rewrite.pattern.2", "^00-11-22-",
                "rewrite.replacement.2", "AA-BB-CC-"), old.settings());
        assertTrue(old.enabled(), report.render());
    }

    @Test
    void aConnectionRequestPolicyForOneTypeOfAccessServerIsImportedDisabled() throws Exception {
        java.nio.file.Path copy = java.nio.file.Files.createTempFile("nps-", ".xml");
        try {
            String xml = java.nio.file.Files.readString(resource("nps-export-v256.xml"));
            int crp = xml.indexOf("<Old_RADIUS_realm name=\"Old RADIUS realm\">\n\t\t\t\t\t\t\t<Properties>");
            String tag = "dt:dt=\"int\">0</Policy_SourceTag>";
            int at = xml.indexOf(tag, crp);
            java.nio.file.Files.writeString(copy, xml.substring(0, at) + tag.replace(">0<", ">2<")
                    + xml.substring(at + tag.length()));
            ImportReport report = importer.run(copy, new NpsImporter.Options(GROUPS, "", false));
            PolicySettings old = admins.policy(PolicyKind.CONNECTION_REQUEST, "Old RADIUS realm");
            assertFalse(old.enabled(), report.render());
            assertTrue(entry(report, ImportReport.Kind.CONNECTION_REQUEST_POLICY, "Old RADIUS realm").notes().stream()
                    .anyMatch(n -> n.property().equals("Policy_SourceTag 2")), report.render());
        } finally {
            java.nio.file.Files.delete(copy);
        }
    }

    @Test
    void aServerTheApplianceRefusesRefusesTheWholeImport() throws Exception {
        java.nio.file.Path copy = java.nio.file.Files.createTempFile("nps-", ".xml");
        try {
            java.nio.file.Files.writeString(copy, java.nio.file.Files.readString(resource("nps-export-v257.xml"))
                    .replace("dt:dt=\"int\">3</Timeout>", "dt:dt=\"int\">600</Timeout>"));
            ImportReport report = importer.run(copy, new NpsImporter.Options(GROUPS, "", false));
            assertNotNull(report.refusal());
            assertEquals(0, admins.writes, "nothing written");
            ImportReport.Entry server = entry(report, ImportReport.Kind.SERVER_GROUP,
                    "Partner RADIUS / radius1.partner.example");
            assertEquals(Outcome.REFUSED, server.outcome());
            assertTrue(server.notes().stream().anyMatch(n -> n.property().equals("timeoutSeconds")),
                    report.render());
        } finally {
            java.nio.file.Files.delete(copy);
        }
    }

    @Test
    void aForwardingPolicyWithoutServersSaysWhatItsRequestsGet() throws Exception {
        java.nio.file.Path copy = java.nio.file.Files.createTempFile("nps-", ".xml");
        try {
            java.nio.file.Files.writeString(copy, java.nio.file.Files.readString(resource("nps-export-v257.xml"))
                    .replace("<msAuthProviderName xmlns:dt=\"urn:schemas-microsoft-com:datatypes\" dt:dt=\"string\">"
                            + "Partner RADIUS", "<msAuthProviderName xmlns:dt=\"urn:schemas-microsoft-com:datatypes\""
                            + " dt:dt=\"string\">Nowhere"));
            ImportReport report = importer.run(copy, new NpsImporter.Options(GROUPS, "", true));
            ImportReport.Entry partner = entry(report, ImportReport.Kind.CONNECTION_REQUEST_POLICY, "Partner realm");
            assertTrue(partner.notes().stream().anyMatch(n -> n.text().contains("'Nowhere' has no server")),
                    report.render());
        } finally {
            java.nio.file.Files.delete(copy);
        }
    }

    @Test
    void importingTheSameFileTwiceChangesNothingTheSecondTime() throws Exception {
        run("nps-export-v257.xml", false);
        int writes = admins.writes;
        assertTrue(writes > 0);
        ImportReport second = run("nps-export-v257.xml", false);
        assertEquals(writes, admins.writes, second.render());
        assertEquals(Outcome.UNCHANGED, entry(second, ImportReport.Kind.RADIUS_CLIENT, "Lab gateway").outcome());
        assertEquals(Outcome.UNCHANGED, entry(second, ImportReport.Kind.NETWORK_POLICY, "Contractors").outcome());
    }

    @Test
    void policiesOfTheExportMayTradeOrders() throws Exception {
        admins.policies.put(new PolicySettings(PolicyKind.NETWORK, "VPN users", 1, true, Map.of("access", "grant")));
        admins.policies.put(new PolicySettings(PolicyKind.NETWORK, "Deny kiosk stations", 2, true,
                Map.of("access", "deny")));
        ImportReport report = run("nps-export-v257.xml", false);
        assertNull(report.refusal(), report.render());
        assertEquals(1, admins.policy(PolicyKind.NETWORK, "Deny kiosk stations").order());
        assertEquals(2, admins.policy(PolicyKind.NETWORK, "VPN users").order());
    }

    @Test
    void policiesTradingOrdersAreValidatedWholeBeforeAnythingIsWritten() throws Exception {
        // The export has Contractors at 3 and Wireless staff at 4, with a Tunnel-Private-Group-Id the appliance
        // refuses: the order clash must not hide that refusal until Wireless staff is written.
        admins.policies.put(new PolicySettings(PolicyKind.NETWORK, "Wireless staff", 3, true,
                Map.of("access", "grant")));
        admins.policies.put(new PolicySettings(PolicyKind.NETWORK, "Contractors", 4, true, Map.of("access", "deny")));
        ImportReport report = run("nps-export-v257.xml", false);
        assertNull(report.refusal(), report.render());
        PolicySettings wireless = admins.policy(PolicyKind.NETWORK, "Wireless staff");
        assertEquals(4, wireless.order());
        assertFalse(wireless.enabled(), report.render());
        assertFalse(wireless.settings().containsKey("reply.Tunnel-Private-Group-Id"), "refused by the appliance");
        assertEquals(Outcome.IMPORTED_DISABLED, entry(report, ImportReport.Kind.NETWORK_POLICY, "Wireless staff")
                .outcome());
        assertEquals(3, admins.policy(PolicyKind.NETWORK, "Contractors").order());
    }

    @Test
    void aStoreStoppedHalfWaySaysWhichPolicyWasParked() throws Exception {
        admins.policies.put(new PolicySettings(PolicyKind.NETWORK, "VPN users", 1, true, Map.of("access", "grant")));
        admins.policies.put(new PolicySettings(PolicyKind.NETWORK, "Deny kiosk stations", 2, true,
                Map.of("access", "deny")));
        admins.failPut = s -> s.name().equals("VPN users") && s.order() == 2;
        AdminException e = assertThrows(AdminException.class, () -> run("nps-export-v257.xml", false));
        assertTrue(e.getMessage().contains("network policy 'VPN users' moved to order 1000000"), e.getMessage());
        assertTrue(e.getMessage().contains("network policy 'Deny kiosk stations'"), e.getMessage());
    }

    @Test
    void whatOnlyTheApplianceKnowsSurvivesANewImport() throws Exception {
        run("nps-export-v257.xml", false);
        PolicySettings vpn = admins.policy(PolicyKind.NETWORK, "VPN users");
        java.util.Map<String, String> withMfa = new java.util.HashMap<>(vpn.settings());
        withMfa.put("mfaRequired", "true");
        withMfa.put("mfaExemptGroups", "break-glass");
        admins.policies.put(new PolicySettings(PolicyKind.NETWORK, vpn.name(), vpn.order(), vpn.enabled(), withMfa));
        admins.clients.put(new ClientSettings("Lab subnet", "127.0.1.0/24", "Fortinet, Inc.", true, 60, 3), null);

        ImportReport again = run("nps-export-v257.xml", false);
        assertEquals("true", admins.policy(PolicyKind.NETWORK, "VPN users").settings().get("mfaRequired"));
        assertEquals("break-glass", admins.policy(PolicyKind.NETWORK, "VPN users").settings().get("mfaExemptGroups"));
        assertEquals(new ClientSettings("Lab subnet", "127.0.1.0/24", "Fortinet, Inc.", true, 60, 3),
                admins.clientStore.get("lab subnet").settings(), "Message-Authenticator stays required");
        assertEquals(Outcome.UNCHANGED, entry(again, ImportReport.Kind.NETWORK_POLICY, "VPN users").outcome());
        assertEquals(Outcome.UNCHANGED, entry(again, ImportReport.Kind.RADIUS_CLIENT, "Lab subnet").outcome());
    }

    @Test
    void aNewImportNeverWeakensAClientsMessageAuthenticatorSetting() throws Exception {
        run("nps-export-v257.xml", false);
        // As radmfa:clients-add writes them by default: auto, Proxy-State limited.
        admins.clients.put(new ClientSettings("Lab subnet", "127.0.1.0/24", "Fortinet, Inc.",
                MessageAuthenticatorPolicy.AUTO, true, 0, 0), null);
        admins.clients.put(new ClientSettings("Lab gateway", "127.0.0.4", "Microsoft",
                MessageAuthenticatorPolicy.AUTO, true, 0, 0), null);
        int writes = admins.writes;

        ImportReport again = run("nps-export-v257.xml", false);
        ClientSettings subnet = admins.clientStore.get("lab subnet").settings();
        assertEquals(MessageAuthenticatorPolicy.AUTO, subnet.messageAuthenticator(), "Require_Signature=0 in NPS");
        assertTrue(subnet.limitProxyState());
        ImportReport.Entry entry = entry(again, ImportReport.Kind.RADIUS_CLIENT, "Lab subnet");
        assertEquals(Outcome.UNCHANGED, entry.outcome(), again.render());
        assertTrue(entry.notes().stream().anyMatch(n -> n.property().equals("Require_Signature")
                && n.text().contains("kept auto")), again.render());
        assertEquals(MessageAuthenticatorPolicy.REQUIRED, admins.clientStore.get("lab gateway").settings()
                .messageAuthenticator(), "Require_Signature=1 in NPS: stronger than auto");
        assertEquals(writes + 1, admins.writes, again.render());
    }

    @Test
    void policiesOfTheApplianceNotInTheExportAreReportedKept() throws Exception {
        admins.policies.put(new PolicySettings(PolicyKind.NETWORK, "Demo VPN users", 10, true,
                Map.of("access", "grant")));
        ImportReport report = run("nps-export-v257.xml", false);
        ImportReport.Entry demo = entry(report, ImportReport.Kind.NETWORK_POLICY, "Demo VPN users");
        assertEquals(Outcome.KEPT, demo.outcome());
        assertTrue(demo.notes().get(0).text().startsWith("10 ("), demo.notes().toString());
    }

    @Test
    void anObjectTheApplianceRefusesRefusesTheWholeImport() throws Exception {
        admins.clients.put(new ClientSettings("Someone else", "127.0.0.4", null, true, 0, 0), "other-secret");
        admins.policies.put(new PolicySettings(PolicyKind.NETWORK, "Mine", 3, true, Map.of("access", "deny")));
        int before = admins.writes;
        ImportReport report = run("nps-export-v257.xml", false);
        assertEquals(before, admins.writes, "nothing written");
        assertNotNull(report.refusal());
        ImportReport.Entry gateway = entry(report, ImportReport.Kind.RADIUS_CLIENT, "Lab gateway");
        assertEquals(Outcome.REFUSED, gateway.outcome());
        assertTrue(gateway.notes().stream().anyMatch(n -> n.property().equals("address")
                && n.text().contains("Someone else")), report.render());
        ImportReport.Entry contractors = entry(report, ImportReport.Kind.NETWORK_POLICY, "Contractors");
        assertEquals(Outcome.REFUSED, contractors.outcome());
        assertTrue(report.render().contains("IMPORT REFUSED"));
    }

    @Test
    void thePrefixNamesEveryImportedObject() throws Exception {
        importer.run(resource("nps-export-v257.xml"), new NpsImporter.Options(GROUPS, "nps-", false));
        assertTrue(admins.clientStore.containsKey("nps-lab gateway"));
        assertEquals("nps-Partner RADIUS", admins.policy(PolicyKind.CONNECTION_REQUEST, "nps-Partner realm")
                .settings().get("serverGroup"));
        assertNotNull(admins.server("nps-Partner RADIUS", "radius1.partner.example"));
        assertNotNull(admins.policy(PolicyKind.NETWORK, "nps-VPN users"));
    }

    @Test
    void secretsNeverReachTheReport() throws Exception {
        String text = run("nps-export-v257.xml", false).render() + run("nps-export-v256.xml", true).render();
        for (String secret : List.of("lab-gw-secret-4", "lab-subnet-secret", "partner-forwarding-secret",
                "templated-switch-secret", "ho-vpn-secret", "old-radius-auth-secret", "old-radius-acct-secret")) {
            assertFalse(text.contains(secret), secret + " in\n" + text);
        }
    }

    @Test
    void version256WithTemplatesDnsNamesAndNap() throws Exception {
        ImportReport report = run("nps-export-v256.xml", false);
        assertNull(report.refusal(), report.render());
        assertEquals("templated-switch-secret", admins.secrets.get("templated switch"));
        assertEquals("nas1.branch.example", admins.clientStore.get("branch nas by name").settings().address());
        assertEquals("10.20.0.0/16", admins.clientStore.get("branch routers").settings().address());
        assertEquals("Cisco", admins.clientStore.get("head office vpn").settings().vendor());
        assertTrue(entry(report, ImportReport.Kind.RADIUS_CLIENT, "NAP switch").notes().stream()
                .anyMatch(n -> n.property().equals("Quarantine_Compatible")));

        PolicySettings admins256 = admins.policy(PolicyKind.NETWORK, "Cisco admins");
        assertFalse(admins256.enabled(), "its two group SIDs are not in the group map");
        assertEquals("10.1.255.4", admins256.settings().get("condition.clientAddress"));
        assertEquals("^Head office", admins256.settings().get("condition.clientName"));
        assertEquals("PAP, CHAP", admins256.settings().get("constraint.authMethods"));
        assertEquals("10.1.1.10", admins256.settings().get("reply.Framed-IP-Address"));
        assertEquals("shell:priv-lvl=15", admins256.settings().get("reply.Cisco-AVPair"));
        assertEquals("shell:roles=\"network-admin, vdc-admin\"", admins256.settings().get("reply.Cisco-AVPair.2"));
        assertEquals("shell:roles=admin", admins256.settings().get("reply.Vendor-9-Attr-1"));
        assertEquals("Administrative-User", admins256.settings().get("reply.Service-Type"));
        assertEquals("900", admins256.settings().get("constraint.idleTimeout"));
        assertEquals("admins", admins256.settings().get("reply.Filter-Id"));

        PolicySettings byAccount = admins.policy(PolicyKind.NETWORK, "Dial-in by account");
        assertTrue(byAccount.enabled(), report.render());
        assertEquals("dialin", byAccount.settings().get("access"));
        assertEquals("false", byAccount.settings().get("ignoreUserDialIn"));
        assertEquals("true", admins256.settings().get("ignoreUserDialIn"), "Cisco admins ignores dial-in");
        assertFalse(admins.policy(PolicyKind.NETWORK, "Health checked").enabled(), "NAP condition, source tag");
        assertEquals(Outcome.SKIPPED, entry(report, ImportReport.Kind.OTHER, "Remediation_Server_Groups").outcome());
        assertTrue(entry(report, ImportReport.Kind.OTHER, "SHV_Templates").notes().get(0).text().contains("NAP"));
    }

    @Test
    void aHostileFileIsRefusedWholeAndNothingIsWritten() throws Exception {
        NpsFormatException e = assertThrows(NpsFormatException.class, () -> run("hostile-entity-expansion.xml",
                false));
        assertTrue(e.getMessage().contains("DTD"), e.getMessage());
        assertThrows(NpsFormatException.class, () -> run("hostile-external-entity.xml", false));
        assertEquals(0, admins.writes);
    }
}
