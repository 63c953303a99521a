package org.radmfa.api.admin;

/** A change that could not be made: the definition does not exist, or storing it failed. */
public class AdminException extends Exception {
    private static final long serialVersionUID = 1L;

    public AdminException(String message) {
        super(message);
    }

    public AdminException(String message, Throwable cause) {
        super(message, cause);
    }
}
