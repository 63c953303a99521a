package org.radmfa.policy.internal;

import java.util.ArrayList;
import java.util.List;

import org.radmfa.api.UserDirectory;
import org.radmfa.api.UserDirectory.GroupLookup;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * Refuses a policy that names a group no directory has: such a condition would silently never match, and a deny
 * policy that never matches is a hole. A group counts as existing when any directory finds it; a directory that
 * cannot tell (unreachable) lets the policy load, with a warning, rather than block it on a network fault.
 */
final class GroupCheck {
    private GroupCheck() {
    }

    /**
     * @return groups that could not be checked, for a warning; empty when every group was found or no directory is
     *     there to ask (the policy is then checked when one arrives only if it was refused)
     * @throws InvalidConfigurationException naming the key and the group when every directory says it has no such
     *     group
     */
    static List<String> check(ConfigReader config, List<UserDirectory> directories)
            throws InvalidConfigurationException {
        List<String> unchecked = new ArrayList<>();
        if (directories.isEmpty()) {
            return unchecked;
        }
        List<String> keys = new ArrayList<>(PolicyParser.userGroupKeys(config));
        keys.add("mfaExemptGroups");
        for (String key : keys) {
            for (String group : config.list(key)) {
                switch (lookup(directories, group)) {
                    case FOUND -> {
                    }
                    case CANNOT_TELL -> unchecked.add(group);
                    case NOT_FOUND -> throw config.invalid(key, "group '" + group + "' exists in no directory ("
                            + String.join(", ", directories.stream().map(UserDirectory::name).toList())
                            + "); the policy is loaded as soon as the group exists");
                }
            }
        }
        return unchecked;
    }

    static GroupLookup lookup(List<UserDirectory> directories, String group) {
        GroupLookup result = GroupLookup.NOT_FOUND;
        for (UserDirectory directory : directories) {
            GroupLookup answer = directory.findGroup(group);
            if (answer == GroupLookup.FOUND) {
                return GroupLookup.FOUND;
            }
            if (answer == GroupLookup.CANNOT_TELL) {
                result = GroupLookup.CANNOT_TELL;
            }
        }
        return result;
    }
}
