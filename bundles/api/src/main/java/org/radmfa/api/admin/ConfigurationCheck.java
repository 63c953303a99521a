package org.radmfa.api.admin;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Checks the appliance's configuration as it stands for the traps of the field (an MFA deadline the gateway does not
 * wait for, BlastRADIUS exposure, policies that can never match, short or demo secrets, a credential about to
 * expire), per RADIUS client and policy. Reads only; never returns a secret.
 *
 * @since 1.2
 */
@ProviderType
public interface ConfigurationCheck {

    /** Every finding, errors first. Empty when nothing was found. */
    List<CheckFinding> run() throws AdminException;
}
