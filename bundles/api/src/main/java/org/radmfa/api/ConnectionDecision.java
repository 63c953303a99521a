package org.radmfa.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a request is handled, as the first matching connection request policy says (NPS's first step).
 *
 * @param action authenticate here, forward, or reject (no policy matched)
 * @param policyName the matched connection request policy, or null
 * @param userName the User-Name after the policy's rewriting (realm stripped or replaced)
 * @param directory the user directory to authenticate against, or null for the default one
 * @param serverGroup for {@link Action#FORWARD}: the remote RADIUS server group
 * @param reason {@link ReasonCode#NO_MATCHING_CONNECTION_REQUEST_POLICY} for a reject, else ACCEPTED
 * @param trace each connection request policy evaluated
 * @param rewrittenAttributes attributes other than User-Name the policy rewrote (NPS attribute manipulation of
 *     Called-Station-Id or Calling-Station-Id), by name, with their new value; empty when none. Since 1.11
 * @param forwardAccounting for {@link Action#FORWARD}: whether Accounting-Requests the policy routes go to the
 *     server group too (NPS's accounting setting of the policy), or are recorded here only. Since 1.11
 * @since 1.3
 */
public record ConnectionDecision(Action action, String policyName, String userName, String directory,
        String serverGroup, ReasonCode reason, List<String> trace, Map<String, String> rewrittenAttributes,
        boolean forwardAccounting) {

    public enum Action {
        AUTHENTICATE,
        FORWARD,
        REJECT
    }

    public ConnectionDecision {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
        trace = List.copyOf(trace);
        rewrittenAttributes = Map.copyOf(rewrittenAttributes);
    }

    /** The 1.3 form: no attribute rewritten, accounting forwarded with the requests. */
    public ConnectionDecision(Action action, String policyName, String userName, String directory,
            String serverGroup, ReasonCode reason, List<String> trace) {
        this(action, policyName, userName, directory, serverGroup, reason, trace, Map.of(), true);
    }

    /**
     * The request as the policy rewrote it: its User-Name and rewritten attributes replaced; the same instance when
     * nothing changed.
     *
     * @since 1.11
     */
    public AuthenticationRequest rewrite(AuthenticationRequest request) {
        AuthenticationRequest result = userName.equals(request.userName()) ? request : request.withUserName(userName);
        if (rewrittenAttributes.isEmpty()) {
            return result;
        }
        List<RequestAttribute> attributes = new ArrayList<>();
        for (RequestAttribute attribute : result.attributes()) {
            String value = attribute.vendorId() == 0 ? rewrittenAttributes.get(attribute.name()) : null;
            attributes.add(value == null ? attribute
                    : new RequestAttribute(attribute.vendorId(), attribute.type(), attribute.name(), value));
        }
        return new AuthenticationRequest(result.id(), result.client(), result.source(), result.userName(),
                result.credentials(), attributes, result.received());
    }
}
