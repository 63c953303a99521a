package org.radmfa.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.UserDirectory;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;

class GroupCheckTest {

    /** A directory that knows some groups, or cannot tell at all (null). */
    private record Directory(String name, Set<String> groups) implements UserDirectory {
        @Override
        public CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public GroupLookup findGroup(String group) {
            return groups == null ? GroupLookup.CANNOT_TELL
                    : groups.contains(group) ? GroupLookup.FOUND : GroupLookup.NOT_FOUND;
        }
    }

    private static ConfigReader policy(String userGroups, String exemptGroups) {
        return new ConfigReader(Map.of("felix.fileinstall.filename", "file:/etc/org.radmfa.policy-p.cfg",
                "condition.userGroups", userGroups, "mfaExemptGroups", exemptGroups));
    }

    @Test
    void aGroupFoundInAnyDirectoryPasses() throws Exception {
        List<UserDirectory> directories = List.of(new Directory("local", Set.of("vpn-users")),
                new Directory("corp", Set.of("admins")));
        assertEquals(List.of(), GroupCheck.check(policy("vpn-users", "admins"), directories));
    }

    @Test
    void aGroupNoDirectoryHasIsRefusedWithTheKeyAndTheDirectories() {
        List<UserDirectory> directories = List.of(new Directory("local", Set.of("vpn-users")),
                new Directory("corp", Set.of("admins")));
        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                () -> GroupCheck.check(policy("vpn-users", "contractors"), directories));
        assertEquals("mfaExemptGroups", refused.key());
        assertTrue(refused.getMessage().contains("'contractors' exists in no directory (local, corp)"),
                refused.getMessage());
    }

    @Test
    void aDirectoryThatCannotTellLetsThePolicyLoadAndNamesTheGroup() throws Exception {
        List<UserDirectory> directories = List.of(new Directory("local", Set.of()), new Directory("corp", null));
        assertEquals(List.of("contractors"), GroupCheck.check(policy("contractors", ""), directories));
    }

    @Test
    void withoutDirectoriesNothingIsChecked() throws Exception {
        assertEquals(List.of(), GroupCheck.check(policy("anything", ""), List.of()));
    }
}
