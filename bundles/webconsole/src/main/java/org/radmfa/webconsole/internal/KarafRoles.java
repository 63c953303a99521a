package org.radmfa.webconsole.internal;

import java.security.AccessController;
import java.security.Principal;
import java.util.Set;
import java.util.TreeSet;

import javax.security.auth.Subject;
import javax.servlet.http.HttpServletRequest;

/**
 * The roles of the user Karaf's web console authenticated. Karaf's console (JaasSecurityProvider) logs the user in
 * against the JAAS realm and leaves the resulting Subject in the request attribute {@code karaf.subject.runas}, then
 * runs the plugin inside {@code Subject.doAs}. Roles are Karaf RolePrincipals; groups ({@code _g_:admingroup}) are
 * already expanded into their roles by the login module. The principal class is matched by name, as Karaf's own
 * console does, so that this bundle does not depend on Karaf's JAAS boot classes.
 */
final class KarafRoles {

    static final String SUBJECT_ATTRIBUTE = "karaf.subject.runas";
    static final String ROLE_PRINCIPAL_CLASS = "org.apache.karaf.jaas.boot.principal.RolePrincipal";
    static final String USER_PRINCIPAL_CLASS = "org.apache.karaf.jaas.boot.principal.UserPrincipal";

    private KarafRoles() {
    }

    /** The roles of the request's user; empty when the request carries no Karaf subject (then nothing may change). */
    static Set<String> of(HttpServletRequest request) {
        Set<String> roles = new TreeSet<>();
        Subject subject = subject(request);
        if (subject != null) {
            for (Principal principal : subject.getPrincipals()) {
                if (ROLE_PRINCIPAL_CLASS.equals(principal.getClass().getName())) {
                    roles.add(principal.getName());
                }
            }
        }
        return roles;
    }

    /** The user's name, for the page and the log; null if unknown. */
    static String user(HttpServletRequest request) {
        Subject subject = subject(request);
        if (subject != null) {
            for (Principal principal : subject.getPrincipals()) {
                if (USER_PRINCIPAL_CLASS.equals(principal.getClass().getName())) {
                    return principal.getName();
                }
            }
        }
        return null;
    }

    @SuppressWarnings("removal") // Subject.getSubject: how Karaf's console hands the subject on in Java 17
    private static Subject subject(HttpServletRequest request) {
        Object attribute = request.getAttribute(SUBJECT_ATTRIBUTE);
        if (attribute instanceof Subject subject) {
            return subject;
        }
        return Subject.getSubject(AccessController.getContext());
    }
}
