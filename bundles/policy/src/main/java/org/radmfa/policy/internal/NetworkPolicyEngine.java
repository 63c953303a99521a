package org.radmfa.policy.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PolicyEngine;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates network policies in processing order; the first whose conditions all match decides. Evaluation reads
 * an immutable snapshot, so a configuration change never leaves a window with a partial policy set.
 */
@Component(service = {PolicyEngine.class, PolicyTable.class})
public final class NetworkPolicyEngine implements PolicyEngine, PolicyTable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkPolicyEngine.class);

    private record Entry(String key, NetworkPolicy policy, String source) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private volatile List<NetworkPolicy> ordered = List.of();

    @Override
    public PolicyDecision evaluate(AuthenticationRequest request, User user) {
        List<String> trace = new ArrayList<>();
        for (NetworkPolicy policy : ordered) {
            if (!policy.enabled()) {
                continue;
            }
            Condition failed = firstFailing(policy, request, user);
            if (failed != null) {
                trace.add("policy '" + policy.name() + "' (order " + policy.order() + "): " + failed.describe()
                        + " -> false");
                continue;
            }
            trace.add("policy '" + policy.name() + "' (order " + policy.order() + "): all "
                    + policy.conditions().size() + " conditions match -> " + (policy.grant() ? "grant" : "deny")
                    + (policy.grant() && policy.mfaRequired() ? ", MFA required" : ""));
            if (!policy.grant()) {
                return new PolicyDecision(false, policy.name(), ReasonCode.POLICY_DENIED, false, List.of(), trace);
            }
            return new PolicyDecision(true, policy.name(), ReasonCode.ACCEPTED, policy.mfaRequired(),
                    policy.replyAttributes(), trace);
        }
        trace.add("no network policy matched");
        return new PolicyDecision(false, null, ReasonCode.NO_MATCHING_NETWORK_POLICY, false, List.of(), trace);
    }

    private static Condition firstFailing(NetworkPolicy policy, AuthenticationRequest request, User user) {
        for (Condition condition : policy.conditions()) {
            if (!condition.matches(request, user)) {
                return condition;
            }
        }
        return null;
    }

    /** The policies in processing order, for management. */
    List<NetworkPolicy> policies() {
        return ordered;
    }

    @Override
    public synchronized void put(String key, NetworkPolicy policy, String source) {
        for (Entry other : entries.values()) {
            if (other.key().equals(key)) {
                continue;
            }
            if (other.policy().order() == policy.order()) {
                throw new IllegalArgumentException("processing order " + policy.order() + " is already used by policy '"
                        + other.policy().name() + "' in " + other.source());
            }
            if (other.policy().name().equalsIgnoreCase(policy.name())) {
                throw new IllegalArgumentException("policy name '" + policy.name() + "' is already used in "
                        + other.source());
            }
        }
        entries.put(key, new Entry(key, policy, source));
        publish();
        LOG.info("Network policy '{}' (order {}, {}) loaded from {}", policy.name(), policy.order(),
                policy.grant() ? "grant" : "deny", source);
    }

    @Override
    public synchronized void remove(String key) {
        if (entries.remove(key) != null) {
            publish();
        }
    }

    private void publish() {
        ordered = entries.values().stream().map(Entry::policy)
                .sorted(Comparator.comparingInt(NetworkPolicy::order)).toList();
    }
}
