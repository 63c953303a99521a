package org.radmfa.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.CertificateCredentials;
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

class NetworkPolicyEngineTest {
    private final NetworkPolicyEngine engine = new NetworkPolicyEngine();

    private static AuthenticationRequest request(RequestAttribute... attributes) {
        RadiusClient client = new RadiusClient("Azure VPN gateway", "10.1.255.0/27", SharedSecret.of("x"), null, true);
        return new AuthenticationRequest("t-1", client, new InetSocketAddress("10.1.255.4", 40000), "alice",
                new PapCredentials("pw"), List.of(attributes), Instant.now());
    }

    private static NetworkPolicy parse(String... keyValues) throws InvalidConfigurationException {
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.policy-test.cfg");
        return PolicyDefinition.parse(new ConfigReader(properties));
    }

    private void installNpsDefaults() throws InvalidConfigurationException {
        engine.put("rras", parse("name", "Connections to Microsoft Routing and Remote Access server", "order",
                "999998", "access", "grant", "condition.MS-RAS-Vendor", "^311$"), "rras.cfg");
        engine.put("other", parse("name", "Connections to other access servers", "order", "999999"), "other.cfg");
    }

    @Test
    void npsDefaultsGrantRrasRequestsAndDenyTheRest() throws Exception {
        installNpsDefaults();
        User user = new User("alice", Set.of(), "local");
        PolicyDecision rras = engine.evaluate(request(new RequestAttribute(311, 9, "MS-RAS-Vendor", "311")), user);
        assertTrue(rras.granted());
        assertEquals("Connections to Microsoft Routing and Remote Access server", rras.policyName());
        PolicyDecision other = engine.evaluate(request(), user);
        assertFalse(other.granted());
        assertEquals(ReasonCode.POLICY_DENIED, other.reason());
        assertEquals("Connections to other access servers", other.policyName());
        assertTrue(other.trace().get(0).contains("MS-RAS-Vendor matches /^311$/ -> false"), other.trace().toString());
    }

    @Test
    void firstMatchingPolicyInProcessingOrderDecidesAndReturnsItsSettings() throws Exception {
        installNpsDefaults();
        engine.put("mfa", parse("name", "MFA users", "order", "20", "access", "grant", "mfaRequired", "true",
                "condition.userGroups", "mfa-users"), "mfa.cfg");
        engine.put("vpn", parse("name", "VPN users", "order", "10", "access", "grant", "condition.userGroups",
                "VPN-Users, contractors", "reply.Session-Timeout", "3600", "reply.Class", "vpn"), "vpn.cfg");
        PolicyDecision vpn = engine.evaluate(request(), new User("alice", Set.of("vpn-users", "mfa-users"), "local"));
        assertEquals("VPN users", vpn.policyName());
        assertFalse(vpn.mfaRequired());
        assertEquals(List.of(new ReplyAttribute("Class", "vpn"), new ReplyAttribute("Session-Timeout", "3600")),
                vpn.replyAttributes());
        PolicyDecision mfa = engine.evaluate(request(), new User("bob", Set.of("mfa-users"), "local"));
        assertEquals("MFA users", mfa.policyName());
        assertTrue(mfa.mfaRequired());
        assertEquals(3, mfa.trace().size());
        assertTrue(mfa.trace().get(2).endsWith("MFA required"), mfa.trace().toString());
    }

    @Test
    void noPoliciesMeansNoMatchAndDisabledPoliciesAreSkipped() throws Exception {
        engine.put("off", parse("name", "Off", "order", "1", "access", "grant", "enabled", "false"), "off.cfg");
        PolicyDecision decision = engine.evaluate(request(), new User("alice", Set.of(), "local"));
        assertEquals(ReasonCode.NO_MATCHING_NETWORK_POLICY, decision.reason());
    }

    @Test
    void certificateConditionsMatchOnlyACertificateOfThatIssuerPurposeAndPolicy() throws Exception {
        engine.put("cert", parse("name", "Corporate certificates", "order", "1", "access", "grant",
                "condition.certificateIssuer", "CN=Corp Issuing CA", "condition.certificateEku",
                "1.3.6.1.5.5.7.3.2", "condition.certificatePolicy", "1.3.6.1.4.1.99999.1"), "cert.cfg");
        User user = new User("alice", Set.of(), "local");
        CertificateCredentials good = new CertificateCredentials(AuthMethod.EAP_TLS, "alice", "CN=alice",
                "CN=Corp Issuing CA,DC=corp", "01", List.of("1.3.6.1.5.5.7.3.2"), List.of("1.3.6.1.4.1.99999.1"));
        assertTrue(engine.evaluate(withCredentials(good), user).granted());
        CertificateCredentials otherPolicy = new CertificateCredentials(AuthMethod.EAP_TLS, "alice", "CN=alice",
                "CN=Corp Issuing CA,DC=corp", "01", List.of("1.3.6.1.5.5.7.3.2"), List.of("2.5.29.32.0"));
        assertFalse(engine.evaluate(withCredentials(otherPolicy), user).granted());
        CertificateCredentials otherIssuer = new CertificateCredentials(AuthMethod.EAP_TLS, "alice", "CN=alice",
                "CN=Someone Else", "01", List.of("1.3.6.1.5.5.7.3.2"), List.of("1.3.6.1.4.1.99999.1"));
        assertFalse(engine.evaluate(withCredentials(otherIssuer), user).granted());
        assertFalse(engine.evaluate(request(), user).granted(), "a password login has no certificate");
        assertEquals("condition.certificateEku", assertThrows(InvalidConfigurationException.class,
                () -> parse("name", "x", "order", "1", "condition.certificateEku", "clientAuth")).key());
    }

    private static AuthenticationRequest withCredentials(CertificateCredentials credentials) {
        AuthenticationRequest request = request();
        return new AuthenticationRequest(request.id(), request.client(), request.source(), request.userName(),
                credentials, request.attributes(), request.received());
    }

    @Test
    void clientNameAndAuthMethodConditions() throws Exception {
        engine.put("gw", parse("name", "Gateway PAP", "order", "1", "access", "grant", "condition.clientName",
                "^Azure", "condition.authMethods", "pap, eap-mschapv2"), "gw.cfg");
        assertTrue(engine.evaluate(request(), new User("alice", Set.of(), "local")).granted());
        engine.put("gw", parse("name", "Gateway PAP", "order", "1", "access", "grant", "condition.authMethods",
                "CHAP"), "gw.cfg");
        assertFalse(engine.evaluate(request(), new User("alice", Set.of(), "local")).granted());
    }

    @Test
    void badPoliciesAreRefusedNamingFileAndKey() throws Exception {
        InvalidConfigurationException badPattern = assertThrows(InvalidConfigurationException.class,
                () -> parse("name", "x", "order", "1", "condition.NAS-Identifier", "(unclosed"));
        assertEquals("condition.NAS-Identifier", badPattern.key());
        assertEquals("etc/org.radmfa.policy-test.cfg", badPattern.source());
        assertEquals("access", assertThrows(InvalidConfigurationException.class,
                () -> parse("name", "x", "order", "1", "access", "allow")).key());
        assertEquals("order", assertThrows(InvalidConfigurationException.class, () -> parse("name", "x")).key());
        assertEquals("condition.authMethods", assertThrows(InvalidConfigurationException.class,
                () -> parse("name", "x", "order", "1", "condition.authMethods", "kerberos")).key());
        engine.put("a", parse("name", "A", "order", "5"), "a.cfg");
        assertThrows(IllegalArgumentException.class, () -> engine.put("b", parse("name", "B", "order", "5"), "b.cfg"));
    }

    /** NPS offers the EAP types of the policy that decides, in its order; on the identity the groups are unknown. */
    @Test
    void eapMethodsAreThoseOfThePoliciesThatMayDecideInTheirOrder() throws Exception {
        assertEquals(org.radmfa.api.PolicyEngine.DEFAULT_EAP_METHODS, engine.eapMethods(request()),
                "no policy: the default order, and the decision says why it rejects");
        engine.put("certs", parse("name", "Certificates", "order", "10", "access", "grant", "condition.userGroups",
                "cert-users", "constraint.authMethods", "EAP_TLS"), "certs.cfg");
        engine.put("windows", parse("name", "Windows", "order", "20", "access", "grant", "condition.clientName",
                "^Azure", "constraint.authMethods", "PEAP, EAP_MSCHAPV2, PAP"), "windows.cfg");
        engine.put("rest", parse("name", "The rest", "order", "30", "access", "grant", "constraint.authMethods",
                "EAP_MSCHAPV2"), "rest.cfg");
        // Groups are unknown on the identity: Certificates may decide; Windows decides every identity from Azure.
        assertEquals(List.of(AuthMethod.EAP_TLS, AuthMethod.PEAP, AuthMethod.EAP_MSCHAPV2),
                engine.eapMethods(request()));
        engine.put("windows", parse("name", "Windows", "order", "20", "access", "grant", "condition.clientName",
                "^Elsewhere", "constraint.authMethods", "PEAP, EAP_MSCHAPV2"), "windows.cfg");
        assertEquals(List.of(AuthMethod.EAP_TLS, AuthMethod.EAP_MSCHAPV2), engine.eapMethods(request()),
                "a policy whose client condition fails offers nothing");
        engine.put("deny", parse("name", "Deny all", "order", "5", "access", "deny"), "deny.cfg");
        assertEquals(List.of(), engine.eapMethods(request()), "a deny policy for every identity allows nothing");
        engine.put("deny", parse("name", "TLS and PEAP", "order", "5", "access", "grant", "condition.authMethods",
                "EAP_TLS, PEAP"), "deny.cfg");
        assertEquals(List.of(AuthMethod.EAP_TLS, AuthMethod.PEAP, AuthMethod.EAP_MSCHAPV2),
                engine.eapMethods(request()), "without constraint, the condition's methods in the default order");
    }
}
