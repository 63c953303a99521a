package org.radmfa.npsimport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeXmlReaderTest {

    private static Path resource(String name) throws Exception {
        return Path.of(SafeXmlReaderTest.class.getResource("/nps/" + name).toURI());
    }

    @Test
    void entityExpansionIsRefusedQuickly() throws Exception {
        NpsFormatException e = assertThrows(NpsFormatException.class, () -> org.junit.jupiter.api.Assertions
                .assertTimeoutPreemptively(Duration.ofSeconds(60),
                        () -> new SafeXmlReader().read(resource("hostile-entity-expansion.xml"))));
        assertTrue(e.getMessage().contains("DTD"), e.getMessage());
    }

    @Test
    void externalEntitiesAreNeverRead() throws Exception {
        NpsFormatException e = assertThrows(NpsFormatException.class,
                () -> new SafeXmlReader().read(resource("hostile-external-entity.xml")));
        assertTrue(e.getMessage().contains("DTD"), e.getMessage());
        assertTrue(!e.getMessage().contains("root:"), "nothing of /etc/passwd in the message");
    }

    @Test
    void deepNestingIsRefusedWithTheElementPath() {
        String xml = "<Root>" + "<a>".repeat(200) + "</a>".repeat(200) + "</Root>";
        NpsFormatException e = assertThrows(NpsFormatException.class, () -> new SafeXmlReader()
                .read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.reason().contains("nested deeper than 64"), e.getMessage());
        assertTrue(e.element().startsWith("Root/a/a/a"), e.element());
    }

    @Test
    void longTagsNestedDeepAreRefusedBeforeTheirPathsFillTheHeap() {
        // 203 KB, within the size, depth and element limits: a path per element would hold 20,000 copies of a
        // 61,000-character path.
        String tag = "t".repeat(990);
        String xml = "<Root>" + ("<" + tag + ">").repeat(62) + "<a/>".repeat(20_000) + ("</" + tag + ">").repeat(62)
                + "</Root>";
        NpsFormatException e = assertThrows(NpsFormatException.class, () -> new SafeXmlReader()
                .read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.reason().contains("element path longer than 16384 characters"), e.getMessage());
        assertTrue(e.element().startsWith("Root/ttt"), e.getMessage());
        assertTrue(e.getMessage().length() < 17_000, "a message of bounded length");
    }

    @Test
    void siblingsShareTheirParentsPathInsteadOfCopyingIt() throws Exception {
        String xml = "<Root>\n<Children>\n<a/>\n<b/>\n</Children></Root>";
        XmlElement children = new SafeXmlReader().read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                .child("Children").orElseThrow();
        assertEquals("Root/Children/b (line 4)", children.children().get(1).path());
        assertSame(children.children().get(0).at().parent(), children.children().get(1).at().parent());
        assertSame(children.at(), children.children().get(0).at().parent());
    }

    @Test
    void aHugeTextNodeIsRefused() {
        String xml = "<Root><Children>" + "x".repeat(2 * 1024 * 1024) + "</Children></Root>";
        NpsFormatException e = assertThrows(NpsFormatException.class, () -> new SafeXmlReader()
                .read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.reason().contains("text node longer than"), e.getMessage());
        assertTrue(e.element().startsWith("Root/Children"), e.element());
    }

    @Test
    void aFileTooLargeIsRefusedBeforeParsing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.xml");
        Files.writeString(file, "<Root>" + " ".repeat(2000) + "</Root>");
        NpsFormatException e = assertThrows(NpsFormatException.class,
                () -> new SafeXmlReader(1000, 64, 1000, 1000).read(file));
        assertTrue(e.reason().contains("bytes"), e.getMessage());
    }

    @Test
    void malformedXmlNamesWhereReadingStopped() {
        String xml = "<Root>\n<Children>\n<Version>257</Versio>\n</Children></Root>";
        NpsFormatException e = assertThrows(NpsFormatException.class, () -> new SafeXmlReader()
                .read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().startsWith("element Root/Children/Version (line 3)"), e.getMessage());
        assertTrue(e.reason().startsWith("not well-formed XML"), e.getMessage());
    }

    @Test
    void readsNamesTypesAndText() throws Exception {
        XmlElement root = new SafeXmlReader().read(resource("nps-export-v257.xml"));
        XmlElement version = root.child("Children").orElseThrow().child("Version").orElseThrow();
        assertEquals("257", version.text());
        assertEquals("int", version.dataType());
        assertEquals("Version", version.name());
    }
}
