package org.radmfa.npsimport.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * One element of the export as read: tag, the {@code name} and {@code dt:dt} attributes NPS writes, text content
 * and child elements. Immutable.
 *
 * @param at where it is, for messages; its text is built only when asked for
 */
record XmlElement(String tag, String name, String dataType, String text, List<XmlElement> children, Where at) {

    XmlElement {
        children = List.copyOf(children);
    }

    /**
     * Where an element is: its tag and line, and its parent's {@code Where}, shared by all its children (so an
     * element costs a few bytes, however deep it is and however long its ancestors' tags are).
     *
     * @param parent null for the root
     * @param line -1 when not known
     * @param length the characters of {@link #path()}
     */
    record Where(Where parent, String tag, int line, int length) {

        static Where root(String tag, int line) {
            return new Where(null, tag, line, tag.length());
        }

        Where child(String childTag, int childLine) {
            return new Where(this, childTag, childLine, length + 1 + childTag.length());
        }

        /** {@code Root/Children/.../Clients/Children/gw} */
        String path() {
            Deque<String> tags = new ArrayDeque<>();
            for (Where w = this; w != null; w = w.parent) {
                tags.push(w.tag);
            }
            return String.join("/", tags);
        }

        /** {@code Root/Children/.../Clients/Children/gw (line 42)} */
        @Override
        public String toString() {
            return path() + " (line " + line + ")";
        }
    }

    /** Where it is, for messages: {@code Root/Children/.../Clients/Children/gw (line 42)}. */
    String path() {
        return at.toString();
    }

    /** The first child with this tag. */
    Optional<XmlElement> child(String childTag) {
        return children.stream().filter(c -> c.tag.equals(childTag)).findFirst();
    }

    /** The name NPS shows: the {@code name} attribute, else the tag. */
    String displayName() {
        return name != null ? name : tag;
    }
}
