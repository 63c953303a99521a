package org.radmfa.pipeline.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ConnectionDecision;
import org.radmfa.api.Decision;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestForwarder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a request to the remote RADIUS server group its connection request policy names (radmfa-proxy); the remote
 * answer, with what the proxy tried, becomes the decision.
 */
final class ForwardingStage {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardingStage.class);

    private ForwardingStage() {
    }

    static CompletionStage<Decision> forward(RequestForwarder proxy, ConnectionDecision route,
            AuthenticationRequest routed, List<String> trace) {
        if (proxy == null) {
            trace.add("no proxy (radmfa-proxy) is installed");
            return CompletableFuture.completedFuture(Decision.reject(ReasonCode.FORWARDING_UNAVAILABLE,
                    "connection request policy '" + route.policyName() + "' forwards to server group '"
                            + route.serverGroup() + "', and no proxy (radmfa-proxy) is installed", trace));
        }
        trace.add("forwarded to remote RADIUS server group '" + route.serverGroup() + "'");
        CompletionStage<Decision> remote;
        try {
            remote = proxy.forward(route.serverGroup(), routed);
        } catch (RuntimeException e) {
            remote = CompletableFuture.failedFuture(e);
        }
        return remote.thenApply(answer -> {
            List<String> merged = new ArrayList<>(trace);
            merged.addAll(answer.trace());
            return new Decision(answer.outcome(), answer.reason(), answer.detail(), route.policyName(),
                    answer.replyAttributes(), merged);
        }).exceptionally(failure -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            LOG.error("Request {} failed in the proxy", routed.id(), cause);
            trace.add("internal error in the proxy: " + cause);
            return Decision.reject(ReasonCode.INTERNAL_ERROR, "internal error in the proxy: "
                    + cause.getClass().getSimpleName(), trace);
        });
    }

    /**
     * RFC 3579 section 2.6.3: an Access-Reject to EAP carries an EAP-Failure. A remote server puts its own; a reject
     * made here (no server answered) gets one, so that the peer learns it at once instead of timing out.
     */
    static Decision withEapFailure(Decision decision, int eapId) {
        if (decision.outcome() != Decision.Outcome.REJECT || decision.replyAttributes().stream()
                .anyMatch(attribute -> attribute.name().equals("EAP-Message"))) {
            return decision;
        }
        List<ReplyAttribute> attributes = new ArrayList<>(decision.replyAttributes());
        attributes.add(new ReplyAttribute("EAP-Message", String.format("0x04%02x0004", eapId)));
        return new Decision(decision.outcome(), decision.reason(), decision.detail(), decision.policyName(),
                attributes, decision.trace());
    }
}
