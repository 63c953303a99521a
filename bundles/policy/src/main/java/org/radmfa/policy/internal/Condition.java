package org.radmfa.policy.internal;

import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import com.google.re2j.Pattern;

import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.CertificateCredentials;
import org.radmfa.api.Cidr;
import org.radmfa.api.User;

/** One condition of a network policy; a policy matches when all its conditions do. */
interface Condition {

    boolean matches(AuthenticationRequest request, User user);

    /** How the condition reads in a trace, e.g. {@code userGroups any of [vpn-users]}. */
    String describe();

    /**
     * Whether the condition can be evaluated on an EAP conversation's identity, before the user is authenticated:
     * not for the user's groups, the certificate or the authentication method.
     */
    default boolean knownBeforeAuthentication() {
        return true;
    }

    /** NPS "User Groups": the user is a member of at least one of the groups (without case). */
    record UserGroups(Set<String> groups) implements Condition {
        public UserGroups {
            groups = groups.stream().map(g -> g.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        }

        @Override
        public boolean matches(AuthenticationRequest request, User user) {
            // A loop, not a stream: checked for every request a policy with this condition sees.
            for (String group : user.groups()) {
                if (groups.contains(group.toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean knownBeforeAuthentication() {
            return false;
        }

        @Override
        public String describe() {
            return "userGroups any of " + groups;
        }
    }

    /** NPS "Client Friendly Name", matched by pattern as NPS does. */
    record ClientName(Pattern pattern) implements Condition {
        @Override
        public boolean matches(AuthenticationRequest request, User user) {
            return pattern.matcher(request.client().name()).find();
        }

        @Override
        public String describe() {
            return "clientName matches /" + pattern + "/";
        }
    }

    /** The request's authentication method is one of these. */
    record AuthMethods(Set<AuthMethod> methods) implements Condition {
        @Override
        public boolean matches(AuthenticationRequest request, User user) {
            return methods.contains(request.credentials().method());
        }

        @Override
        public boolean knownBeforeAuthentication() {
            return false;
        }

        @Override
        public String describe() {
            return "authMethod in " + methods;
        }
    }

    /**
     * Any request attribute by its dictionary name (NAS-Identifier, Called-Station-Id, MS-RAS-Vendor, ...): present
     * and its value matches the pattern.
     */
    record AttributeMatches(String attribute, Pattern pattern) implements Condition {
        @Override
        public boolean matches(AuthenticationRequest request, User user) {
            return request.attributes().stream()
                    .anyMatch(a -> a.name().equalsIgnoreCase(attribute) && pattern.matcher(a.value()).find());
        }

        @Override
        public String describe() {
            return attribute + " matches /" + pattern + "/";
        }
    }

    /** NPS "Client IPv4/IPv6 Address": the datagram's source is in one of these addresses or subnets. */
    record ClientAddress(List<Cidr> networks) implements Condition {
        @Override
        public boolean matches(AuthenticationRequest request, User user) {
            return networks.stream().anyMatch(network -> network.contains(request.source().getAddress()));
        }

        @Override
        public String describe() {
            return "clientAddress in " + networks;
        }
    }

    /** NPS "User Name" (connection request policies): the User-Name as received matches the pattern. */
    record UserName(Pattern pattern) implements Condition {
        @Override
        public boolean matches(AuthenticationRequest request, User user) {
            return pattern.matcher(request.userName()).find();
        }

        @Override
        public String describe() {
            return "userName matches /" + pattern + "/";
        }
    }

    /**
     * NPS "Allowed certificate purposes" and issuer checks (EAP-TLS): the client certificate's issuer DN matches the
     * pattern, it names at least one of the extended key usages, and at least one of the policy OIDs, each part
     * only when given. A request authenticated without a certificate never matches.
     */
    record Certificate(Pattern issuer, Set<String> extendedKeyUsages, Set<String> policies) implements Condition {
        @Override
        public boolean matches(AuthenticationRequest request, User user) {
            if (!(request.credentials() instanceof CertificateCredentials certificate)) {
                return false;
            }
            return (issuer == null || issuer.matcher(certificate.issuer()).find())
                    && (extendedKeyUsages.isEmpty()
                            || certificate.extendedKeyUsages().stream().anyMatch(extendedKeyUsages::contains))
                    && (policies.isEmpty() || certificate.policies().stream().anyMatch(policies::contains));
        }

        @Override
        public boolean knownBeforeAuthentication() {
            return false;
        }

        @Override
        public String describe() {
            List<String> parts = new java.util.ArrayList<>();
            if (issuer != null) {
                parts.add("certificateIssuer matches /" + issuer + "/");
            }
            if (!extendedKeyUsages.isEmpty()) {
                parts.add("certificateEku any of " + extendedKeyUsages);
            }
            if (!policies.isEmpty()) {
                parts.add("certificatePolicy any of " + policies);
            }
            return String.join(" and ", parts);
        }
    }

    /** NPS "Day and time restrictions" as a condition: the request arrived within the weekly hours. */
    record DayAndTime(WeeklyHours hours, ZoneId zone) implements Condition {
        @Override
        public boolean matches(AuthenticationRequest request, User user) {
            return hours.allows(request.received().atZone(zone));
        }

        @Override
        public String describe() {
            return "dayAndTime within '" + hours + "' (" + zone + ")";
        }
    }
}
