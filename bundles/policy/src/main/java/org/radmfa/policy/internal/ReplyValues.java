package org.radmfa.policy.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * A network policy's reply attributes from its {@code reply.*} keys. An attribute that a NAS takes several times
 * (Filter-Id, Class, Cisco-AVPair, Reply-Message) has one key per value: {@code reply.Filter-Id} is its first value,
 * {@code reply.Filter-Id.2}, {@code reply.Filter-Id.3}, ... the next ones, sent in that order (RFC 2865 section 5:
 * the order of attributes of the same type is kept). Numbers may leave gaps, so that a value can be removed without
 * renumbering the others. A value is never split on commas: a Cisco-AVPair may hold one.
 */
final class ReplyValues {
    private static final Pattern KEY = Pattern.compile("([A-Za-z][A-Za-z0-9-]*)(?:\\.([0-9]{1,4}))?");

    private ReplyValues() {
    }

    static List<ReplyAttribute> parse(ConfigReader config) throws InvalidConfigurationException {
        // Attribute (in the order first seen) -> position -> value.
        Map<String, TreeMap<Integer, String>> byAttribute = new LinkedHashMap<>();
        Map<String, String> canonical = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : config.withPrefix("reply.").entrySet()) {
            Matcher key = KEY.matcher(entry.getKey());
            if (!key.matches()) {
                throw config.invalid("reply." + entry.getKey(), "'" + entry.getKey() + "' is not an attribute"
                        + " name, or an attribute name followed by .2, .3, ... for its further values");
            }
            String attribute = key.group(1);
            int position = key.group(2) == null ? 1 : Integer.parseInt(key.group(2));
            if (position < 1) {
                throw config.invalid("reply." + entry.getKey(), "values are numbered from 2 (the first is reply."
                        + attribute + ")");
            }
            String lower = attribute.toLowerCase(java.util.Locale.ROOT);
            String first = canonical.putIfAbsent(lower, attribute);
            TreeMap<Integer, String> values = byAttribute.computeIfAbsent(lower, k -> new TreeMap<>());
            if (values.put(position, entry.getValue()) != null) {
                throw config.invalid("reply." + entry.getKey(), "is value " + position + " of " + attribute
                        + " a second time (reply." + (first == null ? attribute : first) + " is value 1)");
            }
        }
        List<ReplyAttribute> reply = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Integer, String>> attribute : byAttribute.entrySet()) {
            String name = canonical.get(attribute.getKey());
            attribute.getValue().values().forEach(value -> reply.add(new ReplyAttribute(name, value)));
        }
        return reply;
    }
}
