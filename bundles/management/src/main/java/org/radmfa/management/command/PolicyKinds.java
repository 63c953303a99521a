package org.radmfa.management.command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.radmfa.api.admin.PolicyKind;

/** The {@code -k} option of the policy commands, and {@code key=value} arguments. */
final class PolicyKinds {
    private PolicyKinds() {
    }

    static PolicyKind parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "network", "np", "n" -> PolicyKind.NETWORK;
            case "crp", "connection", "connection-request", "c" -> PolicyKind.CONNECTION_REQUEST;
            default -> throw new IllegalArgumentException("kind '" + text + "' is neither network nor crp");
        };
    }

    static String describe(PolicyKind kind) {
        return kind == PolicyKind.NETWORK ? "network policy" : "connection request policy";
    }

    /** {@code key=value} arguments; the value may be empty, and may contain '='. */
    static Map<String, String> settings(List<String> arguments) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String argument : arguments) {
            int equals = argument.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("'" + argument + "' is not key=value");
            }
            settings.put(argument.substring(0, equals).trim(), argument.substring(equals + 1).trim());
        }
        return settings;
    }
}
