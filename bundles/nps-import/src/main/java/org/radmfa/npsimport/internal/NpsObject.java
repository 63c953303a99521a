package org.radmfa.npsimport.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One NPS object of the export: an element whose {@code name} attribute is the object's real name, with its
 * {@code Properties} (typed values, some repeated, such as {@code msNPConstraint}) and its {@code Children}.
 */
final class NpsObject {
    private final XmlElement element;
    private final Map<String, List<XmlElement>> properties = new LinkedHashMap<>();
    private final List<NpsObject> children = new ArrayList<>();

    NpsObject(XmlElement element) {
        this.element = element;
        element.child("Properties").ifPresent(p -> p.children().forEach(
                value -> properties.computeIfAbsent(value.tag(), k -> new ArrayList<>()).add(value)));
        element.child("Children").ifPresent(c -> c.children().forEach(child -> children.add(new NpsObject(child))));
    }

    String name() {
        return element.displayName();
    }

    String path() {
        return element.path();
    }

    List<NpsObject> children() {
        return Collections.unmodifiableList(children);
    }

    Optional<NpsObject> child(String tag) {
        return children.stream().filter(c -> c.element.tag().equals(tag)).findFirst();
    }

    /** Follows child tags: {@code find("Protocols", "Microsoft_Radius_Protocol", "Clients")}. */
    Optional<NpsObject> find(String... tags) {
        Optional<NpsObject> current = Optional.of(this);
        for (String tag : tags) {
            current = current.flatMap(o -> o.child(tag));
        }
        return current;
    }

    boolean has(String property) {
        return properties.containsKey(property);
    }

    /** Every property of this object by tag, in file order. */
    Map<String, List<XmlElement>> properties() {
        return Collections.unmodifiableMap(properties);
    }

    /** The property's texts, in file order (empty when absent). */
    List<String> strings(String property) {
        return properties.getOrDefault(property, List.of()).stream().map(XmlElement::text).toList();
    }

    Optional<String> string(String property) {
        List<String> values = strings(property);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** An {@code int} property; a value that is not a number refuses the file. */
    Optional<Long> number(String property) throws NpsFormatException {
        List<XmlElement> values = properties.getOrDefault(property, List.of());
        return values.isEmpty() ? Optional.empty() : Optional.of(number(values.get(0)));
    }

    List<Long> numbers(String property) throws NpsFormatException {
        List<Long> result = new ArrayList<>();
        for (XmlElement value : properties.getOrDefault(property, List.of())) {
            result.add(number(value));
        }
        return result;
    }

    /** A {@code boolean} property ({@code 1}/{@code 0}, also {@code true}/{@code false}). */
    Optional<Boolean> bool(String property) throws NpsFormatException {
        List<XmlElement> values = properties.getOrDefault(property, List.of());
        if (values.isEmpty()) {
            return Optional.empty();
        }
        XmlElement value = values.get(0);
        return switch (value.text().toLowerCase(Locale.ROOT)) {
            case "1", "true", "-1" -> Optional.of(true);
            case "0", "false" -> Optional.of(false);
            default -> throw new NpsFormatException(value.path(), "'" + value.text() + "' is not a boolean (1 or 0)");
        };
    }

    private static long number(XmlElement value) throws NpsFormatException {
        try {
            return Long.parseLong(value.text().trim());
        } catch (NumberFormatException e) {
            throw new NpsFormatException(value.path(), "'" + value.text() + "' is not a number");
        }
    }
}
