package org.radmfa.webconsole.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpSession;

/**
 * Cross-site request forgery protection. The console authenticates with HTTP Basic, which a browser sends along with
 * any request to the console, also one a foreign page makes it send; so every change must carry a token that only a
 * page of this console could read: a random value kept in the user's session, echoed in a form field or a header.
 * A request whose Origin header names another site is refused as well.
 */
final class CsrfGuard {

    /** The form field carrying the token. */
    static final String FIELD = "csrfToken";
    /** The header carrying the token, for script requests. */
    static final String HEADER = "X-Radmfa-Csrf";

    private static final String SESSION_ATTRIBUTE = CsrfGuard.class.getName() + ".token";
    private static final int TOKEN_BYTES = 32;

    private final SecureRandom random = new SecureRandom();

    /** The session's token, created with the session if need be. */
    String tokenFor(HttpServletRequest request) {
        HttpSession session = request.getSession(true);
        synchronized (session) {
            Object token = session.getAttribute(SESSION_ATTRIBUTE);
            if (token instanceof String existing) {
                return existing;
            }
            byte[] bytes = new byte[TOKEN_BYTES];
            random.nextBytes(bytes);
            String created = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            session.setAttribute(SESSION_ATTRIBUTE, created);
            return created;
        }
    }

    /** Why the request must be refused, or null if it carries its session's token and comes from this origin. */
    String refusal(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin != null && !sameOrigin(origin, request)) {
            return "cross-origin request from " + origin;
        }
        HttpSession session = request.getSession(false);
        Object expected = session == null ? null : session.getAttribute(SESSION_ATTRIBUTE);
        if (!(expected instanceof String expectedToken)) {
            return "no CSRF token issued to this session: reload the page";
        }
        String given = request.getHeader(HEADER);
        if (given == null) {
            given = request.getParameter(FIELD);
        }
        if (given == null || given.isEmpty()) {
            return "missing CSRF token";
        }
        // Constant time: the comparison must not tell an attacker how much of a guess was right.
        if (!MessageDigest.isEqual(expectedToken.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII))) {
            return "wrong CSRF token";
        }
        return null;
    }

    private static boolean sameOrigin(String origin, HttpServletRequest request) {
        try {
            URI uri = new URI(origin);
            String host = request.getHeader("Host");
            String own = host != null ? host : request.getServerName() + ":" + request.getServerPort();
            String theirs = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return request.getScheme().equalsIgnoreCase(uri.getScheme()) && own.equalsIgnoreCase(theirs);
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
