package org.radmfa.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.UserDirectory.GroupLookup;
import org.radmfa.api.admin.CheckFinding;
import org.radmfa.api.admin.CheckFinding.Severity;
import org.radmfa.api.admin.ClientSettings;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;

/** Every rule of the configuration check, and the Azure P2S example passing it. */
class CheckRulesTest {

    private static final Instant NOW = Instant.parse("2026-12-05T09:00:00Z");
    private static final Function<String, GroupLookup> ALL_GROUPS = group -> GroupLookup.FOUND;

    private final List<CheckFacts.Client> clients = new ArrayList<>();
    private final List<PolicySettings> policies = new ArrayList<>();
    private final List<PolicySettings> crps = new ArrayList<>();
    private final List<CheckFacts.Connector> connectors = new ArrayList<>();
    private final List<String> users = new ArrayList<>();
    private Function<String, GroupLookup> groups = ALL_GROUPS;
    private int mfaTimeout = 25;

    @Test
    void anMfaDeadlineBeyondTheAzureGatewaysThirtySecondsIsAnError() {
        clients.add(client("Azure VPN gateway", MessageAuthenticatorPolicy.REQUIRED, 0, 0));
        policies.add(policy("vpn", 10, Map.of("access", "grant", "mfaRequired", "true")));
        mfaTimeout = 50;
        CheckFinding finding = only("mfa-deadline");
        assertEquals(Severity.ERROR, finding.severity());
        assertEquals("client 'Azure VPN gateway'", finding.subject());
        assertTrue(finding.problem().contains("50 s") && finding.problem().contains("30 s"), finding.problem());
        assertTrue(finding.fix().contains("at most 25"), finding.fix());
        mfaTimeout = 25;
        assertEquals(List.of(), run());
    }

    @Test
    void theDeadlineIsCheckedAgainstTimeoutTimesRetriesAndAMissingTimeoutIsNamed() {
        clients.add(client("asa", MessageAuthenticatorPolicy.REQUIRED, 20, 3));
        clients.add(client("unknown-nas", MessageAuthenticatorPolicy.REQUIRED, 0, 0));
        policies.add(policy("vpn", 10, Map.of("access", "grant", "mfaRequired", "true")));
        mfaTimeout = 50;
        assertEquals(List.of("unknown-nas"), run().stream().map(f -> f.subject().replaceAll(".*'(.*)'", "$1"))
                .toList(), "60 s of retries leave room for 50; the other NAS is named");
        assertTrue(run().get(0).problem().contains("not filled in"));
        mfaTimeout = 60;
        assertEquals(2, run().size());
        policies.set(0, policy("vpn", 10, Map.of("access", "grant")));
        assertEquals(List.of(), run(), "no policy asks for MFA: no deadline to check");
    }

    @Test
    void aClientThatDoesNotRequireMessageAuthenticatorIsExposedToBlastRadius() {
        clients.add(client("optional", MessageAuthenticatorPolicy.OPTIONAL, 30, 1));
        clients.add(new CheckFacts.Client(settings("auto-never", MessageAuthenticatorPolicy.AUTO, 30, 1), false, 24,
                false));
        clients.add(new CheckFacts.Client(settings("auto-sent", MessageAuthenticatorPolicy.AUTO, 30, 1), true, 24,
                false));
        List<CheckFinding> findings = run();
        assertEquals(List.of("client 'optional'", "client 'auto-never'"),
                findings.stream().map(CheckFinding::subject).toList());
        assertTrue(findings.stream().allMatch(f -> f.rule().equals("blastradius")));
        assertTrue(findings.get(1).problem().contains("never sent"), findings.get(1).problem());
    }

    @Test
    void aPolicyAfterOneWithASubsetOfItsConditionsCanNeverMatch() {
        policies.add(policy("vpn users", 10, Map.of("access", "grant", "condition.userGroups", "vpn-users")));
        policies.add(policy("vpn users on virtual ports", 20, Map.of("access", "deny", "condition.userGroups",
                "vpn-users", "condition.NAS-Port-Type", "^Virtual$")));
        policies.add(policy("admins", 30, Map.of("access", "grant", "condition.userGroups", "admins")));
        CheckFinding finding = only("shadowed-policy");
        assertEquals("network policy 'vpn users on virtual ports'", finding.subject());
        assertTrue(finding.problem().contains("'vpn users' (order 10)"), finding.problem());

        policies.clear();
        policies.add(new PolicySettings(PolicyKind.NETWORK, "catch-all (disabled)", 5, false, Map.of()));
        policies.add(policy("a", 10, Map.of("condition.userGroups", "a")));
        policies.add(policy("everything", 20, Map.of()));
        policies.add(policy("b", 30, Map.of("condition.userGroups", "b")));
        assertEquals("network policy 'b'", only("shadowed-policy").subject(),
                "a disabled catch-all shadows nothing; an enabled one shadows what follows");
    }

    @Test
    void connectionRequestPoliciesAreCheckedToo() {
        crps.add(new PolicySettings(PolicyKind.CONNECTION_REQUEST, "default", 10, true, Map.of()));
        crps.add(new PolicySettings(PolicyKind.CONNECTION_REQUEST, "corp", 20, true,
                Map.of("condition.userName", "@corp$")));
        assertEquals("connection request policy 'corp'", only("shadowed-policy").subject());
    }

    @Test
    void aDenyPolicyNamingAGroupNoDirectoryHasIsAnError() {
        groups = group -> group.equals("contractors") ? GroupLookup.FOUND
                : group.equals("ldap-only") ? GroupLookup.CANNOT_TELL : GroupLookup.NOT_FOUND;
        policies.add(policy("no contractors", 10, Map.of("access", "deny",
                "condition.userGroups", "contractors, contractrs, ldap-only")));
        policies.add(policy("grant typo", 20, Map.of("access", "grant", "condition.userGroups", "typo")));
        CheckFinding finding = only("unknown-group");
        assertEquals(Severity.ERROR, finding.severity());
        assertTrue(finding.problem().contains("'contractrs'"), finding.problem());
    }

    @Test
    void mfaForMsChapOrEapWithOnlyACodeConnectorIsAnError() {
        connectors.add(new CheckFacts.Connector("otp", true, null));
        policies.add(policy("pap only", 10, Map.of("access", "grant", "mfaRequired", "true",
                "condition.userGroups", "a", "constraint.authMethods", "PAP")));
        policies.add(policy("eap", 20, Map.of("access", "grant", "mfaRequired", "true", "condition.userGroups", "b",
                "constraint.authMethods", "PAP, EAP_MSCHAPV2")));
        policies.add(policy("any method", 30, Map.of("access", "grant", "mfaRequired", "true",
                "condition.userGroups", "c")));
        List<CheckFinding> findings = run().stream().filter(f -> f.rule().equals("mfa-codes-only")).toList();
        assertEquals(List.of("network policy 'eap'", "network policy 'any method'"),
                findings.stream().map(CheckFinding::subject).toList());
        connectors.add(new CheckFacts.Connector("entra", false, null));
        assertTrue(run().stream().noneMatch(f -> f.rule().equals("mfa-codes-only")), "a push connector answers");
    }

    @Test
    void aSecretShorterThanSixteenCharactersIsNamedWithoutItsValue() {
        clients.add(new CheckFacts.Client(settings("short", MessageAuthenticatorPolicy.REQUIRED, 30, 1), true, 15,
                false));
        clients.add(new CheckFacts.Client(settings("long", MessageAuthenticatorPolicy.REQUIRED, 30, 1), true, 16,
                false));
        CheckFinding finding = only("short-secret");
        assertEquals("client 'short'", finding.subject());
        assertTrue(finding.problem().contains("15 characters"), finding.problem());
    }

    @Test
    void demoValuesStillPresentAreErrors() {
        clients.add(new CheckFacts.Client(settings("localhost-demo", MessageAuthenticatorPolicy.REQUIRED, 30, 1),
                true, 24, false));
        clients.add(new CheckFacts.Client(settings("gw", MessageAuthenticatorPolicy.REQUIRED, 30, 1), true, 24,
                true));
        users.add("alice");
        users.add("mfa-demo");
        List<String> subjects = run().stream().filter(f -> f.rule().equals("demo-values"))
                .map(CheckFinding::subject).toList();
        assertEquals(List.of("client 'localhost-demo'", "client 'gw'", "local user 'mfa-demo'"), subjects);
    }

    @Test
    void anEntraCredentialWithinThirtyDaysOfExpiryIsNamed() {
        connectors.add(new CheckFacts.Connector("entra", false, LocalDate.parse("2027-01-04")));
        assertEquals(Severity.WARNING, only("credential-expiry").severity());
        assertTrue(only("credential-expiry").problem().contains("in 30 days"));
        connectors.set(0, new CheckFacts.Connector("entra", false, LocalDate.parse("2027-01-05")));
        assertEquals(List.of(), run());
        connectors.set(0, new CheckFacts.Connector("entra", false, LocalDate.parse("2026-12-05")));
        assertEquals(Severity.ERROR, only("credential-expiry").severity());
    }

    @Test
    void aConnectorsKindAndExpiryComeFromItsServiceProperties() {
        CheckFacts.Connector otp = ConfigurationCheckImpl.connector("otp", Map.of("connector", "otp"));
        assertTrue(otp.codesOnly());
        CheckFacts.Connector entra = ConfigurationCheckImpl.connector("entra", Map.of("connector", "entra",
                "credentialExpires", "2027-03-01"));
        assertEquals(new CheckFacts.Connector("entra", false, LocalDate.parse("2027-03-01")), entra);
    }

    /** examples/azure-p2s/etc, read as the appliance reads it, with the Entra connector installed. */
    @Test
    void theAzureP2sExamplePassesTheCheck() throws IOException {
        Path etc = Paths.get("..", "..", "examples", "azure-p2s", "etc");
        try (Stream<Path> files = Files.list(etc)) {
            for (Path file : files.sorted().toList()) {
                Map<String, String> cfg = read(file);
                String name = file.getFileName().toString();
                if (name.startsWith("org.radmfa.client-")) {
                    clients.add(new CheckFacts.Client(new ClientSettings(cfg.get("name"), cfg.get("address"),
                            cfg.get("vendor"), MessageAuthenticatorPolicy.parse(cfg.getOrDefault(
                                    "requireMessageAuthenticator", "auto")), true,
                            Integer.parseInt(cfg.getOrDefault("nasTimeoutSeconds", "0")),
                            Integer.parseInt(cfg.getOrDefault("nasRetries", "0"))), false,
                            cfg.get("secret").length(), cfg.get("secret").equals("testing123")));
                } else if (name.startsWith("org.radmfa.policy-")) {
                    Map<String, String> settings = new TreeMap<>(cfg);
                    settings.keySet().removeAll(List.of("name", "order", "enabled"));
                    policies.add(new PolicySettings(PolicyKind.NETWORK, cfg.get("name"),
                            Integer.parseInt(cfg.get("order")), !"false".equals(cfg.get("enabled")), settings));
                } else if (name.equals("org.radmfa.pipeline.cfg")) {
                    mfaTimeout = Integer.parseInt(cfg.get("mfaTimeoutSeconds"));
                } else if (name.startsWith("org.radmfa.user-")) {
                    users.add(cfg.get("name"));
                }
            }
        }
        connectors.add(new CheckFacts.Connector("entra", false, null));
        assertEquals(1, clients.size());
        assertEquals(1, policies.size());
        assertEquals(List.of(), run());
    }

    private CheckFinding only(String rule) {
        List<CheckFinding> findings = run().stream().filter(f -> f.rule().equals(rule)).toList();
        assertEquals(1, findings.size(), findings.toString());
        return findings.get(0);
    }

    private List<CheckFinding> run() {
        return CheckRules.all(new CheckFacts(clients, policies, crps, mfaTimeout, groups, connectors, users, NOW));
    }

    private static Map<String, String> read(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(key -> map.put(key, properties.getProperty(key).strip()));
        return map;
    }

    private static CheckFacts.Client client(String name, MessageAuthenticatorPolicy policy, int timeout,
            int retries) {
        return new CheckFacts.Client(settings(name, policy, timeout, retries), true, 32, false);
    }

    private static ClientSettings settings(String name, MessageAuthenticatorPolicy policy, int timeout, int retries) {
        return new ClientSettings(name, "10.0.0.1", null, policy, true, timeout, retries);
    }

    private static PolicySettings policy(String name, int order, Map<String, String> settings) {
        return new PolicySettings(PolicyKind.NETWORK, name, order, true, settings);
    }
}
