package org.radmfa.api.admin;

import java.io.InputStream;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Imports a Windows NPS configuration export ({@code netsh nps export ... exportPSK=YES}): its RADIUS clients and
 * policies become ordinary definitions, stored through {@link ClientAdmin} and {@link PolicyAdmin}, and a report
 * says for every object what was imported, translated with another meaning, or dropped, and why. A file that
 * cannot be read, or an object the admin services refuse, refuses the whole import: nothing is written.
 *
 * @since 1.1
 */
@ProviderType
public interface NpsImport {

    /**
     * What an import did or would do.
     *
     * @param report the report, as printed by {@code radmfa:nps-import}; never holds a secret
     * @param refusal why nothing was written, or null when the import went (or, in a dry run, would go) through
     */
    record Result(String report, String refusal) {
    }

    /**
     * @param export the export's XML, read whole (files larger than an NPS export can be are refused)
     * @param source what to call the export in the report, e.g. the uploaded file's name
     * @param groupMap {@code SID = group name} lines for the groups NPS names by SID; may be empty
     * @param prefix put before every imported name; may be empty
     * @param dryRun report only, write nothing
     * @throws AdminException when storing failed half-way; the message says what was stored
     */
    Result run(InputStream export, String source, String groupMap, String prefix, boolean dryRun)
            throws AdminException;
}
