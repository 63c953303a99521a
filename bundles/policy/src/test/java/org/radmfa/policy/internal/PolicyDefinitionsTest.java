package org.radmfa.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.UserDirectory;
import org.radmfa.api.config.Refusal;

/** The policy files as ConfigurationAdmin hands them to the engine's factories. */
class PolicyDefinitionsTest {
    private final NetworkPolicyEngine engine = new NetworkPolicyEngine();
    private final PolicyDefinitions definitions = engine.definitions();

    /** A directory whose groups can change. */
    private record Directory(Set<String> groups) implements UserDirectory {
        @Override
        public String name() {
            return "local";
        }

        @Override
        public CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public GroupLookup findGroup(String group) {
            return groups.contains(group) ? GroupLookup.FOUND : GroupLookup.NOT_FOUND;
        }
    }

    private static Hashtable<String, Object> file(String factoryPid, String name, String... keysAndValues) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("service.pid", factoryPid + "~" + name);
        properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/" + factoryPid + "-" + name + ".cfg");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    private List<Refusal> networkRefusals() {
        return definitions.networkPolicies().definitions().refusals();
    }

    @Test
    void aPolicyNamingAMissingGroupIsLoadedAsSoonAsTheGroupExists() {
        Directory directory = new Directory(new HashSet<>());
        engine.bindDirectory(directory);
        definitions.networkPolicies().updated("org.radmfa.policy~vpn", file("org.radmfa.policy", "vpn", "name", "VPN",
                "order", "10", "access", "grant", "condition.userGroups", "vpn-users"));
        Refusal refusal = networkRefusals().get(0);
        assertEquals("etc/org.radmfa.policy-vpn.cfg", refusal.source());
        assertEquals("condition.userGroups", refusal.key());
        assertTrue(refusal.reason().startsWith("group 'vpn-users' exists in no directory"), refusal.reason());
        assertTrue(engine.policies().isEmpty());

        directory.groups().add("vpn-users");
        engine.groupsChanged(directory);
        assertEquals(List.of(), networkRefusals());
        assertEquals("VPN", engine.policies().get(0).name());
    }

    @Test
    void aPolicyDisabledForAGroupNoDirectoryHasReplacesItsEnabledVersion() {
        engine.bindDirectory(new Directory(new HashSet<>(Set.of("vpn-users"))));
        definitions.networkPolicies().updated("org.radmfa.policy~vpn", file("org.radmfa.policy", "vpn", "name", "VPN",
                "order", "10", "access", "grant", "condition.userGroups", "vpn-users"));
        assertTrue(engine.policies().get(0).enabled());
        // What an NPS import writes for a policy whose group SID it could not resolve.
        definitions.networkPolicies().updated("org.radmfa.policy~vpn", file("org.radmfa.policy", "vpn", "name", "VPN",
                "order", "10", "access", "grant", "enabled", "false",
                "condition.userGroups", "S-1-5-21-1-2-3-1105"));
        assertEquals(List.of(), networkRefusals());
        assertFalse(engine.policies().get(0).enabled(), "the disabled version serves, not the last enabled one");

        definitions.networkPolicies().updated("org.radmfa.policy~vpn", file("org.radmfa.policy", "vpn", "name", "VPN",
                "order", "10", "access", "grant", "condition.userGroups", "S-1-5-21-1-2-3-1105"));
        assertEquals("condition.userGroups", networkRefusals().get(0).key(), "enabled, its groups are checked");
        assertFalse(engine.policies().get(0).enabled());
    }

    @Test
    void aClashingOrderIsRefusedAndTheLastGoodVersionKeepsServing() {
        definitions.networkPolicies().updated("org.radmfa.policy~a", file("org.radmfa.policy", "a", "name", "A",
                "order", "5"));
        definitions.networkPolicies().updated("org.radmfa.policy~b", file("org.radmfa.policy", "b", "name", "B",
                "order", "6"));
        definitions.networkPolicies().updated("org.radmfa.policy~b", file("org.radmfa.policy", "b", "name", "B",
                "order", "5"));
        Refusal refusal = networkRefusals().get(0);
        assertEquals("order", refusal.key());
        assertTrue(refusal.lastGoodServing());
        assertEquals(List.of(5, 6), engine.policies().stream().map(p -> p.order()).toList());

        definitions.networkPolicies().deleted("org.radmfa.policy~a");
        assertEquals(List.of(6), engine.policies().stream().map(p -> p.order()).toList());
    }

    @Test
    void connectionRequestPoliciesAreReadAndRefusedTheSameWay() {
        definitions.connectionPolicies().updated("org.radmfa.crp~all", file("org.radmfa.crp", "all", "name", "All",
                "order", "1"));
        definitions.connectionPolicies().updated("org.radmfa.crp~all", file("org.radmfa.crp", "all", "name", "All",
                "order", "1", "action", "forward"));
        Refusal refusal = definitions.connectionPolicies().definitions().refusals().get(0);
        assertEquals("etc/org.radmfa.crp-all.cfg", refusal.source());
        assertEquals("serverGroup", refusal.key());
        assertEquals("is required when action is forward", refusal.reason());
        assertFalse(definitions.connectionPolicies().definitions().definitions().isEmpty());
        assertEquals("All", definitions.connectionPolicies().definitions().definitions().get("org.radmfa.crp~all")
                .name());
    }
}
