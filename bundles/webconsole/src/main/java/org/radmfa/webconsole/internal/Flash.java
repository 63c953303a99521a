package org.radmfa.webconsole.internal;

import java.io.Serializable;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpSession;

/** The outcome of a change, shown once on the page the browser is sent back to (post/redirect/get). */
record Flash(String message, boolean error) implements Serializable {

    private static final String ATTRIBUTE = Flash.class.getName();

    void keepFor(HttpServletRequest request) {
        request.getSession(true).setAttribute(ATTRIBUTE, this);
    }

    /** The message kept for this session, removed so that a reload does not show it again; null when none. */
    static Flash take(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return null;
        }
        Object flash = session.getAttribute(ATTRIBUTE);
        session.removeAttribute(ATTRIBUTE);
        return flash instanceof Flash f ? f : null;
    }
}
