package org.radmfa.itests;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * The README and the pages under docs/ link to each other; a renamed page or heading must fail the build, not a
 * reader. Each longer page keeps a contents list of its sections, checked here too. After adding or renaming a
 * section: {@code mvn -pl itests test -Dtest=DocumentationTest -Ddocs.updateContents=true}.
 */
public class DocumentationTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.+?)\\s*#*\\s*$");
    private static final String CONTENTS_START = "<!-- contents -->";
    private static final String CONTENTS_END = "<!-- /contents -->";
    /** Pages at least this long get a contents list. */
    private static final int LONG_PAGE_LINES = 60;

    @Test
    public void everyLinkBetweenThePagesLeadsToAFileAndHeadingThatExist() throws IOException {
        List<String> dead = new ArrayList<>();
        for (Path page : pages()) {
            int lineNumber = 0;
            for (String line : prose(page)) {
                lineNumber++;
                Matcher link = LINK.matcher(line);
                while (link.find()) {
                    String problem = deadLink(page, link.group(1));
                    if (problem != null) {
                        dead.add(ROOT.relativize(page) + ":" + lineNumber + ": " + link.group(1) + ": " + problem);
                    }
                }
            }
        }
        assertTrue("dead links:\n" + String.join("\n", dead), dead.isEmpty());
    }

    @Test
    public void everyLongPageHasAContentsListOfItsSections() throws IOException {
        boolean update = Boolean.getBoolean("docs.updateContents");
        List<String> stale = new ArrayList<>();
        for (Path page : pages()) {
            if (!page.startsWith(ROOT.resolve("docs"))) {
                continue;
            }
            String text = Files.readString(page, StandardCharsets.UTF_8);
            if (text.lines().count() < LONG_PAGE_LINES) {
                continue;
            }
            String expected = contents(page);
            int start = text.indexOf(CONTENTS_START);
            int end = text.indexOf(CONTENTS_END);
            String actual = start < 0 || end < start ? null
                    : text.substring(start + CONTENTS_START.length(), end).strip();
            if (expected.equals(actual)) {
                continue;
            }
            if (update) {
                Files.writeString(page, withContents(text, expected), StandardCharsets.UTF_8);
            } else {
                stale.add(ROOT.relativize(page) + (actual == null ? ": no contents list" : ": contents list is stale"));
            }
        }
        assertTrue("run: mvn -pl itests test -Dtest=DocumentationTest -Ddocs.updateContents=true\n"
                + String.join("\n", stale), stale.isEmpty());
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        for (String top : List.of("README.md", "CONTRIBUTING.md", "CHANGELOG.md")) {
            if (Files.exists(ROOT.resolve(top))) {
                pages.add(ROOT.resolve(top));
            }
        }
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    private static String deadLink(Path page, String target) throws IOException {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return null; // http:, https:, mailto: are not checked offline
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path linked = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!linked.startsWith(ROOT) || !Files.exists(linked)) {
            return "no such file";
        }
        if (anchor != null && linked.toString().endsWith(".md") && !anchors(linked).contains(anchor)) {
            return "no heading with anchor #" + anchor + " in " + ROOT.relativize(linked);
        }
        return null;
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
    static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(page)) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(2));
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
        }
        return anchors;
    }

    static String slug(String heading) {
        String text = heading.replaceAll("`", "").replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    private static String contents(Path page) throws IOException {
        StringBuilder list = new StringBuilder("Contents:\n");
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(page)) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(2));
                int count = seen.merge(slug, 1, Integer::sum);
                int level = heading.group(1).length();
                if (level == 2 || level == 3) {
                    list.append(level == 3 ? "  " : "").append("- [").append(heading.group(2).replace("[", "")
                            .replace("]", "")).append("](#").append(count == 1 ? slug : slug + "-" + (count - 1))
                            .append(")\n");
                }
            }
        }
        return list.toString().strip();
    }

    /** The page with its contents list replaced, or inserted after the title and its first paragraph. */
    private static String withContents(String text, String contents) {
        String block = CONTENTS_START + "\n" + contents + "\n" + CONTENTS_END;
        int start = text.indexOf(CONTENTS_START);
        int end = text.indexOf(CONTENTS_END);
        if (start >= 0 && end > start) {
            return text.substring(0, start) + block + text.substring(end + CONTENTS_END.length());
        }
        int section = text.indexOf("\n## ");
        int at = section < 0 ? text.length() : section + 1;
        return text.substring(0, at) + block + "\n\n" + text.substring(at);
    }

    /** The page's lines with fenced code blocks blanked, so that code is never taken for a link or a heading. */
    private static List<String> prose(Path page) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                lines.add("");
            } else {
                lines.add(fenced ? "" : line);
            }
        }
        return lines;
    }
}
