package org.radmfa.pipeline.internal;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.radmfa.api.Decision;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;

/** The decisions more than one stage makes, made alike. */
final class Decisions {
    private Decisions() {
    }

    /** An accept carries the policy's settings and what the authentication method returns (MPPE keys, ...). */
    static Decision accept(PolicyDecision policy, PrimaryAuthResult primary, String detail, List<String> trace) {
        List<ReplyAttribute> attributes = new ArrayList<>(policy.replyAttributes());
        attributes.addAll(primary.replyAttributes());
        return new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, detail, policy.policyName(), attributes,
                trace);
    }

    /** A reject under a network policy: no settings, no keys. */
    static Decision reject(ReasonCode reason, String detail, PolicyDecision policy, List<String> trace) {
        return new Decision(Decision.Outcome.REJECT, reason, detail, policy.policyName(), List.of(), trace);
    }

    /** An Access-Challenge with the connector's prompt and State. */
    static Decision challenge(PolicyDecision policy, MfaOutcome outcome, List<String> trace) {
        List<ReplyAttribute> attributes = new ArrayList<>();
        if (outcome.prompt() != null) {
            attributes.add(new ReplyAttribute("Reply-Message", outcome.prompt()));
        }
        if (outcome.state() != null) {
            attributes.add(new ReplyAttribute("State", "0x" + HexFormat.of().formatHex(outcome.state())));
        }
        return new Decision(Decision.Outcome.CHALLENGE, ReasonCode.MFA_CHALLENGE, outcome.detail(),
                policy.policyName(), attributes, trace);
    }
}
