package org.radmfa.api;

import java.util.List;
import java.util.Objects;

/**
 * The appliance's final answer to an Access-Request, with the reason and the trace that explain it.
 *
 * @param outcome accept, reject or challenge
 * @param reason why; {@link ReasonCode#ACCEPTED} for an accept
 * @param detail a human-readable explanation; never contains a credential
 * @param policyName the network policy that matched, or null
 * @param replyAttributes attributes to return
 * @param trace what was evaluated, in order
 */
public record Decision(Outcome outcome, ReasonCode reason, String detail, String policyName,
        List<ReplyAttribute> replyAttributes, List<String> trace) {

    public enum Outcome {
        ACCEPT,
        REJECT,
        CHALLENGE
    }

    public Decision {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        replyAttributes = List.copyOf(replyAttributes);
        trace = List.copyOf(trace);
    }

    public static Decision reject(ReasonCode reason, String detail, List<String> trace) {
        return new Decision(Outcome.REJECT, reason, detail, null, List.of(), trace);
    }
}
