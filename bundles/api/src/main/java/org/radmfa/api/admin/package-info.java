/**
 * Changing the appliance's definitions at run time: RADIUS clients, local users, network policies, connection
 * request policies and the servers of remote RADIUS server groups. Each change is made the way an edited
 * {@code etc/<factoryPid>-<name>.cfg} file is: it becomes a ConfigurationAdmin factory configuration, written to
 * that file, so that it survives restarts and the file stays
 * the single source of truth. A definition that does not validate is refused with the key and the reason
 * ({@link org.radmfa.api.admin.InvalidDefinitionException}) before anything is written.
 *
 * <p>Shared secrets and passwords go in through dedicated methods and never come back out: a client shows the
 * fingerprint of its secret, a user only whether credentials for each method are stored.
 *
 * <p>The bundle that owns a factory configuration may register a {@link org.radmfa.api.admin.DefinitionValidator}
 * for it, so that a definition is checked by the same code that will read it.
 *
 * <p>{@link org.radmfa.api.admin.ConfigurationCheck} (since 1.2) lists what in the stored definitions will bite in
 * production, each finding with its fix.
 */
@Export
@Version("1.3.0")
package org.radmfa.api.admin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
