package org.radmfa.admin.internal;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.radmfa.api.UserDirectory.GroupLookup;
import org.radmfa.api.admin.CheckFinding;
import org.radmfa.api.admin.CheckFinding.Severity;
import org.radmfa.api.admin.ClientSettings;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;

/** The configuration check's rules: each a function of the facts, each finding with its fix. */
final class CheckRules {

    /** The Azure VPN gateway's RADIUS timeout: 30 s, and it cannot be changed. */
    static final int AZURE_GATEWAY_TIMEOUT_SECONDS = 30;
    static final int MIN_SECRET_LENGTH = 16;
    static final int CREDENTIAL_WARNING_DAYS = 30;
    /** What the radmfa-demo feature installs. */
    static final String DEMO_CLIENT = "localhost-demo";
    static final Set<String> DEMO_USERS = Set.of("demo", "mfa-demo");
    static final String PIPELINE_FILE = "etc/org.radmfa.pipeline.cfg";

    private CheckRules() {
    }

    static List<CheckFinding> all(CheckFacts facts) {
        List<CheckFinding> findings = new ArrayList<>();
        mfaDeadline(facts, findings);
        blastRadius(facts, findings);
        shadowedPolicies(facts.networkPolicies(), findings);
        shadowedPolicies(facts.connectionPolicies(), findings);
        unknownGroups(facts, findings);
        codesForMsChapOrEap(facts, findings);
        secrets(facts, findings);
        demoValues(facts, findings);
        credentialExpiry(facts, findings);
        findings.sort(Comparator.comparing(CheckFinding::severity));
        return findings;
    }

    /** The gateway gives up after its timeout × retries: an MFA answer later than that comes to nobody. */
    static void mfaDeadline(CheckFacts facts, List<CheckFinding> findings) {
        if (facts.networkPolicies().stream().noneMatch(p -> p.enabled() && requiresMfa(p))) {
            return;
        }
        int deadline = facts.mfaTimeoutSeconds();
        for (CheckFacts.Client client : facts.clients()) {
            ClientSettings c = client.settings();
            String subject = "client '" + c.name() + "'";
            int timeout = c.nasTimeoutSeconds();
            String source = "its NAS timeout";
            if (isAzureGateway(c)) {
                timeout = AZURE_GATEWAY_TIMEOUT_SECONDS;
                source = "the Azure VPN gateway's fixed RADIUS timeout";
            } else if (timeout == 0) {
                findings.add(new CheckFinding(Severity.WARNING, "mfa-deadline", subject,
                        "its NAS timeout is not filled in, so the MFA deadline (" + deadline
                                + " s) cannot be checked against it",
                        "set nasTimeoutSeconds and nasRetries in etc/org.radmfa.client-*.cfg (radmfa:clients-set) "
                                + "to what the NAS is configured with"));
                continue;
            }
            int budget = timeout * Math.max(1, isAzureGateway(c) ? 1 : c.nasRetries());
            if (deadline >= budget) {
                findings.add(new CheckFinding(Severity.ERROR, "mfa-deadline", subject,
                        "the MFA deadline (mfaTimeoutSeconds = " + deadline + " s) is not below " + source + " ("
                                + timeout + " s" + (budget != timeout ? " × " + c.nasRetries() + " retries" : "")
                                + "): a user who approves late is rejected after approving",
                        "set mfaTimeoutSeconds in " + PIPELINE_FILE + " to at most " + Math.max(1, budget - 5)
                                + (isAzureGateway(c) ? " (the gateway's timeout cannot be raised)"
                                        : ", or raise the NAS's RADIUS timeout")));
            }
        }
    }

    /** BlastRADIUS (CVE-2024-3596): without a required Message-Authenticator a response can be forged. */
    static void blastRadius(CheckFacts facts, List<CheckFinding> findings) {
        for (CheckFacts.Client client : facts.clients()) {
            ClientSettings c = client.settings();
            String subject = "client '" + c.name() + "'";
            switch (c.messageAuthenticator()) {
                case REQUIRED -> {
                }
                case OPTIONAL -> findings.add(new CheckFinding(Severity.WARNING, "blastradius", subject,
                        "does not require Message-Authenticator: exposed to BlastRADIUS (CVE-2024-3596)",
                        "make the NAS send Message-Authenticator, then set requireMessageAuthenticator = true"));
                case AUTO -> {
                    if (!client.sentMessageAuthenticator()) {
                        findings.add(new CheckFinding(Severity.WARNING, "blastradius", subject,
                                "has never sent a Message-Authenticator, so 'auto' still accepts requests without "
                                        + "one: exposed to BlastRADIUS (CVE-2024-3596)",
                                "make the NAS send Message-Authenticator (then 'auto' requires it), or set "
                                        + "requireMessageAuthenticator = true"));
                    }
                }
                default -> throw new IllegalStateException(c.messageAuthenticator().toString());
            }
        }
    }

    /**
     * A policy after one whose conditions are a subset of its own (same keys, same values) can never match: the
     * earlier one matches every request it would.
     */
    static void shadowedPolicies(List<PolicySettings> policies, List<CheckFinding> findings) {
        List<PolicySettings> enabled = policies.stream().filter(PolicySettings::enabled).toList();
        for (int i = 0; i < enabled.size(); i++) {
            Map<String, String> later = conditions(enabled.get(i));
            for (int j = 0; j < i; j++) {
                PolicySettings earlier = enabled.get(j);
                if (later.entrySet().containsAll(conditions(earlier).entrySet())) {
                    PolicySettings shadowed = enabled.get(i);
                    findings.add(new CheckFinding(Severity.WARNING, "shadowed-policy", describe(shadowed),
                            "can never match: " + describe(earlier) + " (order " + earlier.order()
                                    + ") comes first and its conditions " + (conditions(earlier).isEmpty()
                                            ? "match everything" : conditions(earlier) + " are a subset of these"),
                            "give it an order below " + earlier.order() + ", narrow the earlier policy, or remove "
                                    + "it"));
                    break;
                }
            }
        }
    }

    /** A deny policy naming a group no directory has never matches: the hole it should close stays open. */
    static void unknownGroups(CheckFacts facts, List<CheckFinding> findings) {
        for (PolicySettings policy : facts.networkPolicies()) {
            if (!"deny".equalsIgnoreCase(policy.settings().get("access"))) {
                continue;
            }
            for (String group : list(policy.settings().get("condition.userGroups"))) {
                if (facts.groups().apply(group) == GroupLookup.NOT_FOUND) {
                    findings.add(new CheckFinding(Severity.ERROR, "unknown-group", describe(policy),
                            "denies group '" + group + "', which no directory has: the deny never applies",
                            "correct the group's name in condition.userGroups (as the directory spells it)"));
                }
            }
        }
    }

    /**
     * MS-CHAPv2 and EAP clients cannot answer an Access-Challenge: a policy requiring MFA for them needs a push
     * connector, not only a code-based one.
     */
    static void codesForMsChapOrEap(CheckFacts facts, List<CheckFinding> findings) {
        if (facts.connectors().isEmpty() || facts.connectors().stream().anyMatch(c -> !c.codesOnly())) {
            return;
        }
        for (PolicySettings policy : facts.networkPolicies()) {
            if (!policy.enabled() || !requiresMfa(policy)) {
                continue;
            }
            List<String> methods = list(policy.settings().getOrDefault("constraint.authMethods",
                    policy.settings().get("condition.authMethods"))).stream()
                    .map(m -> m.toUpperCase(Locale.ROOT)).toList();
            boolean challengeless = methods.isEmpty() || methods.stream().anyMatch(m -> m.contains("MSCHAP")
                    || m.startsWith("EAP"));
            if (challengeless) {
                findings.add(new CheckFinding(Severity.ERROR, "mfa-codes-only", describe(policy),
                        "requires MFA for " + (methods.isEmpty() ? "every method, MS-CHAPv2 and EAP included"
                                : String.join(", ", methods)) + ", but the only MFA connector ("
                                + String.join(", ", facts.connectors().stream().map(CheckFacts.Connector::name)
                                        .toList()) + ") asks for codes, which MS-CHAPv2 and EAP clients cannot send",
                        "install a push connector (feature radmfa-mfa-entra), or limit the policy to PAP with "
                                + "constraint.authMethods = PAP"));
            }
        }
    }

    static void secrets(CheckFacts facts, List<CheckFinding> findings) {
        for (CheckFacts.Client client : facts.clients()) {
            if (client.secretLength() >= 0 && client.secretLength() < MIN_SECRET_LENGTH) {
                findings.add(new CheckFinding(Severity.WARNING, "short-secret",
                        "client '" + client.settings().name() + "'", "its shared secret has "
                                + client.secretLength() + " characters; fewer than " + MIN_SECRET_LENGTH
                                + " can be found offline from one captured packet",
                        "set a random secret of 22 characters or more on both sides (radmfa:clients-secret)"));
            }
        }
    }

    static void demoValues(CheckFacts facts, List<CheckFinding> findings) {
        for (CheckFacts.Client client : facts.clients()) {
            String name = client.settings().name();
            if (name.equalsIgnoreCase(DEMO_CLIENT) || client.demoSecret()) {
                findings.add(new CheckFinding(Severity.ERROR, "demo-values", "client '" + name + "'",
                        name.equalsIgnoreCase(DEMO_CLIENT) ? "the demo client is still defined"
                                : "its shared secret is the demo secret",
                        "remove it (radmfa:clients-remove, or feature:uninstall radmfa-demo), or set a random "
                                + "secret"));
            }
        }
        for (String user : facts.localUsers()) {
            if (DEMO_USERS.contains(user.toLowerCase(Locale.ROOT))) {
                findings.add(new CheckFinding(Severity.ERROR, "demo-values", "local user '" + user + "'",
                        "the demo user is still defined, with a published password",
                        "remove it: radmfa:users-remove " + user));
            }
        }
    }

    static void credentialExpiry(CheckFacts facts, List<CheckFinding> findings) {
        LocalDate today = LocalDate.ofInstant(facts.now(), ZoneOffset.UTC);
        for (CheckFacts.Connector connector : facts.connectors()) {
            LocalDate expires = connector.credentialExpires();
            if (expires == null) {
                continue;
            }
            long days = ChronoUnit.DAYS.between(today, expires);
            if (days <= 0) {
                findings.add(new CheckFinding(Severity.ERROR, "credential-expiry", "MFA connector '"
                        + connector.name() + "'", "its credential expired on " + expires
                                + ": every second factor fails",
                        "create a new client secret or certificate for the app registration in Entra and configure "
                                + "it (etc/org.radmfa.mfa.entra.cfg)"));
            } else if (days <= CREDENTIAL_WARNING_DAYS) {
                findings.add(new CheckFinding(Severity.WARNING, "credential-expiry", "MFA connector '"
                        + connector.name() + "'", "its credential expires on " + expires + ", in " + days
                                + " days",
                        "create the next client secret or certificate in Entra now and configure it "
                                + "(etc/org.radmfa.mfa.entra.cfg), before the old one expires"));
            }
        }
    }

    static boolean isAzureGateway(ClientSettings client) {
        return (client.name() + " " + client.vendor()).toLowerCase(Locale.ROOT).contains("azure");
    }

    private static boolean requiresMfa(PolicySettings policy) {
        return "true".equalsIgnoreCase(policy.settings().get("mfaRequired"));
    }

    private static Map<String, String> conditions(PolicySettings policy) {
        Map<String, String> conditions = new TreeMap<>();
        policy.settings().forEach((key, value) -> {
            if (key.startsWith("condition.") && !value.isBlank()) {
                conditions.put(key, value.strip());
            }
        });
        return conditions;
    }

    private static String describe(PolicySettings policy) {
        return (policy.kind() == PolicyKind.NETWORK ? "network policy '" : "connection request policy '")
                + policy.name() + "'";
    }

    private static List<String> list(String value) {
        return value == null || value.isBlank() ? List.of()
                : Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
