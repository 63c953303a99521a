package org.radmfa.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told when the groups a {@link UserDirectory} knows have changed, so that a policy refused for naming a group that
 * did not exist yet is read again once it does (a policy and the first user of its group often arrive together).
 *
 * @since 1.5
 */
@ConsumerType
public interface DirectoryListener {

    void groupsChanged(UserDirectory directory);
}
