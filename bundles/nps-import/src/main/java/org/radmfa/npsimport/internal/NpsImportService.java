package org.radmfa.npsimport.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.radmfa.api.UserDirectory;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.NpsImport;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.RemoteServerAdmin;

/**
 * The import as a service, for the web console's upload: the upload is copied to a private temporary file (at most
 * what the reader accepts) and imported as {@code radmfa:nps-import} imports a file.
 */
@Component(service = NpsImport.class)
public final class NpsImportService implements NpsImport {
    private static final long MAX_BYTES = SafeXmlReader.MAX_FILE_BYTES;

    private final NpsImporter importer;

    /** Asked for the names of group SIDs the group map does not hold (AD by objectSid). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<UserDirectory> directories = List.of();

    @Activate
    public NpsImportService(@Reference ClientAdmin clients, @Reference PolicyAdmin policies,
            @Reference RemoteServerAdmin servers) {
        this.importer = new NpsImporter(clients, policies, servers);
    }

    @Override
    public Result run(InputStream export, String source, String groupMap, String prefix, boolean dryRun)
            throws AdminException {
        GroupMap groups;
        try {
            groups = (groupMap == null || groupMap.isBlank() ? GroupMap.empty()
                    : GroupMap.parse(groupMap.lines().toList(), "group map")).withDirectories(directories);
        } catch (IllegalArgumentException e) {
            return new Result("Refused, nothing was written: " + e.getMessage() + "\n", e.getMessage());
        }
        Path copy = null;
        try {
            copy = Files.createTempFile("nps-import-", ".xml");
            if (!copyAtMost(export, copy)) {
                String reason = "the upload has more than " + MAX_BYTES + " bytes, more than an NPS export may have";
                return new Result("Refused " + source + ", nothing was written: " + reason + "\n", reason);
            }
            ImportReport report = importer.run(copy, source, new NpsImporter.Options(groups,
                    prefix == null ? "" : prefix.strip(), dryRun));
            return new Result(report.render(), report.refusal());
        } catch (NpsFormatException e) {
            return new Result("Refused " + source + ", nothing was written: " + e.getMessage() + "\n",
                    e.getMessage());
        } catch (IOException e) {
            throw new AdminException("cannot read the upload: " + e.getMessage(), e);
        } finally {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    // A temporary file left behind holds what was uploaded; the system cleans its temp directory.
                }
            }
        }
    }

    /** @return false when the stream is longer than the limit */
    private static boolean copyAtMost(InputStream in, Path target) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            int read;
            while ((read = in.read(buffer)) != -1) {
                total += read;
                if (total > MAX_BYTES) {
                    return false;
                }
                out.write(buffer, 0, read);
            }
        }
        return true;
    }
}
