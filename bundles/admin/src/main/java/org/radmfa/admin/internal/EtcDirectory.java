package org.radmfa.admin.internal;

import java.nio.file.Files;
import java.nio.file.Path;

import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where FileInstall reads configuration files: Karaf's {@code karaf.etc}. */
final class EtcDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(EtcDirectory.class);

    private EtcDirectory() {
    }

    /** The directory, or null (with a warning) when there is none: changes then live in ConfigurationAdmin only. */
    static Path of(BundleContext context, String kind) {
        String etc = context.getProperty("karaf.etc");
        if (etc == null || !Files.isDirectory(Path.of(etc))) {
            LOG.warn("No karaf.etc directory ({}): {} changes are kept by ConfigurationAdmin only, not in etc/ files",
                    etc, kind);
            return null;
        }
        return Path.of(etc).toAbsolutePath();
    }
}
