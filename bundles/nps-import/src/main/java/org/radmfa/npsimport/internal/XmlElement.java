package org.radmfa.npsimport.internal;

import java.util.List;
import java.util.Optional;

/**
 * One element of the export as read: tag, the {@code name} and {@code dt:dt} attributes NPS writes, text content
 * and child elements. Immutable.
 *
 * @param path where it is, for messages: {@code Root/Children/.../Clients/Children/gw (line 42)}
 */
record XmlElement(String tag, String name, String dataType, String text, List<XmlElement> children, String path) {

    XmlElement {
        children = List.copyOf(children);
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
