package org.radmfa.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ChapCredentials;
import org.radmfa.api.ConnectionDecision;
import org.radmfa.api.Credentials;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.User;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;

/** Conditions, constraints, MFA exemptions and connection request policies, as NPS defines them. */
class PolicySemanticsTest {
    private static final RadiusClient GATEWAY =
            new RadiusClient("Azure VPN gateway", "10.1.255.0/27", SharedSecret.of("x"), null, true);
    /** A Tuesday, 10:30 in Berlin. */
    private static final Instant TUESDAY_MORNING = ZonedDateTime.of(2026, 11, 24, 10, 30, 0, 0,
            ZoneId.of("Europe/Berlin")).toInstant();
    private static final User ALICE = new User("alice", Set.of("vpn-users"), "local");

    private final NetworkPolicyEngine engine = new NetworkPolicyEngine();

    private static Map<String, Object> config(String... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.policy-test.cfg");
        return properties;
    }

    private static NetworkPolicy policy(String... keyValues) throws InvalidConfigurationException {
        return PolicyDefinition.parse(new ConfigReader(config(keyValues)));
    }

    private static ConnectionRequestPolicy crp(String... keyValues) throws InvalidConfigurationException {
        return ConnectionPolicyDefinition.parse(new ConfigReader(config(keyValues)));
    }

    private static AuthenticationRequest request(String user, String source, Credentials credentials, Instant when,
            RequestAttribute... attributes) {
        return new AuthenticationRequest("t", GATEWAY, new InetSocketAddress(source, 4000), user, credentials,
                List.of(attributes), when);
    }

    private static AuthenticationRequest pap(String user) {
        return request(user, "10.1.255.4", new PapCredentials("pw"), TUESDAY_MORNING);
    }

    @Test
    void weeklyHoursParseRangesWrapAndRefuseNonsense() {
        WeeklyHours office = WeeklyHours.parse("Mon-Fri 07:00-19:00; Sat 09:00-12:00");
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        assertTrue(office.allows(TUESDAY_MORNING.atZone(berlin)));
        assertFalse(office.allows(ZonedDateTime.of(2026, 11, 24, 19, 0, 0, 0, berlin)));
        assertTrue(office.allows(ZonedDateTime.of(2026, 11, 28, 11, 59, 0, 0, berlin)));
        assertFalse(office.allows(ZonedDateTime.of(2026, 11, 29, 11, 0, 0, 0, berlin)), "Sunday");
        WeeklyHours night = WeeklyHours.parse("Fri-Mon 22:00-06:00");
        assertTrue(night.allows(ZonedDateTime.of(2026, 11, 24, 5, 0, 0, 0, berlin)), "Tuesday 05:00 is Monday night");
        assertFalse(night.allows(ZonedDateTime.of(2026, 11, 25, 5, 0, 0, 0, berlin)));
        assertTrue(WeeklyHours.parse("Sun 00:00-24:00").allows(ZonedDateTime.of(2026, 11, 29, 23, 59, 0, 0, berlin)));
        assertThrows(IllegalArgumentException.class, () -> WeeklyHours.parse("Mon-Fry 07:00-19:00"));
        assertThrows(IllegalArgumentException.class, () -> WeeklyHours.parse("Mon 25:00-26:00"));
        assertThrows(IllegalArgumentException.class, () -> WeeklyHours.parse("Mon 08:00-08:00"));
        assertThrows(IllegalArgumentException.class, () -> WeeklyHours.parse("weekdays"));
    }

    @Test
    void clientAddressAndDayAndTimeConditions() throws Exception {
        engine.put("p", policy("name", "Gateway subnet in office hours", "order", "1", "access", "grant",
                "condition.clientAddress", "10.1.255.0/27, fd00::/64", "condition.dayAndTime", "Mon-Fri 07:00-19:00",
                "timeZone", "Europe/Berlin"), "p.cfg");
        assertTrue(engine.evaluate(pap("alice"), ALICE).granted());
        assertFalse(engine.evaluate(request("alice", "10.1.254.4", new PapCredentials("pw"), TUESDAY_MORNING),
                ALICE).granted());
        Instant saturday = ZonedDateTime.of(2026, 11, 28, 10, 0, 0, 0, ZoneId.of("Europe/Berlin")).toInstant();
        PolicyDecision weekend = engine.evaluate(request("alice", "10.1.255.4", new PapCredentials("pw"), saturday),
                ALICE);
        assertEquals(ReasonCode.NO_MATCHING_NETWORK_POLICY, weekend.reason());
        assertTrue(weekend.trace().get(0).contains("dayAndTime"), weekend.trace().toString());
    }

    @Test
    void constraintsRejectWithTheirOwnReasonInsteadOfFallingThrough() throws Exception {
        engine.put("p", policy("name", "VPN", "order", "1", "access", "grant", "condition.userGroups", "vpn-users",
                "constraint.authMethods", "PAP, EAP_MSCHAPV2", "constraint.nasPortType", "Virtual",
                "constraint.sessionTimeout", "3600", "constraint.idleTimeout", "600"), "p.cfg");
        engine.put("q", policy("name", "Catch all", "order", "2", "access", "grant"), "q.cfg");
        AuthenticationRequest virtualPap = request("alice", "10.1.255.4", new PapCredentials("pw"), TUESDAY_MORNING,
                new RequestAttribute(0, 61, "NAS-Port-Type", "Virtual"));
        PolicyDecision granted = engine.evaluate(virtualPap, ALICE);
        assertTrue(granted.granted());
        assertEquals(List.of(new ReplyAttribute("Session-Timeout", "3600"), new ReplyAttribute("Idle-Timeout", "600")),
                granted.replyAttributes());
        AuthenticationRequest chap = request("alice", "10.1.255.4", new ChapCredentials(1, new byte[16],
                new byte[16]), TUESDAY_MORNING, new RequestAttribute(0, 61, "NAS-Port-Type", "Virtual"));
        PolicyDecision method = engine.evaluate(chap, ALICE);
        assertEquals(ReasonCode.AUTH_METHOD_NOT_ALLOWED, method.reason());
        assertEquals("VPN", method.policyName(), "a constraint rejects; the catch-all is not tried");
        PolicyDecision port = engine.evaluate(request("alice", "10.1.255.4", new PapCredentials("pw"),
                TUESDAY_MORNING, new RequestAttribute(0, 61, "NAS-Port-Type", "Ethernet")), ALICE);
        assertEquals(ReasonCode.PORT_TYPE_NOT_ALLOWED, port.reason());
        engine.put("p", policy("name", "VPN", "order", "1", "access", "grant", "constraint.dayAndTime",
                "Sat-Sun 00:00-24:00"), "p.cfg");
        assertEquals(ReasonCode.OUTSIDE_ALLOWED_HOURS, engine.evaluate(pap("alice"), ALICE).reason());
    }

    @Test
    void mfaExemptGroupsSkipTheSecondFactorAndSayWhy() throws Exception {
        engine.put("p", policy("name", "VPN with MFA", "order", "1", "access", "grant", "mfaRequired", "true",
                "mfaExemptGroups", "break-glass, service-accounts"), "p.cfg");
        assertTrue(engine.evaluate(pap("alice"), ALICE).mfaRequired());
        PolicyDecision exempt = engine.evaluate(pap("svc"), new User("svc", Set.of("Service-Accounts"), "local"));
        assertFalse(exempt.mfaRequired());
        assertTrue(exempt.trace().stream().anyMatch(t -> t.contains("exempt group 'Service-Accounts'")));
    }

    @Test
    void connectionRequestPoliciesRouteRewriteAndRejectWhenNoneMatches() throws Exception {
        assertEquals(ConnectionDecision.Action.REJECT, engine.route(pap("alice")).action());
        assertEquals(ReasonCode.NO_MATCHING_CONNECTION_REQUEST_POLICY, engine.route(pap("alice")).reason());
        engine.put("corp", crp("name", "Corp realm", "order", "1", "condition.userName", "@corp\\.example$",
                "rewrite.pattern", "@corp\\.example$", "rewrite.replacement", "", "directory", "corp-ad"), "c.cfg");
        engine.put("partners", crp("name", "Partners", "order", "2", "condition.userName", "@partner\\.example$",
                "action", "forward", "serverGroup", "partner-radius"), "p.cfg");
        engine.put("default", crp("name", "Use Windows authentication for all users", "order", "999999"), "d.cfg");
        ConnectionDecision corp = engine.route(pap("alice@corp.example"));
        assertEquals(ConnectionDecision.Action.AUTHENTICATE, corp.action());
        assertEquals("alice", corp.userName());
        assertEquals("corp-ad", corp.directory());
        ConnectionDecision partner = engine.route(pap("bob@partner.example"));
        assertEquals(ConnectionDecision.Action.FORWARD, partner.action());
        assertEquals("partner-radius", partner.serverGroup());
        ConnectionDecision other = engine.route(pap("EXAMPLE\\carol"));
        assertEquals("Use Windows authentication for all users", other.policyName());
        assertEquals("EXAMPLE\\carol", other.userName());
        assertNull(other.directory());
        assertEquals(3, other.trace().size());
    }

    /**
     * The trace names each policy by its kind, name and order and says what it did; its lines are made when a policy
     * is loaded, so they follow a policy that is replaced under the same configuration.
     */
    @Test
    void theTraceNamesEachPolicyAndWhatItDid() throws Exception {
        engine.put("corp", crp("name", "Corp realm", "order", "1", "condition.userName", "@corp\\.example$",
                "rewrite.pattern", "@corp\\.example$", "rewrite.replacement", "", "directory", "corp-ad"), "c.cfg");
        engine.put("partners", crp("name", "Partners", "order", "2", "condition.userName", "@partner\\.example$",
                "action", "forward", "serverGroup", "partner-radius", "forwardAccounting", "false"), "p.cfg");
        engine.put("default", crp("name", "Use Windows authentication for all users", "order", "999999"), "d.cfg");
        assertEquals(List.of("connection request policy 'Corp realm' (order 1): matches -> authenticate with"
                + " directory 'corp-ad', User-Name rewritten to 'alice'"), engine.route(pap("alice@corp.example")).trace());
        assertEquals("connection request policy 'Partners' (order 2): matches -> forward to server group"
                + " 'partner-radius' (accounting recorded here only)", engine.route(pap("bob@partner.example")).trace()
                .get(1));
        List<String> other = engine.route(pap("carol")).trace();
        assertTrue(other.get(0).startsWith("connection request policy 'Corp realm' (order 1): ")
                && other.get(0).endsWith(" -> false"), other.toString());
        assertEquals("connection request policy 'Use Windows authentication for all users' (order 999999): matches"
                + " -> authenticate with directory 'default'", other.get(2));

        engine.put("vpn", policy("name", "VPN", "order", "10", "access", "grant", "condition.userGroups",
                "vpn-users"), "v.cfg");
        engine.put("deny", policy("name", "Deny the rest", "order", "20", "access", "deny"), "d.cfg");
        assertEquals(List.of("network policy 'VPN' (order 10): all 1 conditions match -> grant"),
                engine.evaluate(pap("alice"), new User("alice", Set.of("vpn-users"), "local")).trace());
        List<String> denied = engine.evaluate(pap("bob"), new User("bob", Set.of(), "local")).trace();
        assertTrue(denied.get(0).startsWith("network policy 'VPN' (order 10): ") && denied.get(0).endsWith(" -> false"),
                denied.toString());
        assertEquals("network policy 'Deny the rest' (order 20): all 0 conditions match -> deny", denied.get(1));

        engine.put("vpn", policy("name", "VPN staff", "order", "5", "access", "deny", "condition.userGroups",
                "vpn-users"), "v.cfg");
        assertEquals(List.of("network policy 'VPN staff' (order 5): all 1 conditions match -> deny"),
                engine.evaluate(pap("alice"), new User("alice", Set.of("vpn-users"), "local")).trace());
    }

    /** Several values of one reply attribute: reply.X, then reply.X.2, .3, ... in number order, gaps allowed. */
    @Test
    void aReplyAttributeCarriesSeveralValuesInOrder() throws Exception {
        NetworkPolicy vpn = policy("name", "VPN", "order", "1", "access", "grant",
                "reply.Filter-Id.10", "acl-third", "reply.Filter-Id", "acl-first", "reply.Filter-Id.2", "acl-second",
                "reply.Cisco-AVPair", "shell:priv-lvl=15", "reply.Cisco-AVPair.2",
                "shell:roles=\"network-admin, vdc-admin\"", "reply.Class", "nps-vpn");
        List<ReplyAttribute> reply = vpn.replyAttributes();
        assertEquals(List.of("acl-first", "acl-second", "acl-third"), reply.stream()
                .filter(r -> r.name().equals("Filter-Id")).map(ReplyAttribute::value).toList());
        assertEquals(List.of("shell:priv-lvl=15", "shell:roles=\"network-admin, vdc-admin\""), reply.stream()
                .filter(r -> r.name().equals("Cisco-AVPair")).map(ReplyAttribute::value).toList(),
                "a value is never split on its commas");
        assertEquals(6, reply.size());
        InvalidConfigurationException twice = assertThrows(InvalidConfigurationException.class, () -> policy("name",
                "x", "order", "1", "reply.Filter-Id", "a", "reply.Filter-Id.1", "b"));
        assertTrue(twice.getMessage().contains("value 1 of Filter-Id a second time"), twice.getMessage());
        assertEquals("reply.Filter-Id.x", assertThrows(InvalidConfigurationException.class, () -> policy("name",
                "x", "order", "1", "reply.Filter-Id.x", "a")).key());
        assertEquals("reply.Filter-Id.0", assertThrows(InvalidConfigurationException.class, () -> policy("name",
                "x", "order", "1", "reply.Filter-Id.0", "a")).key());
    }

    /** condition.userGroups.2 is a second group condition: a member of a group of each matches (NPS's AND). */
    @Test
    void twoGroupConditionsMustBothHold() throws Exception {
        engine.put("both", policy("name", "VPN staff", "order", "1", "access", "grant",
                "condition.userGroups", "vpn-users, contractors", "condition.userGroups.2", "staff"), "b.cfg");
        assertFalse(engine.evaluate(pap("alice"), ALICE).granted(), "in vpn-users only");
        assertTrue(engine.evaluate(pap("alice"), new User("alice", Set.of("vpn-users", "staff"), "local"))
                .granted());
        assertTrue(engine.evaluate(pap("bob"), new User("bob", Set.of("Contractors", "STAFF"), "local")).granted());
        assertFalse(engine.evaluate(pap("carol"), new User("carol", Set.of("staff"), "local")).granted());
        assertEquals("condition.userGroups.2", assertThrows(InvalidConfigurationException.class,
                () -> crp("name", "x", "order", "1", "condition.userGroups.2", "staff")).key());
    }

    /** NPS attribute manipulation: rules in order on Called-Station-Id; the accounting switch of the policy. */
    @Test
    void attributeManipulationRewritesAStationIdAndTheAccountingSwitchTravels() throws Exception {
        engine.put("ssid", crp("name", "Guest SSID", "order", "1", "action", "forward", "serverGroup", "old",
                "forwardAccounting", "false", "rewrite.attribute", "Called-Station-Id",
                "rewrite.pattern", ":guest$", "rewrite.replacement", ":corp",
                "rewrite.pattern.2", "^00-11-22-", "rewrite.replacement.2", "AA-BB-CC-"), "s.cfg");
        AuthenticationRequest request = request("alice", "10.1.255.4", new PapCredentials("pw"), TUESDAY_MORNING,
                new RequestAttribute(0, 30, "Called-Station-Id", "00-11-22-33-44-55:guest"),
                new RequestAttribute(0, 31, "Calling-Station-Id", "00-11-22-66-77-88"));
        ConnectionDecision route = engine.route(request);
        assertEquals(Map.of("Called-Station-Id", "AA-BB-CC-33-44-55:corp"), route.rewrittenAttributes());
        assertEquals("alice", route.userName(), "only the configured attribute is rewritten");
        assertFalse(route.forwardAccounting());
        AuthenticationRequest rewritten = route.rewrite(request);
        assertEquals("AA-BB-CC-33-44-55:corp", rewritten.attribute("Called-Station-Id").orElseThrow());
        assertEquals("00-11-22-66-77-88", rewritten.attribute("Calling-Station-Id").orElseThrow());
        assertTrue(route.trace().get(0).contains("Called-Station-Id rewritten to 'AA-BB-CC-33-44-55:corp'")
                && route.trace().get(0).contains("accounting recorded here only"), route.trace().toString());

        engine.put("ssid", crp("name", "User rules", "order", "1", "rewrite.pattern", "^(?i)corp\\\\(.*)$",
                "rewrite.replacement", "$1", "rewrite.pattern.2", "@corp\\.example$", "rewrite.replacement.2",
                ""), "s.cfg");
        assertEquals("bob", engine.route(pap("CORP\\bob")).userName());
        assertEquals("bob", engine.route(pap("bob@corp.example")).userName());
        assertTrue(engine.route(pap("bob")).rewrittenAttributes().isEmpty());
        assertTrue(engine.route(pap("bob")).forwardAccounting(), "the default");
    }

    /** A rewrite rule that cannot be evaluated as configured is refused at load, naming its key. */
    @Test
    void badRewriteRulesAreRefusedAtLoad() {
        assertEquals("rewrite.replacement.2", assertThrows(InvalidConfigurationException.class, () -> crp("name",
                "x", "order", "1", "rewrite.pattern", "a", "rewrite.pattern.2", "(b)", "rewrite.replacement.2",
                "$2")).key());
        assertEquals("rewrite.pattern.2", assertThrows(InvalidConfigurationException.class, () -> crp("name", "x",
                "order", "1", "rewrite.pattern", "a", "rewrite.pattern.2", "(?=b)c")).key());
        assertEquals("rewrite.replacement.3", assertThrows(InvalidConfigurationException.class, () -> crp("name",
                "x", "order", "1", "rewrite.pattern", "a", "rewrite.replacement.3", "b")).key());
        assertEquals("rewrite.attribute", assertThrows(InvalidConfigurationException.class, () -> crp("name",
                "x", "order", "1", "rewrite.attribute", "NAS-Identifier", "rewrite.pattern", "a")).key());
        assertEquals("rewrite.patern", assertThrows(InvalidConfigurationException.class, () -> crp("name",
                "x", "order", "1", "rewrite.patern", "a")).key());
    }

    @Test
    void badPoliciesAreRefusedNamingTheKey() {
        assertEquals("condition.userGroups", assertThrows(InvalidConfigurationException.class,
                () -> crp("name", "x", "order", "1", "condition.userGroups", "vpn-users")).key());
        assertEquals("serverGroup", assertThrows(InvalidConfigurationException.class,
                () -> crp("name", "x", "order", "1", "action", "forward")).key());
        assertEquals("rewrite.pattern", assertThrows(InvalidConfigurationException.class,
                () -> crp("name", "x", "order", "1", "rewrite.pattern", "([a-z")).key());
        assertEquals("condition.clientAddress", assertThrows(InvalidConfigurationException.class,
                () -> policy("name", "x", "order", "1", "condition.clientAddress", "10.1.255.0/33")).key());
        assertEquals("constraint.dayAndTime", assertThrows(InvalidConfigurationException.class,
                () -> policy("name", "x", "order", "1", "constraint.dayAndTime", "Mon 9-17")).key());
        assertEquals("timeZone", assertThrows(InvalidConfigurationException.class,
                () -> policy("name", "x", "order", "1", "timeZone", "Mars/Olympus")).key());
        assertEquals("constraint.sessionTimeout", assertThrows(InvalidConfigurationException.class,
                () -> policy("name", "x", "order", "1", "constraint.sessionTimeout", "60",
                        "reply.Session-Timeout", "30")).key());
        assertEquals("constraint.authMethods", assertThrows(InvalidConfigurationException.class,
                () -> policy("name", "x", "order", "1", "constraint.authMethods", "SPNEGO")).key());
        assertEquals(AuthMethod.EAP_MSCHAPV2, AuthMethod.valueOf("EAP_MSCHAPV2"));
    }

    /**
     * Issue 22: {@code (.*a){12}$} against sixty a's and a '!' takes a backtracking engine hours; with RE2/J the
     * answer comes in linear time. The bound is generous: it fails only when matching backtracks.
     */
    @Test
    void aBacktrackingPatternAgainstAHostileUserNameIsDecidedPromptly() throws Exception {
        engine.put("hostile", crp("name", "Hostile", "order", "1", "condition.userName", "(.*a){12}$"), "h.cfg");
        engine.put("network", policy("name", "Hostile", "order", "1", "access", "grant",
                "condition.clientName", "(.*a){12}$", "condition.NAS-Identifier", "(.*a){12}$"), "n.cfg");
        String hostile = "a".repeat(60) + "!";
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            assertEquals(ReasonCode.NO_MATCHING_CONNECTION_REQUEST_POLICY, engine.route(pap(hostile)).reason());
            AuthenticationRequest request = request(hostile, "10.1.255.4", new PapCredentials("pw"),
                    TUESDAY_MORNING, new RequestAttribute(0, 32, "NAS-Identifier", hostile));
            assertFalse(engine.evaluate(request, new User(hostile, Set.of(), "local")).granted());
        });
        assertEquals(ConnectionDecision.Action.AUTHENTICATE, engine.route(pap("a".repeat(12))).action(),
                "the pattern still matches what it should");
    }

    /** What RE2 cannot evaluate in linear time is refused at load, naming the file, the key and the reason. */
    @Test
    void backreferencesAndLookaroundAreRefusedAtLoad() {
        for (String pattern : List.of("^(a+)\\1$", "^(?=admin).*", "(?<!x)y", "a*+b")) {
            InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                    () -> crp("name", "x", "order", "1", "condition.userName", pattern), pattern);
            assertEquals("condition.userName", refused.key());
            assertEquals("etc/org.radmfa.policy-test.cfg", refused.source());
            assertTrue(refused.getMessage().contains("linear time"), refused.getMessage());
        }
        assertEquals("rewrite.pattern", assertThrows(InvalidConfigurationException.class,
                () -> crp("name", "x", "order", "1", "rewrite.pattern", "(\\w+)@\\1")).key());
        assertEquals("condition.Called-Station-Id", assertThrows(InvalidConfigurationException.class,
                () -> policy("name", "x", "order", "1", "condition.Called-Station-Id", "(?=x)")).key());
    }
}
