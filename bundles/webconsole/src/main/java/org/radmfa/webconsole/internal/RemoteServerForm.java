package org.radmfa.webconsole.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.RemoteServerAdmin;
import org.radmfa.api.admin.RemoteServerEntry;
import org.radmfa.api.admin.RemoteServerSettings;

/**
 * The remote RADIUS server form's fields and a server's settings, both ways, and the change the form asks for. The
 * field names are the keys of the server's file, so that a refusal names the same key as in radmfa:proxy-add. An
 * empty number keeps the server's value (NPS's default for a new one); an empty secret keeps the stored one.
 */
final class RemoteServerForm {

    private RemoteServerForm() {
    }

    /**
     * The settings the form describes, on top of {@code base} (the stored server, or one with the defaults).
     *
     * @throws InvalidDefinitionException for a number field that is not a whole number, with its key
     */
    static RemoteServerSettings settings(Function<String, String> field, RemoteServerSettings base)
            throws InvalidDefinitionException {
        String address = trimmed(field.apply("address"));
        return new RemoteServerSettings(base.group(), base.name(), address == null ? base.address() : address,
                number(field, "authPort", base.authPort()), number(field, "acctPort", base.acctPort()),
                number(field, "priority", base.priority()), number(field, "weight", base.weight()),
                number(field, "timeoutSeconds", base.timeoutSeconds()),
                number(field, "maxLostRequests", base.maxLostRequests()),
                number(field, "blackoutSeconds", base.blackoutSeconds()), flag(field, "forwardAccounting"),
                flag(field, "sendMessageAuthenticator"), flag(field, "requireMessageAuthenticator"));
    }

    /** The form's field values for a stored server, what its Edit button fills in: never the secret. */
    static Map<String, String> fields(RemoteServerSettings server) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("group", server.group());
        fields.put("name", server.name());
        fields.put("address", server.address());
        fields.put("authPort", String.valueOf(server.authPort()));
        fields.put("acctPort", String.valueOf(server.acctPort()));
        fields.put("priority", String.valueOf(server.priority()));
        fields.put("weight", String.valueOf(server.weight()));
        fields.put("timeoutSeconds", String.valueOf(server.timeoutSeconds()));
        fields.put("maxLostRequests", String.valueOf(server.maxLostRequests()));
        fields.put("blackoutSeconds", String.valueOf(server.blackoutSeconds()));
        fields.put("forwardAccounting", String.valueOf(server.forwardAccounting()));
        fields.put("sendMessageAuthenticator", String.valueOf(server.sendMessageAuthenticator()));
        fields.put("requireMessageAuthenticator", String.valueOf(server.requireMessageAuthenticator()));
        return fields;
    }

    /**
     * Adds, changes or removes the server the form names.
     *
     * @throws IllegalArgumentException for a form that cannot be understood
     * @throws AdminException for a change the admin service refused, with key and reason
     */
    static ChangeHandler.Done change(RemoteServerAdmin admin, Function<String, String> field)
            throws AdminException {
        String group = required(field, "group");
        String name = required(field, "name");
        String what = "Remote server '" + name + "' of group '" + group + "'";
        String action = required(field, "action");
        switch (action) {
            case "put" -> {
                Optional<RemoteServerEntry> existing = admin.server(group, name);
                RemoteServerSettings base = existing.map(RemoteServerEntry::settings)
                        .orElseGet(() -> RemoteServerSettings.withDefaults(group, name, ""));
                RemoteServerEntry saved = admin.put(settings(field, base), trimmed(field.apply("secret")));
                return new ChangeHandler.Done(what + (existing.isPresent() ? " changed" : " added")
                        + " (secret fingerprint " + saved.secretFingerprint() + ", " + saved.source() + ")",
                        "servers");
            }
            case "remove" -> {
                return new ChangeHandler.Done(admin.remove(group, name) ? what + " removed"
                        : "No remote server '" + name + "' in group '" + group + "'",
                        "servers");
            }
            default -> throw new IllegalArgumentException("unknown remote server action: " + action);
        }
    }

    private static int number(Function<String, String> field, String key, int absent)
            throws InvalidDefinitionException {
        String value = trimmed(field.apply(key));
        if (value == null) {
            return absent;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new InvalidDefinitionException(key, "not a whole number: " + value);
        }
    }

    private static boolean flag(Function<String, String> field, String key) {
        String value = trimmed(field.apply(key));
        return value != null && (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("on"));
    }

    private static String required(Function<String, String> field, String key) {
        String value = trimmed(field.apply(key));
        if (value == null) {
            throw new IllegalArgumentException("field '" + key + "' is required");
        }
        return value;
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
