package org.radmfa.api;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A user account's dial-in properties, as Active Directory's Dial-in tab keeps them: NPS reads them during
 * authorization unless the network policy that matched ignores them.
 *
 * @param access the account's Network Access Permission ({@code msNPAllowDialin})
 * @param callerIds when not empty, Verify Caller-ID: the request's Calling-Station-Id must be one of these
 *        ({@code msNPCallingStationID})
 * @param framedIpAddress a static IPv4 address to return as Framed-IP-Address, or null ({@code msRADIUSFramedIPAddress})
 * @param framedRoutes static routes to return as Framed-Route, in RFC 2865's text form ({@code msRADIUSFramedRoute})
 * @since 1.13
 */
public record DialIn(Access access, Set<String> callerIds, String framedIpAddress, List<String> framedRoutes) {

    /** The account's Network Access Permission. */
    public enum Access {
        /** Allow access: granted by a policy that grants or leaves the decision to the account. */
        ALLOW,
        /** Deny access: always rejected, whatever a policy that does not ignore dial-in properties says. */
        DENY,
        /** Control access through NPS Network Policy (the attribute is absent): the policy decides. */
        POLICY
    }

    /** An account without dial-in properties of its own: the policy decides, nothing is verified or returned. */
    public static final DialIn NONE = new DialIn(Access.POLICY, Set.of(), null, List.of());

    public DialIn {
        Objects.requireNonNull(access, "access");
        callerIds = Set.copyOf(callerIds);
        framedRoutes = List.copyOf(framedRoutes);
    }

    /** Whether the account has any property a policy could act on. */
    public boolean isEmpty() {
        return equals(NONE);
    }
}
