/**
 * EAP methods (RFC 3748) as services: the transport reassembles the EAP packet of an Access-Request (RFC 3579) and
 * hands it, with the State it echoes, to the {@link org.radmfa.api.eap.EapMethod} that owns the conversation; the
 * method answers with the next EAP packet (an Access-Challenge) or a final decision carrying the keys.
 */
@Export
@Version("1.0.0")
package org.radmfa.api.eap;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
