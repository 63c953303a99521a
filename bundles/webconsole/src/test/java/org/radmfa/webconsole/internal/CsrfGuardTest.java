package org.radmfa.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpSession;

import org.junit.jupiter.api.Test;

/** The guard's decisions; the real console and browser are exercised by WebConsoleIT. */
class CsrfGuardTest {

    private final CsrfGuard guard = new CsrfGuard();
    private final Map<String, Object> sessionAttributes = new HashMap<>();
    private final Map<String, String> headers = new HashMap<>();
    private final Map<String, String> parameters = new HashMap<>();
    private boolean sessionExists;

    @Test
    void theSessionsTokenInTheFormPasses() {
        String token = guard.tokenFor(request());
        assertEquals(token, guard.tokenFor(request()), "one token per session");
        parameters.put(CsrfGuard.FIELD, token);
        assertNull(guard.refusal(request()));
    }

    @Test
    void theSessionsTokenInTheHeaderPasses() {
        headers.put(CsrfGuard.HEADER, guard.tokenFor(request()));
        headers.put("Origin", "http://127.0.0.1:8181");
        assertNull(guard.refusal(request()));
    }

    @Test
    void aMissingOrWrongTokenIsRefused() {
        String token = guard.tokenFor(request());
        assertTrue(guard.refusal(request()).contains("missing"));
        parameters.put(CsrfGuard.FIELD, token.substring(1) + "x");
        assertTrue(guard.refusal(request()).contains("wrong"));
    }

    @Test
    void aSessionWithoutTokenIsRefused() {
        parameters.put(CsrfGuard.FIELD, "anything");
        assertTrue(guard.refusal(request()).contains("no CSRF token"));
    }

    @Test
    void anotherOriginIsRefusedEvenWithTheToken() {
        parameters.put(CsrfGuard.FIELD, guard.tokenFor(request()));
        headers.put("Origin", "http://evil.example");
        assertTrue(guard.refusal(request()).contains("cross-origin"));
        headers.put("Origin", "http://127.0.0.1:9999");
        assertTrue(guard.refusal(request()).contains("cross-origin"));
    }

    @Test
    void tokensDifferBetweenSessions() {
        String first = guard.tokenFor(request());
        sessionAttributes.clear();
        assertNotEquals(first, guard.tokenFor(request()));
        assertTrue(first.length() >= 43, "256 bits");
    }

    private HttpServletRequest request() {
        HttpSession session = (HttpSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getAttribute" -> sessionAttributes.get((String) args[0]);
                    case "setAttribute" -> sessionAttributes.put((String) args[0], args[1]);
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getSession" -> {
                        boolean create = args == null || (Boolean) args[0];
                        if (create) {
                            sessionExists = true;
                        }
                        yield sessionExists ? session : null;
                    }
                    case "getHeader" -> headers.get((String) args[0]);
                    case "getParameter" -> parameters.get((String) args[0]);
                    case "getScheme" -> "http";
                    case "getServerName" -> "127.0.0.1";
                    case "getServerPort" -> 8181;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
