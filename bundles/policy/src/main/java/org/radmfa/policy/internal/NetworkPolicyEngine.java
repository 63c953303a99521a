package org.radmfa.policy.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.AttributeDictionary;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ConnectionDecision;
import org.radmfa.api.DialIn;
import org.radmfa.api.DirectoryListener;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PolicyEngine;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.User;
import org.radmfa.api.UserDirectory;
import org.radmfa.api.config.Refusal;
import org.radmfa.api.config.RefusedConfigurations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates connection request policies and network policies in processing order; in each list the first whose
 * conditions all match decides. Evaluation reads immutable snapshots and has no side effects, so it also serves
 * what-if evaluations.
 */
@Component(service = {PolicyEngine.class, DirectoryListener.class, RefusedConfigurations.class})
public final class NetworkPolicyEngine implements PolicyEngine, DirectoryListener, RefusedConfigurations {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkPolicyEngine.class);

    /** The policy files: this engine's own object, fed by ConfigurationAdmin through two factories. */
    private final PolicyDefinitions definitions = new PolicyDefinitions(this);

    /**
     * Registered by hand rather than as components: the definitions are this engine's own objects, and a
     * ManagedServiceFactory (an OSGi type) is all that shows in the service registry.
     */
    @Activate
    void activate(BundleContext context) {
        definitions.networkPolicies().register(context, PolicyDefinition.FACTORY_PID);
        definitions.connectionPolicies().register(context, ConnectionPolicyDefinition.FACTORY_PID);
    }

    @Deactivate
    void deactivate() {
        definitions.networkPolicies().unregister();
        definitions.connectionPolicies().unregister();
    }

    PolicyDefinitions definitions() {
        return definitions;
    }

    @Override
    public List<Refusal> refusals() {
        List<Refusal> refusals = new ArrayList<>(definitions.connectionPolicies().definitions().refusals());
        refusals.addAll(definitions.networkPolicies().definitions().refusals());
        return refusals;
    }

    /**
     * The dictionary lives in the transport bundle, which may start after this one: when it arrives, the network
     * policies are read again, this time with their reply attributes checked. Without it they are checked when sent.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDictionary(AttributeDictionary bound) {
        definitions.dictionary(bound);
    }

    void unbindDictionary(AttributeDictionary unbound) {
        definitions.dictionaryGone(unbound);
    }

    /** Directories are asked whether the groups a policy names exist; a new one may have a missing group. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindDirectory(UserDirectory bound) {
        definitions.directoryAdded(bound);
    }

    void unbindDirectory(UserDirectory unbound) {
        definitions.directoryRemoved(unbound);
    }

    @Override
    public void groupsChanged(UserDirectory directory) {
        definitions.groupsChanged();
    }

    private final OrderedPolicies<NetworkPolicy> networkPolicies = new OrderedPolicies<>("network policy",
            NetworkPolicy::name, NetworkPolicy::order, policy -> "all " + policy.conditions().size()
                    + " conditions match -> " + policy.access().key()
                    + (policy.ignoreUserDialIn() ? " (user dial-in properties ignored)" : ""));
    private final OrderedPolicies<ConnectionRequestPolicy> connectionPolicies = new OrderedPolicies<>(
            "connection request policy", ConnectionRequestPolicy::name, ConnectionRequestPolicy::order,
            policy -> "matches -> " + policy.action().name().toLowerCase(Locale.ROOT)
                    + (policy.action() == ConnectionDecision.Action.FORWARD ? " to server group '"
                            + policy.serverGroup() + "'" + (policy.forwardAccounting() ? ""
                                    : " (accounting recorded here only)") : " with directory '"
                            + (policy.directory() == null ? "default" : policy.directory()) + "'"));

    @Override
    public ConnectionDecision route(AuthenticationRequest request) {
        List<String> trace = new ArrayList<>();
        for (OrderedPolicies.Traced<ConnectionRequestPolicy> traced : connectionPolicies.traced()) {
            ConnectionRequestPolicy policy = traced.policy();
            if (!policy.enabled()) {
                continue;
            }
            Condition failed = firstFailing(policy.conditions(), request, null);
            if (failed != null) {
                trace.add(traced.header() + failed.describe() + " -> false");
                continue;
            }
            String userName = request.userName();
            Map<String, String> rewritten = Map.of();
            String change = "";
            if (policy.rewritesUserName()) {
                userName = policy.rewrite(userName);
                change = userName.equals(request.userName()) ? "" : ", User-Name rewritten to '" + userName + "'";
            } else {
                String attribute = policy.rewriteAttribute();
                String before = request.attribute(attribute).orElse(null);
                String after = before == null ? null : policy.rewrite(before);
                if (after != null && !after.equals(before)) {
                    rewritten = Map.of(attribute, after);
                    change = ", " + attribute + " rewritten to '" + after + "'";
                }
            }
            trace.add(change.isEmpty() ? traced.matched() : traced.matched() + change);
            return new ConnectionDecision(policy.action(), policy.name(), userName, policy.directory(),
                    policy.serverGroup(), ReasonCode.ACCEPTED, trace, rewritten, policy.forwardAccounting());
        }
        trace.add("no connection request policy matched");
        return new ConnectionDecision(ConnectionDecision.Action.REJECT, null, request.userName(), null, null,
                ReasonCode.NO_MATCHING_CONNECTION_REQUEST_POLICY, trace);
    }

    @Override
    public PolicyDecision evaluate(AuthenticationRequest request, User user) {
        List<String> trace = new ArrayList<>();
        for (OrderedPolicies.Traced<NetworkPolicy> traced : networkPolicies.traced()) {
            NetworkPolicy policy = traced.policy();
            if (!policy.enabled()) {
                continue;
            }
            String header = traced.header();
            Condition failed = firstFailing(policy.conditions(), request, user);
            if (failed != null) {
                trace.add(header + failed.describe() + " -> false");
                continue;
            }
            trace.add(traced.matched());
            DialIn dialIn = policy.ignoreUserDialIn() ? DialIn.NONE : user.dialIn();
            Constraints.Violation violation = UserDialIn.refusal(dialIn, request);
            if (violation == null) {
                violation = policy.constraints().check(request);
            }
            if (violation != null) {
                trace.add(header + violation.description() + " -> reject");
                return new PolicyDecision(false, policy.name(), violation.reason(), false, List.of(), trace);
            }
            if (!grants(policy, dialIn, header, trace)) {
                return new PolicyDecision(false, policy.name(), ReasonCode.POLICY_DENIED, false, List.of(), trace);
            }
            boolean mfa = policy.mfaRequired();
            if (mfa) {
                String exemption = policy.exemption(user);
                if (exemption != null) {
                    trace.add(header + "MFA not required: member of exempt group '" + exemption + "'");
                    mfa = false;
                } else {
                    trace.add(header + "MFA required");
                }
            }
            return new PolicyDecision(true, policy.name(), ReasonCode.ACCEPTED, mfa,
                    UserDialIn.reply(dialIn, policy.replyAttributes()), trace);
        }
        trace.add("no network policy matched");
        return new PolicyDecision(false, null, ReasonCode.NO_MATCHING_NETWORK_POLICY, false, List.of(), trace);
    }

    /**
     * The access permission, once the account's own Deny has rejected: a deny policy denies even an account set to
     * Allow access (NPS: "allowed network access unless there is a network policy that explicitly denies access"),
     * and a policy without a permission of its own grants only accounts set to Allow access.
     */
    private static boolean grants(NetworkPolicy policy, DialIn dialIn, String header, List<String> trace) {
        if (policy.access() != NetworkPolicy.Access.DIAL_IN) {
            return policy.access() == NetworkPolicy.Access.GRANT;
        }
        boolean allowed = dialIn.access() == DialIn.Access.ALLOW;
        trace.add(header + "access decided by the user account's dial-in permission: " + (allowed ? "Allow access"
                : "Control access through NPS Network Policy, and this policy grants nothing itself") + " -> "
                + (allowed ? "grant" : "deny"));
        return allowed;
    }

    /**
     * NPS offers the EAP types of the network policy that will decide the login. On the EAP identity the user's
     * groups and certificate are not known yet: every enabled grant policy whose other conditions match may decide
     * it, so their methods are offered in policy order, up to the first policy that decides every identity reaching
     * it (a deny policy of that kind allows nothing further). When no policy may decide it, the default order: the
     * decision then rejects it for that reason (no network policy matched), not for its method.
     */
    @Override
    public List<AuthMethod> eapMethods(AuthenticationRequest request) {
        Set<AuthMethod> offered = new LinkedHashSet<>();
        boolean anyMayDecide = false;
        for (NetworkPolicy policy : networkPolicies.ordered()) {
            if (!policy.enabled() || policy.conditions().stream().anyMatch(condition
                    -> condition.knownBeforeAuthentication() && !condition.matches(request, null))) {
                continue;
            }
            anyMayDecide = true;
            if (policy.mayGrant()) {
                offered.addAll(policy.eapMethods());
            }
            if (policy.decidesEveryIdentity()) {
                break;
            }
        }
        return anyMayDecide ? List.copyOf(offered) : DEFAULT_EAP_METHODS;
    }

    private static Condition firstFailing(List<Condition> conditions, AuthenticationRequest request, User user) {
        for (Condition condition : conditions) {
            if (!condition.matches(request, user)) {
                return condition;
            }
        }
        return null;
    }

    /** The network policies in processing order, for management. */
    List<NetworkPolicy> policies() {
        return networkPolicies.ordered();
    }

    /** @throws IllegalArgumentException when another network policy has the same name or processing order */
    void put(String key, NetworkPolicy policy, String source) {
        networkPolicies.put(key, policy, source);
        LOG.info("Network policy '{}' (order {}, {}) loaded from {}", policy.name(), policy.order(),
                policy.access().key(), source);
    }

    /** @throws IllegalArgumentException when another connection request policy has the same name or order */
    void put(String key, ConnectionRequestPolicy policy, String source) {
        connectionPolicies.put(key, policy, source);
        LOG.info("Connection request policy '{}' (order {}, {}) loaded from {}", policy.name(), policy.order(),
                policy.action().name().toLowerCase(), source);
    }

    /** Removes whatever policy the key defined. */
    void remove(String key) {
        if (!networkPolicies.remove(key)) {
            connectionPolicies.remove(key);
        }
    }
}
