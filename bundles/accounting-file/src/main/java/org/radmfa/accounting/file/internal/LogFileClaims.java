package org.radmfa.accounting.file.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

/**
 * Which sink writes which files. Two sinks (accounting or audit) given the same directory and the same kind of file
 * names would append to each other's files and rotate and delete them as their own, so a sink claims its directory
 * and names before it writes, and a second sink's claim on the same is refused: the first keeps writing. A service of
 * this bundle only (its package is private), so that every accounting and audit component sees the same claims.
 */
@Component(service = LogFileClaims.class)
public final class LogFileClaims {

    /** A directory, its real path where it exists, and the kind of names written there ({@link LogFileNaming#kind}). */
    record Key(Path directory, String names) {
        static Key of(Path directory, LogFileNaming naming) {
            Path path = directory.toAbsolutePath().normalize();
            try {
                path = path.toRealPath();
            } catch (IOException e) {
                // Not there (yet): the path as written; creating it will fail or make it.
            }
            return new Key(path, naming.kind());
        }
    }

    /** A sink's holds on one key: one per writer of the sink that writes there, released when that writer ends. */
    private static final class Holder {
        private final Object sink;
        private String description;
        private int holds;

        Holder(Object sink, String description) {
            this.sink = sink;
            this.description = description;
        }
    }

    private final Map<Key, Holder> holders = new HashMap<>();

    /**
     * Takes a hold on the key for the sink, once for each writer; the sink may hold it already.
     *
     * @param description names the sink in another sink's refusal ("accounting file 'nps' (etc/...cfg)")
     * @return the sink that holds the key already, if another one does: nothing is taken then
     */
    synchronized Optional<String> claim(Key key, Object sink, String description) {
        Holder holder = holders.get(key);
        if (holder != null && holder.sink != sink) {
            return Optional.of(holder.description);
        }
        if (holder == null) {
            holder = new Holder(sink, description);
            holders.put(key, holder);
        }
        holder.description = description;
        holder.holds++;
        return Optional.empty();
    }

    /** Gives back one hold the sink took on the key; the last one frees the key for other sinks. */
    synchronized void release(Key key, Object sink) {
        Holder holder = holders.get(key);
        if (holder != null && holder.sink == sink && --holder.holds <= 0) {
            holders.remove(key);
        }
    }
}
