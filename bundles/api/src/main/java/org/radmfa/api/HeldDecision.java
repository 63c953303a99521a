package org.radmfa.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The pipeline's decision on one step of a conversation that goes on after it ({@link AccessRequestHandler#hold}):
 * PEAP's inner MS-CHAPv2, accepted, is followed by the EAP-TLV Result and the crypto binding, which may still end
 * the login in EAP-Failure. The decision listeners (audit, radmfa:decisions, metrics) hear of the login only when
 * its outcome is known, through {@link #record}, so that what they hear is what the NAS got.
 *
 * @since 1.13
 */
@ProviderType
public interface HeldDecision {

    /** The pipeline's decision, as it is answered: an accept carries its Class ({@code radmfa:<correlation id>}). */
    Decision decision();

    /**
     * Records the login's outcome, as the NAS gets it, in place of {@link #decision()}: under the same request,
     * correlation id and start time, to the log, the recent decisions and the decision listeners. The first call
     * counts; later ones are ignored. The caller builds the outcome: the pipeline's decision where the conversation
     * ended as decided (its reply attributes replaced by those sent), or the refusal with its reason and detail, the
     * pipeline's policy name and its trace followed by the method's.
     */
    void record(Decision outcome);

    /**
     * Records how the conversation ended, given the method's answer to the NAS, and returns what the NAS gets: an
     * accept keeps the pipeline's detail (why the policy granted it), a refusal gives its own reason and detail; both
     * keep the pipeline's policy name, and its trace followed by the method's.
     */
    default Decision end(Decision answer) {
        List<String> trace = new ArrayList<>(decision().trace());
        trace.addAll(answer.trace());
        boolean accepted = answer.outcome() == Decision.Outcome.ACCEPT;
        Decision outcome = new Decision(answer.outcome(), answer.reason(), accepted ? decision().detail()
                : answer.detail(), decision().policyName(), answer.replyAttributes(), trace);
        record(outcome);
        return outcome;
    }

    /**
     * A decision that is already recorded, for a handler that cannot hold one back: {@link #record} does nothing.
     */
    static HeldDecision recorded(Decision decision) {
        Objects.requireNonNull(decision, "decision");
        return new HeldDecision() {
            @Override
            public Decision decision() {
                return decision;
            }

            @Override
            public void record(Decision outcome) {
                // recorded when it was decided
            }
        };
    }
}
