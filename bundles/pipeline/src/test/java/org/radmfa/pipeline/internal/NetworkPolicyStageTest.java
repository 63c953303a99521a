package org.radmfa.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.radmfa.api.Decision;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;

class NetworkPolicyStageTest {
    private static final List<ReplyAttribute> KEYS = List.of(new ReplyAttribute("MS-MPPE-Send-Key", "0x00"));
    private static final PrimaryAuthResult WITH_KEYS = Fakes.accepted("alice").withReplyAttributes(KEYS);

    @Test
    void aGrantWithoutMfaAcceptsWithTheSettingsAndTheMethodsAttributes() {
        List<String> trace = new ArrayList<>();
        Decision accept = NetworkPolicyStage.verdict(new PolicyDecision(true, "P", ReasonCode.ACCEPTED, false,
                Fakes.SETTINGS, List.of("policy 'P' matched")), WITH_KEYS, trace);
        assertEquals(Decision.Outcome.ACCEPT, accept.outcome());
        assertEquals(List.of(Fakes.SETTINGS.get(0), KEYS.get(0)), accept.replyAttributes());
        assertEquals("granted by network policy 'P'", accept.detail());
        assertEquals(List.of("policy 'P' matched"), trace);
    }

    @Test
    void aDenialOrNoMatchIsARejectWithoutKeys() {
        Decision denied = NetworkPolicyStage.verdict(new PolicyDecision(false, "D", ReasonCode.POLICY_DENIED, false,
                List.of(), List.of()), WITH_KEYS, new ArrayList<>());
        assertEquals(ReasonCode.POLICY_DENIED, denied.reason());
        assertEquals("network policy 'D' denies access", denied.detail());
        assertTrue(denied.replyAttributes().isEmpty(), "keys never go out with a reject");
        assertEquals("no network policy matched", NetworkPolicyStage.verdict(new PolicyDecision(false, null,
                ReasonCode.NO_MATCHING_NETWORK_POLICY, false, List.of(), List.of()), WITH_KEYS, new ArrayList<>()).detail());
    }

    @Test
    void theAccountsOwnRefusalIsNamedAsSuch() {
        Decision dialIn = NetworkPolicyStage.verdict(new PolicyDecision(false, "VPN", ReasonCode.DIAL_IN_DENIED, false,
                List.of(), List.of()), WITH_KEYS, new ArrayList<>());
        assertEquals("the user account's dial-in permission denies access (network policy 'VPN')", dialIn.detail());
        Decision caller = NetworkPolicyStage.verdict(new PolicyDecision(false, "VPN", ReasonCode.CALLER_ID_MISMATCH,
                false, List.of(), List.of()), WITH_KEYS, new ArrayList<>());
        assertEquals("the user account's caller ID does not match (network policy 'VPN')", caller.detail());
    }

    @Test
    void aGrantThatAsksForMfaIsNoVerdictYet() {
        assertNull(NetworkPolicyStage.verdict(Fakes.MFA_POLICY, WITH_KEYS, new ArrayList<>()));
    }
}
