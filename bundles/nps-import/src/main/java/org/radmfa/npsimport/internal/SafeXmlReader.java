package org.radmfa.npsimport.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads an XML file with the JDK's StAX parser into {@link XmlElement}s, refusing what a hostile file could use
 * against the appliance: any DTD (so no entity expansion and no external entities), nesting deeper than NPS ever
 * writes, element paths far longer than NPS's, oversized text nodes, too many elements and files too large to be an
 * NPS export. An element keeps no path of its own (only its tag and a link to its parent's place), so memory stays
 * within a small multiple of the file's size.
 */
final class SafeXmlReader {
    private static final String DATATYPES_NS = "urn:schemas-microsoft-com:datatypes";
    /** NPS exports are a few megabytes. */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
    /**
     * An NPS export's element paths are a few hundred characters ({@code Root/Children/.../Clients/Children/} and an
     * object's name); the limit keeps every message naming an element short.
     */
    static final int MAX_PATH_CHARS = 16 * 1024;

    private final long maxFileBytes;
    private final int maxDepth;
    private final int maxTextChars;
    private final int maxElements;
    private final int maxPathChars;

    /** NPS exports are a few megabytes and about 12 levels deep; these limits leave ample room. */
    SafeXmlReader() {
        this(MAX_FILE_BYTES, 64, 1024 * 1024, 2_000_000);
    }

    SafeXmlReader(long maxFileBytes, int maxDepth, int maxTextChars, int maxElements) {
        this(maxFileBytes, maxDepth, maxTextChars, maxElements, MAX_PATH_CHARS);
    }

    SafeXmlReader(long maxFileBytes, int maxDepth, int maxTextChars, int maxElements, int maxPathChars) {
        this.maxFileBytes = maxFileBytes;
        this.maxDepth = maxDepth;
        this.maxTextChars = maxTextChars;
        this.maxElements = maxElements;
        this.maxPathChars = maxPathChars;
    }

    XmlElement read(Path file) throws NpsFormatException, IOException {
        long size = Files.size(file);
        if (size > maxFileBytes) {
            throw new NpsFormatException("", "the file has " + size + " bytes, more than the " + maxFileBytes
                    + " an NPS export may have here");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    XmlElement read(InputStream in) throws NpsFormatException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setXMLResolver((publicId, systemId, base, ns) -> {
            throw new XMLStreamException("external resource " + systemId + " refused");
        });
        Deque<Builder> open = new ArrayDeque<>();
        XMLStreamReader reader = null;
        int elements = 0;
        XmlElement root = null;
        try {
            reader = factory.createXMLStreamReader(in);
            while (reader.hasNext()) {
                int event = reader.next();
                switch (event) {
                    case XMLStreamConstants.DTD -> throw refused(open, reader,
                            "a document type declaration (DTD) is refused: NPS exports have none, and a DTD can"
                                    + " declare entities that expand without bound or read other files");
                    case XMLStreamConstants.ENTITY_REFERENCE -> throw refused(open, reader,
                            "entity reference &" + reader.getLocalName() + "; refused: NPS exports use none");
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (++elements > maxElements) {
                            throw refused(open, reader, "more than " + maxElements + " elements");
                        }
                        if (open.size() >= maxDepth) {
                            throw refused(open, reader, "elements nested deeper than " + maxDepth
                                    + " levels; NPS exports are far shallower");
                        }
                        String tag = reader.getLocalName();
                        String name = reader.getAttributeValue(null, "name");
                        String type = reader.getAttributeValue(DATATYPES_NS, "dt");
                        int line = line(reader.getLocation());
                        XmlElement.Where at = open.isEmpty() ? XmlElement.Where.root(tag, line)
                                : open.peek().at.child(tag, line);
                        if (at.length() > maxPathChars) {
                            throw refused(open, reader, "an element path longer than " + maxPathChars
                                    + " characters (a tag of " + tag.length() + "); NPS's are far shorter");
                        }
                        open.push(new Builder(tag, name, type, at));
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        Builder current = open.peek();
                        if (current != null) {
                            if (current.text.length() + reader.getTextLength() > maxTextChars) {
                                throw refused(open, reader, "a text node longer than " + maxTextChars
                                        + " characters");
                            }
                            current.text.append(reader.getTextCharacters(), reader.getTextStart(),
                                    reader.getTextLength());
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        XmlElement done = open.pop().build();
                        if (open.isEmpty()) {
                            root = done;
                        } else {
                            open.peek().children.add(done);
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (XMLStreamException e) {
            String where = open.isEmpty() ? "" : open.peek().at.toString();
            String message = e.getMessage() == null ? e.toString() : e.getMessage().replaceAll("\\s+", " ").trim();
            throw new NpsFormatException(where, "not well-formed XML: " + message);
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException e) {
                    // Nothing was written; the stream itself is closed by the caller.
                }
            }
        }
        if (root == null) {
            throw new NpsFormatException("", "the file holds no XML element");
        }
        return root;
    }

    private static int line(Location location) {
        return location == null ? -1 : location.getLineNumber();
    }

    private static NpsFormatException refused(Deque<Builder> open, XMLStreamReader reader, String reason) {
        String where = open.isEmpty() ? "(prolog)" : open.peek().at.path();
        return new NpsFormatException(where + " (line " + line(reader.getLocation()) + ")", reason);
    }

    private static final class Builder {
        final String tag;
        final String name;
        final String type;
        final XmlElement.Where at;
        final StringBuilder text = new StringBuilder();
        final List<XmlElement> children = new ArrayList<>();

        Builder(String tag, String name, String type, XmlElement.Where at) {
            this.tag = tag;
            this.name = name;
            this.type = type;
            this.at = at;
        }

        XmlElement build() {
            return new XmlElement(tag, name, type, text.toString().trim(), children, at);
        }
    }
}
