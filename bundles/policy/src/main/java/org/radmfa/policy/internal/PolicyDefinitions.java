package org.radmfa.policy.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.radmfa.api.AttributeDictionary;
import org.radmfa.api.UserDirectory;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.config.support.FactoryConfigurations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy files, as the engine's own objects: network policies ({@code etc/org.radmfa.policy-NAME.cfg}) and
 * connection request policies ({@code etc/org.radmfa.crp-NAME.cfg}). A policy that does not validate is refused with
 * its file, key and reason; its last good version keeps serving. A network policy's reply attributes are checked
 * against the dictionary when the transport offers one (it may start later: the policies are read again then), and
 * the groups it names against the directories; a policy refused for a group no directory had is read again when a
 * directory's groups change.
 */
final class PolicyDefinitions {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyDefinitions.class);

    private final FactoryConfigurations<NetworkPolicy> networkPolicies;
    private final FactoryConfigurations<ConnectionRequestPolicy> connectionPolicies;
    private final List<UserDirectory> directories = new CopyOnWriteArrayList<>();
    /** Network policies refused for naming a group no directory had. */
    private final Set<String> waitingForGroup = ConcurrentHashMap.newKeySet();
    private volatile AttributeDictionary dictionary;

    PolicyDefinitions(NetworkPolicyEngine engine) {
        this.networkPolicies = new FactoryConfigurations<>("radmfa network policy files", new FactoryDefinitions<>("network policy", PolicyDefinition.TYPE,
                this::readNetworkPolicy).alsoKnown("condition.", "reply.").alsoKnown(PolicyDefinition.KEYS.toArray(
                        String[]::new)), (pid, policy, config) -> {
                    try {
                        engine.put(pid, policy, config.source());
                    } catch (IllegalArgumentException e) {
                        throw config.invalid(e.getMessage().startsWith("processing order") ? "order" : "name",
                                e.getMessage());
                    }
                }, engine::remove, LOG);
        this.connectionPolicies = new FactoryConfigurations<>("radmfa connection request policy files", new FactoryDefinitions<>("connection request policy",
                ConnectionPolicyDefinition.TYPE, ConnectionPolicyDefinition::parse).alsoKnown("condition.",
                        "rewrite.").alsoKnown(ConnectionPolicyDefinition.KEYS.toArray(String[]::new)), (pid, policy, config) -> {
                            try {
                                engine.put(pid, policy, config.source());
                            } catch (IllegalArgumentException e) {
                                throw config.invalid(e.getMessage().startsWith("processing order") ? "order"
                                        : "name", e.getMessage());
                            }
                        }, engine::remove, LOG);
    }

    FactoryConfigurations<NetworkPolicy> networkPolicies() {
        return networkPolicies;
    }

    FactoryConfigurations<ConnectionRequestPolicy> connectionPolicies() {
        return connectionPolicies;
    }

    /** Network policies are read again with their reply attributes checked against the new dictionary. */
    void dictionary(AttributeDictionary bound) {
        dictionary = bound;
        if (bound != null) {
            networkPolicies.readAgain();
        }
    }

    void dictionaryGone(AttributeDictionary unbound) {
        if (dictionary == unbound) {
            dictionary = null;
        }
    }

    void directoryAdded(UserDirectory directory) {
        directories.add(directory);
        groupsChanged();
    }

    void directoryRemoved(UserDirectory directory) {
        directories.remove(directory);
    }

    /** A missing group may exist now. */
    void groupsChanged() {
        if (!waitingForGroup.isEmpty()) {
            networkPolicies.readAgain(Set.copyOf(waitingForGroup));
        }
    }

    private NetworkPolicy readNetworkPolicy(ConfigReader config) throws InvalidConfigurationException {
        String pid = config.string("service.pid", "");
        waitingForGroup.remove(pid);
        NetworkPolicy policy = PolicyDefinition.parse(config);
        List<String> unchecked = List.of();
        // A disabled policy never matches, so a group no directory has opens no hole: refusing it would keep its
        // last enabled version serving (an NPS import disabling a policy for a SID it could not resolve). Its groups
        // are checked when it is enabled.
        if (policy.enabled()) {
            try {
                unchecked = GroupCheck.check(config, List.copyOf(directories));
            } catch (InvalidConfigurationException e) {
                waitingForGroup.add(pid);
                throw e;
            }
        }
        PolicyDefinition.checkReplies(policy, dictionary, config);
        if (!unchecked.isEmpty()) {
            LOG.warn("{}: groups {} could not be checked now (a directory did not answer); the policy is loaded",
                    config.source(), unchecked);
        }
        return policy;
    }
}
