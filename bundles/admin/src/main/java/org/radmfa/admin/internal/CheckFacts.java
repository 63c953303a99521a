package org.radmfa.admin.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;

import org.radmfa.api.UserDirectory.GroupLookup;
import org.radmfa.api.admin.ClientSettings;
import org.radmfa.api.admin.PolicySettings;

/**
 * What the configuration check looks at, gathered once from the services (or, in tests, from files): the rules are
 * plain functions of it. Holds no secret: only a secret's length and whether it is a well-known demo value.
 *
 * @param clients the RADIUS clients
 * @param networkPolicies network policies in processing order
 * @param connectionPolicies connection request policies in processing order
 * @param mfaTimeoutSeconds the pipeline's MFA deadline
 * @param groups whether any directory has a group
 * @param connectors the installed MFA connectors
 * @param localUsers the names of the local users
 * @param now the time the check runs
 */
record CheckFacts(List<Client> clients, List<PolicySettings> networkPolicies, List<PolicySettings> connectionPolicies,
        int mfaTimeoutSeconds, Function<String, GroupLookup> groups, List<Connector> connectors,
        List<String> localUsers, Instant now) {

    /**
     * @param settings its definition
     * @param sentMessageAuthenticator whether it has ever sent a Message-Authenticator (since the appliance started)
     * @param secretLength its shared secret's length in bytes; -1 when not known
     * @param demoSecret whether its secret is a well-known demo value
     */
    record Client(ClientSettings settings, boolean sentMessageAuthenticator, int secretLength, boolean demoSecret) {
    }

    /**
     * @param name the connector's name
     * @param codesOnly whether it can only ask for a code (a challenge), never push
     * @param credentialExpires when its credential expires, or null when it does not say
     */
    record Connector(String name, boolean codesOnly, LocalDate credentialExpires) {
    }
}
