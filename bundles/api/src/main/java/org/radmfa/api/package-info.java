/**
 * The appliance's public contract: the services its bundles offer each other and the immutable values that travel
 * between them. An Access-Request becomes an {@link org.radmfa.api.AuthenticationRequest}, walks through the
 * {@link org.radmfa.api.AccessRequestHandler} (directory, policy, MFA) and comes back as a
 * {@link org.radmfa.api.Decision} that always carries a {@link org.radmfa.api.ReasonCode}.
 */
@Export
@Version("1.13.0")
package org.radmfa.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
