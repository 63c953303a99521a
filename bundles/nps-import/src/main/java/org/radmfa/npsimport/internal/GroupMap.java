package org.radmfa.npsimport.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.radmfa.api.UserDirectory;

/**
 * Windows group SIDs to group names, as the directory knows them: the NPS export names groups only by SID. A file
 * of {@code SID = group name} lines; {@code #} starts a comment.
 */
public final class GroupMap {
    private static final Pattern SID = Pattern.compile("S-1-\\d+(-\\d+)+", Pattern.CASE_INSENSITIVE);

    /** How a SID was resolved: the group's name and who said so. */
    record Resolution(String name, String source) {
    }

    private final Map<String, String> names;
    private final List<UserDirectory> directories;
    private final Map<String, Optional<Resolution>> asked = new ConcurrentHashMap<>();

    private GroupMap(Map<String, String> names, List<UserDirectory> directories) {
        this.names = Map.copyOf(names);
        this.directories = List.copyOf(directories);
    }

    private GroupMap(Map<String, String> names) {
        this(names, List.of());
    }

    /**
     * The same map, asking these directories (AD by {@code objectSid}) for SIDs it does not hold. A directory that
     * does not answer leaves the SID unresolved.
     */
    public GroupMap withDirectories(List<UserDirectory> more) {
        return new GroupMap(names, more);
    }

    public static GroupMap empty() {
        return new GroupMap(Map.of());
    }

    /** @throws IllegalArgumentException naming the file, the line and what is wrong with it */
    public static GroupMap read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * @param source what to call the lines in messages (a file name)
     * @throws IllegalArgumentException naming the source, the line and what is wrong with it
     */
    public static GroupMap parse(List<String> lines, String source) {
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            String where = source + " line " + (i + 1) + ": ";
            if (equals < 0) {
                throw new IllegalArgumentException(where + "not 'SID = group name'");
            }
            String sid = line.substring(0, equals).strip();
            String name = line.substring(equals + 1).strip();
            if (!SID.matcher(sid).matches()) {
                throw new IllegalArgumentException(where + "'" + sid + "' is not a SID such as S-1-5-21-...-1105");
            }
            if (name.isEmpty() || name.contains(",")) {
                throw new IllegalArgumentException(where + "the group name must be given and hold no comma");
            }
            if (names.put(sid.toUpperCase(Locale.ROOT), name) != null) {
                throw new IllegalArgumentException(where + sid + " is mapped twice");
            }
        }
        return new GroupMap(names);
    }

    static GroupMap of(Map<String, String> names) {
        Map<String, String> upper = new HashMap<>();
        names.forEach((k, v) -> upper.put(k.toUpperCase(Locale.ROOT), v));
        return new GroupMap(upper);
    }

    Optional<String> name(String sid) {
        return resolve(sid).map(Resolution::name);
    }

    /** The map first (the operator's word), then each directory in turn; each SID asked once per import. */
    Optional<Resolution> resolve(String sid) {
        String key = sid.strip().toUpperCase(Locale.ROOT);
        String mapped = names.get(key);
        if (mapped != null) {
            return Optional.of(new Resolution(mapped, "the group map"));
        }
        return asked.computeIfAbsent(key, k -> {
            for (UserDirectory directory : directories) {
                Optional<String> name = directory.groupNameForSid(k);
                if (name.isPresent()) {
                    return Optional.of(new Resolution(name.get(), "directory " + directory.name()));
                }
            }
            return Optional.empty();
        });
    }
}
