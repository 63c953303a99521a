package org.radmfa.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.DialIn;
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

/** NPS's use of a user account's dial-in properties (AD's Dial-in tab) under a network policy. */
class UserDialInTest {
    private static final RadiusClient GATEWAY =
            new RadiusClient("Azure VPN gateway", "10.1.255.0/27", SharedSecret.of("x"), null, true);

    private final NetworkPolicyEngine engine = new NetworkPolicyEngine();

    private static NetworkPolicy policy(String... keyValues) throws InvalidConfigurationException {
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.policy-test.cfg");
        return PolicyDefinition.parse(new ConfigReader(properties));
    }

    private static AuthenticationRequest request(String callingStationId) {
        List<RequestAttribute> attributes = new ArrayList<>();
        if (callingStationId != null) {
            attributes.add(new RequestAttribute(0, 31, "Calling-Station-Id", callingStationId));
        }
        return new AuthenticationRequest("t", GATEWAY, new InetSocketAddress("10.1.255.4", 4000), "alice",
                new PapCredentials("pw"), attributes, Instant.parse("2026-11-24T09:30:00Z"));
    }

    private static User alice(DialIn dialIn) {
        return new User("alice", Set.of("vpn-users"), "ad", dialIn);
    }

    private static DialIn access(DialIn.Access access) {
        return new DialIn(access, Set.of(), null, List.of());
    }

    private PolicyDecision evaluate(DialIn dialIn) {
        return engine.evaluate(request("203.0.113.7"), alice(dialIn));
    }

    @Test
    void denyAccessOnTheAccountRejectsUnderAGrantPolicyUnlessThePolicyIgnoresDialInProperties() throws Exception {
        engine.put("p", policy("name", "VPN", "order", "1", "access", "grant"), "test");
        PolicyDecision denied = evaluate(access(DialIn.Access.DENY));
        assertFalse(denied.granted());
        assertEquals(ReasonCode.DIAL_IN_DENIED, denied.reason());
        assertEquals(65, denied.reason().npsCode(), "NPS IAS_DIALIN_DISABLED");
        assertTrue(denied.trace().stream().anyMatch(t -> t.contains("dial-in permission is Deny access")),
                denied.trace().toString());
        assertTrue(evaluate(access(DialIn.Access.POLICY)).granted());
        assertTrue(evaluate(access(DialIn.Access.ALLOW)).granted());

        engine.put("p", policy("name", "VPN", "order", "1", "access", "grant", "ignoreUserDialIn", "true"), "test");
        assertTrue(evaluate(access(DialIn.Access.DENY)).granted(), "the policy ignores the account's Deny");
    }

    @Test
    void aDenyPolicyDeniesEvenAnAccountSetToAllowAccess() throws Exception {
        engine.put("p", policy("name", "Contractors", "order", "1", "access", "deny"), "test");
        PolicyDecision decision = evaluate(access(DialIn.Access.ALLOW));
        assertFalse(decision.granted());
        assertEquals(ReasonCode.POLICY_DENIED, decision.reason());
        assertEquals(ReasonCode.DIAL_IN_DENIED, evaluate(access(DialIn.Access.DENY)).reason(),
                "the account's own Deny is the reason named first, as NPS checks it first");
    }

    @Test
    void aPolicyWithoutAPermissionOfItsOwnGrantsOnlyAccountsSetToAllowAccess() throws Exception {
        engine.put("p", policy("name", "Per user", "order", "1", "access", "dialin", "mfaRequired", "true"), "test");
        PolicyDecision allowed = evaluate(access(DialIn.Access.ALLOW));
        assertTrue(allowed.granted());
        assertTrue(allowed.mfaRequired(), "the policy's other settings apply");
        PolicyDecision byPolicy = evaluate(access(DialIn.Access.POLICY));
        assertFalse(byPolicy.granted());
        assertEquals(ReasonCode.POLICY_DENIED, byPolicy.reason());
        assertTrue(byPolicy.trace().stream().anyMatch(t -> t.contains("Control access through NPS Network Policy")),
                byPolicy.trace().toString());
        assertEquals(ReasonCode.DIAL_IN_DENIED, evaluate(access(DialIn.Access.DENY)).reason());
        assertEquals(List.of(org.radmfa.api.AuthMethod.EAP_MSCHAPV2, org.radmfa.api.AuthMethod.EAP_TLS,
                org.radmfa.api.AuthMethod.PEAP), engine.eapMethods(request(null)), "it may grant: its methods offered");
    }

    @Test
    void accessDecidedByTheAccountCannotAlsoIgnoreTheAccount() {
        InvalidConfigurationException refused = org.junit.jupiter.api.Assertions.assertThrows(
                InvalidConfigurationException.class, () -> policy("name", "Per user", "order", "1", "access",
                        "dialin", "ignoreUserDialIn", "true"));
        assertTrue(refused.getMessage().contains("ignoreUserDialIn"), refused.getMessage());
        InvalidConfigurationException unknown = org.junit.jupiter.api.Assertions.assertThrows(
                InvalidConfigurationException.class, () -> policy("name", "P", "order", "1", "access", "maybe"));
        assertTrue(unknown.getMessage().contains("grant, deny or dialin"), unknown.getMessage());
    }

    @Test
    void verifyCallerIdRejectsAnyOtherCallingStationId() throws Exception {
        engine.put("p", policy("name", "VPN", "order", "1", "access", "grant"), "test");
        DialIn verified = new DialIn(DialIn.Access.POLICY, Set.of("203.0.113.7"), null, List.of());
        assertTrue(engine.evaluate(request("203.0.113.7"), alice(verified)).granted());
        PolicyDecision other = engine.evaluate(request("198.51.100.9"), alice(verified));
        assertFalse(other.granted());
        assertEquals(ReasonCode.CALLER_ID_MISMATCH, other.reason());
        assertEquals(67, other.reason().npsCode(), "NPS IAS_INVALID_CALLING_STATION");
        assertEquals(ReasonCode.CALLER_ID_MISMATCH, engine.evaluate(request(null), alice(verified)).reason(),
                "no Calling-Station-Id at all is not the caller");
    }

    @Test
    void theAccountsStaticAddressAndRoutesReplaceThePolicysOwn() throws Exception {
        engine.put("p", policy("name", "VPN", "order", "1", "access", "grant", "reply.Framed-IP-Address",
                "10.9.0.1", "reply.Class", "vpn"), "test");
        DialIn fixed = new DialIn(DialIn.Access.POLICY, Set.of(), "10.9.0.77",
                List.of("192.168.10.0/24 0.0.0.0 1", "192.168.20.0/24 0.0.0.0 1"));
        PolicyDecision decision = evaluate(fixed);
        assertEquals(List.of(new ReplyAttribute("Class", "vpn"), new ReplyAttribute("Framed-IP-Address", "10.9.0.77"),
                new ReplyAttribute("Framed-Route", "192.168.10.0/24 0.0.0.0 1"),
                new ReplyAttribute("Framed-Route", "192.168.20.0/24 0.0.0.0 1")), decision.replyAttributes());
        assertEquals(Set.of(new ReplyAttribute("Framed-IP-Address", "10.9.0.1"), new ReplyAttribute("Class", "vpn")),
                Set.copyOf(evaluate(DialIn.NONE).replyAttributes()));

        engine.put("p", policy("name", "VPN", "order", "1", "access", "grant", "ignoreUserDialIn", "true",
                "reply.Class", "vpn"), "test");
        assertEquals(List.of(new ReplyAttribute("Class", "vpn")), evaluate(fixed).replyAttributes(),
                "ignored: not returned");
    }
}
