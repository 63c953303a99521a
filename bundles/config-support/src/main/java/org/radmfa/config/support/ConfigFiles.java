package org.radmfa.config.support;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.apache.felix.utils.properties.TypedProperties;

/**
 * The {@code etc/*.cfg} file behind a configuration, written the way FileInstall can never misread: whole, next to
 * the file, then moved into place. Its comments, the order of its keys and a value written with a {@code ${...}}
 * placeholder stay as long as what they say is unchanged.
 */
public final class ConfigFiles {
    /** Set by ConfigurationAdmin or FileInstall, never written to the file (as FileInstall's own write-back). */
    private static final Set<String> NOT_IN_FILE = Set.of("service.pid", "service.factoryPid",
            "felix.fileinstall.filename");
    /** Reads of a file found empty, {@value #SETTLE_PAUSE_MILLIS} ms apart, before it is taken as it is. */
    private static final int SETTLE_ATTEMPTS = 40;
    private static final long SETTLE_PAUSE_MILLIS = 25;

    private ConfigFiles() {
    }

    /**
     * Makes {@code file} hold {@code properties}: keys it no longer has are removed, changed and new ones written, the
     * rest left as they stand. Nothing is written when the file already says the same.
     *
     * @param variables what a {@code ${name}} placeholder in the file stands for, as FileInstall substituted it when
     *     it read the file; null for the JVM's system properties and environment
     * @return whether the file was written
     */
    public static boolean write(File file, Map<String, ?> properties, UnaryOperator<String> variables)
            throws IOException {
        TypedProperties content = loadSettled(file, !properties.isEmpty(), variables);
        if (holds(content, properties)) {
            return false;
        }
        for (String key : new HashSet<>(content.keySet())) {
            if (!properties.containsKey(key) && !NOT_IN_FILE.contains(key)) {
                content.remove(key);
            }
        }
        properties.forEach((key, value) -> {
            if (!NOT_IN_FILE.contains(key) && !sameValue(content.get(key), value)) {
                content.put(key, value);
            }
        });
        replace(file, content);
        return true;
    }

    /**
     * What the file says, read as FileInstall reads it: typed values, placeholders substituted.
     *
     * @param variables as for {@link #write}
     */
    public static Map<String, Object> read(File file, UnaryOperator<String> variables) throws IOException {
        return new HashMap<>(loadSettled(file, false, variables));
    }

    /** Whether {@code content}, as {@link #read}, holds exactly {@code properties}, framework keys aside. */
    public static boolean holds(Map<String, Object> content, Map<String, ?> properties) {
        for (String key : content.keySet()) {
            if (!NOT_IN_FILE.contains(key) && !properties.containsKey(key)) {
                return false;
            }
        }
        for (Map.Entry<String, ?> entry : properties.entrySet()) {
            if (!NOT_IN_FILE.contains(entry.getKey()) && !sameValue(content.get(entry.getKey()), entry.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The file as it stands. A writer that rewrites a file in place (FileInstall's own write-back, where it is on)
     * truncates it first, so a read at that moment sees it empty; writing that back would lose the comments. An empty
     * file where properties are expected is read again, for at most a second.
     */
    private static TypedProperties loadSettled(File file, boolean expectContent, UnaryOperator<String> variables)
            throws IOException {
        for (int attempt = 1;; attempt++) {
            TypedProperties content = variables == null ? new TypedProperties()
                    : new TypedProperties((name, key, value) -> variables.apply(value));
            if (file.isFile()) {
                content.load(file);
            }
            if (!content.isEmpty() || !expectContent || !file.isFile() || attempt == SETTLE_ATTEMPTS) {
                return content;
            }
            try {
                Thread.sleep(SETTLE_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while " + file + " was being written", e);
            }
        }
    }

    /**
     * Written whole beside the file, then moved over it. The temporary file's name is this write's own: two writers of
     * one file (an admin service and the write-back of the configuration it changed) each move their own, whole,
     * where one shared name let one move the other's away (NoSuchFileException). ".tmp" is outside FileInstall's
     * filter (*.cfg, *.config, *.json).
     */
    private static void replace(File file, TypedProperties content) throws IOException {
        // Not Files.createTempFile: its owner-only permissions would become the file's.
        Path temporary = file.getAbsoluteFile().toPath().resolveSibling("." + file.getName() + "."
                + java.util.UUID.randomUUID() + ".tmp");
        try {
            content.save(temporary.toFile());
            try {
                Files.move(temporary, file.toPath(), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file.toPath(), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static boolean sameValue(Object inFile, Object given) {
        if (inFile != null && inFile.getClass().isArray() && given != null && given.getClass().isArray()) {
            return Arrays.deepEquals(boxed(inFile), boxed(given));
        }
        return Objects.equals(inFile, given);
    }

    private static Object[] boxed(Object array) {
        Object[] boxed = new Object[Array.getLength(array)];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = Array.get(array, i);
        }
        return boxed;
    }
}
