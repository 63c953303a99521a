package org.radmfa.api;

/**
 * An attribute to return in an Access-Accept or Access-Challenge, named as in the dictionary.
 *
 * @param name a dictionary name such as "Session-Timeout", "Class" or "MS-Primary-DNS-Server"
 * @param value its value in dictionary notation
 */
public record ReplyAttribute(String name, String value) {

    @Override
    public String toString() {
        return name + "=" + value;
    }
}
