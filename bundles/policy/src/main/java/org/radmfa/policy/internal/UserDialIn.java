package org.radmfa.policy.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.DialIn;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;

/**
 * What NPS does with a user account's dial-in properties once a network policy that does not ignore them has
 * matched: Network Access Permission Deny rejects, Verify Caller-ID rejects any other Calling-Station-Id, and the
 * static IP address and routes go into the Access-Accept in place of the policy's own.
 */
final class UserDialIn {
    private UserDialIn() {
    }

    /** What the account refuses before the policy's access permission is looked at, or null. */
    static Constraints.Violation refusal(DialIn dialIn, AuthenticationRequest request) {
        if (dialIn.access() == DialIn.Access.DENY) {
            return new Constraints.Violation(ReasonCode.DIAL_IN_DENIED,
                    "user account's dial-in permission is Deny access");
        }
        if (!dialIn.callerIds().isEmpty()) {
            String caller = request.attribute("Calling-Station-Id").orElse(null);
            if (caller == null || dialIn.callerIds().stream().noneMatch(id -> id.trim().equalsIgnoreCase(
                    caller.trim()))) {
                return new Constraints.Violation(ReasonCode.CALLER_ID_MISMATCH, "user account verifies caller ID "
                        + dialIn.callerIds() + "; Calling-Station-Id is " + (caller == null ? "absent"
                                : "'" + caller + "'"));
            }
        }
        return null;
    }

    /** The policy's reply with the account's static address and routes in place of the policy's own. */
    static List<ReplyAttribute> reply(DialIn dialIn, List<ReplyAttribute> policyReply) {
        if (dialIn.framedIpAddress() == null && dialIn.framedRoutes().isEmpty()) {
            return policyReply;
        }
        List<ReplyAttribute> reply = new ArrayList<>();
        for (ReplyAttribute attribute : policyReply) {
            String name = attribute.name().toLowerCase(Locale.ROOT);
            boolean replaced = name.equals("framed-ip-address") ? dialIn.framedIpAddress() != null
                    : name.equals("framed-route") && !dialIn.framedRoutes().isEmpty();
            if (!replaced) {
                reply.add(attribute);
            }
        }
        if (dialIn.framedIpAddress() != null) {
            reply.add(new ReplyAttribute("Framed-IP-Address", dialIn.framedIpAddress()));
        }
        dialIn.framedRoutes().forEach(route -> reply.add(new ReplyAttribute("Framed-Route", route)));
        return reply;
    }
}
