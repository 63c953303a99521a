/**
 * Reading ConfigAdmin configurations strictly: a value that does not parse is refused with the file, the key and
 * the reason, so that each component can keep its last good configuration instead of guessing.
 */
@Export
@Version("1.3.0")
package org.radmfa.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
