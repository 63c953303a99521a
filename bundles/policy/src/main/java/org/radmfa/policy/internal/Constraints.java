package org.radmfa.policy.internal;

import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ReasonCode;

/**
 * NPS "constraints" of a network policy: checked after its conditions matched. Unlike a condition, a constraint
 * that fails does not move on to the next policy: the request is rejected with the constraint's reason.
 *
 * @param authMethods the methods allowed, in the order written (the order EAP methods are offered in); empty allows
 *     any
 * @param hours when access is allowed; null allows any time
 * @param zone the time zone of {@code hours}
 * @param nasPortTypes the NAS-Port-Type values allowed (dictionary names, e.g. Virtual); empty allows any
 */
record Constraints(Set<AuthMethod> authMethods, WeeklyHours hours, ZoneId zone, Set<String> nasPortTypes) {

    static final Constraints NONE = new Constraints(Set.of(), null, ZoneId.systemDefault(), Set.of());

    Constraints {
        authMethods = Collections.unmodifiableSet(new LinkedHashSet<>(authMethods));
        nasPortTypes = nasPortTypes.stream().map(t -> t.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** What failed: the reason and a description for the trace. */
    record Violation(ReasonCode reason, String description) {
    }

    /** The first constraint the request violates, or null. */
    Violation check(AuthenticationRequest request) {
        AuthMethod method = request.credentials().method();
        if (!authMethods.isEmpty() && !authMethods.contains(method)) {
            return new Violation(ReasonCode.AUTH_METHOD_NOT_ALLOWED,
                    "constraint authMethods " + authMethods + " does not allow " + method);
        }
        if (hours != null && !hours.allows(request.received().atZone(zone))) {
            return new Violation(ReasonCode.OUTSIDE_ALLOWED_HOURS,
                    "constraint dayAndTime '" + hours + "' (" + zone + ") does not allow " + request.received());
        }
        if (!nasPortTypes.isEmpty()) {
            String portType = request.attribute("NAS-Port-Type").orElse(null);
            if (portType == null || !nasPortTypes.contains(portType.toLowerCase(Locale.ROOT))) {
                return new Violation(ReasonCode.PORT_TYPE_NOT_ALLOWED,
                        "constraint nasPortType " + nasPortTypes + " does not allow " + portType);
            }
        }
        return null;
    }
}
