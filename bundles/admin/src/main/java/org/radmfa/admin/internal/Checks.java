package org.radmfa.admin.internal;

import org.radmfa.api.admin.InvalidDefinitionException;

/** What every definition must satisfy before its owning bundle's validator is asked. */
final class Checks {
    private Checks() {
    }

    static String name(String name) throws InvalidDefinitionException {
        String trimmed = required("name", name);
        if (trimmed.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidDefinitionException("name", "must not contain control characters");
        }
        return trimmed;
    }

    static String required(String key, String value) throws InvalidDefinitionException {
        if (value == null || value.isBlank()) {
            throw new InvalidDefinitionException(key, "is required and must not be empty");
        }
        return value.trim();
    }

    /** A shared secret or password: not empty, no line breaks (a file holds it on one line). */
    static String secret(String value) throws InvalidDefinitionException {
        credential("secret", value);
        if (!value.equals(value.trim())) {
            throw new InvalidDefinitionException("secret",
                    "must not begin or end with white space (the file would not keep it)");
        }
        return value;
    }

    static String credential(String key, String value) throws InvalidDefinitionException {
        if (value == null || value.isEmpty()) {
            throw new InvalidDefinitionException(key, "must not be empty");
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new InvalidDefinitionException(key, "must not contain line breaks");
        }
        return value;
    }

    static int intOrZero(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
