package org.radmfa.npsimport.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One NPS policy condition ({@code msNPConstraint}): a function and its quoted arguments, e.g.
 * {@code MATCH("NAS-Port-Type=^19$|^18$")} or {@code NTGROUPS("S-1-5-21-1-2-3-1105")}.
 *
 * @param function upper case, e.g. {@code MATCH}
 * @param arguments unquoted and unescaped
 * @param text the condition as written in the export, for the report
 */
record NpsCondition(String function, List<String> arguments, String text) {

    NpsCondition {
        arguments = List.copyOf(arguments);
    }

    /**
     * Parses one condition: {@code NAME ( [ "arg" { , "arg" } ] )}. Inside quotes, {@code \"} and {@code ""}
     * stand for a quote and every other character, backslashes of regular expressions included, stands for itself.
     *
     * @throws IllegalArgumentException naming the position and what was expected
     */
    static NpsCondition parse(String text) {
        return new Parser(text.trim()).condition();
    }

    private static final class Parser {
        private final String text;
        private int at;

        Parser(String text) {
            this.text = text;
        }

        NpsCondition condition() {
            int start = at;
            while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
                at++;
            }
            if (at == start) {
                throw error("a condition name such as MATCH");
            }
            String function = text.substring(start, at).toUpperCase(Locale.ROOT);
            skipSpace();
            expect('(');
            List<String> arguments = new ArrayList<>();
            skipSpace();
            if (peek() != ')') {
                arguments.add(argument());
                skipSpace();
                while (peek() == ',') {
                    at++;
                    skipSpace();
                    arguments.add(argument());
                    skipSpace();
                }
            }
            expect(')');
            skipSpace();
            if (at != text.length()) {
                throw error("the end of the condition");
            }
            return new NpsCondition(function, arguments, text);
        }

        private String argument() {
            if (peek() != '"') {
                // Numbers are written unquoted by some NPS versions.
                int start = at;
                while (at < text.length() && text.charAt(at) != ',' && text.charAt(at) != ')') {
                    at++;
                }
                String bare = text.substring(start, at).trim();
                if (bare.isEmpty()) {
                    throw error("a quoted argument");
                }
                return bare;
            }
            at++;
            StringBuilder value = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw error("a closing quote");
                }
                char c = text.charAt(at++);
                if (c == '\\' && peek() == '"') {
                    value.append('"');
                    at++;
                } else if (c == '"' && peek() == '"') {
                    value.append('"');
                    at++;
                } else if (c == '"') {
                    return value.toString();
                } else {
                    value.append(c);
                }
            }
        }

        private char peek() {
            return at < text.length() ? text.charAt(at) : '\0';
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("'" + c + "'");
            }
            at++;
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private IllegalArgumentException error(String expected) {
            String found = at < text.length() ? "'" + text.charAt(at) + "'" : "the end";
            return new IllegalArgumentException("condition '" + text + "': expected " + expected + " at position "
                    + (at + 1) + ", found " + found);
        }
    }
}
