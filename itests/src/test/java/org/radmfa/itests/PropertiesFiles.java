package org.radmfa.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Line-based edits of Karaf's .cfg/.properties files that keep their comments (java.util.Properties would not). */
final class PropertiesFiles {

    private PropertiesFiles() {
    }

    /** Sets {@code key = value}: replaces the first active line for the key, or appends one (creating the file). */
    static void put(Path file, String key, String value) throws IOException {
        List<String> lines = Files.exists(file)
                ? new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8)) : new ArrayList<>();
        Pattern keyLine = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:].*$");
        boolean replaced = false;
        for (int i = 0; i < lines.size() && !replaced; i++) {
            if (keyLine.matcher(lines.get(i)).matches()) {
                lines.set(i, key + " = " + value);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add(key + " = " + value);
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** The value of the first active {@code key = value} line, or null. */
    static String get(Path file, String key) throws IOException {
        Pattern keyLine = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:]\\s*(.*?)\\s*$");
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = keyLine.matcher(line);
            if (m.matches()) {
                return m.group(1);
            }
        }
        return null;
    }
}
