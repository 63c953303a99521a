package org.radmfa.npsimport.internal;

/**
 * A file that cannot be read as an NPS export: refused whole, naming the element where reading stopped and why.
 * Nothing is written when it is thrown.
 */
public final class NpsFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String element;
    private final String reason;

    public NpsFormatException(String element, String reason) {
        super(element.isEmpty() ? reason : "element " + element + ": " + reason);
        this.element = element;
        this.reason = reason;
    }

    /** The path of the element at fault ({@code Root/Children/...}), with its line when known; may be empty. */
    public String element() {
        return element;
    }

    public String reason() {
        return reason;
    }
}
