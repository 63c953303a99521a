/**
 * The audit trail as an operator searches it: every decision the appliance wrote to its audit files, found by user,
 * RADIUS client, correlation id, outcome or reason and time range, newest first, and one decision opened whole with
 * its trace. {@link org.radmfa.api.audit.AuditSearch} is offered by the sink that writes the trail (the audit file);
 * the in-memory {@link org.radmfa.api.DecisionLog} keeps only the last few hundred.
 */
@Export
@Version("1.0.0")
package org.radmfa.api.audit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
