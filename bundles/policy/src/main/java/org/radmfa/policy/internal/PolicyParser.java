package org.radmfa.policy.internal;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.Cidr;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;

/** Reading what network and connection request policies have in common: identity, order, conditions. */
final class PolicyParser {
    /** Condition keys with a meaning of their own; any other condition.X is a pattern on attribute X. */
    static final Set<String> NAMED_CONDITIONS = Set.of("condition.userGroups", "condition.clientName",
            "condition.authMethods", "condition.clientAddress", "condition.dayAndTime", "condition.userName",
            "condition.certificateIssuer", "condition.certificateEku", "condition.certificatePolicy");
    private static final Pattern OID = Pattern.compile("[0-2](\\.[0-9]+)+");
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]*");
    /** {@code condition.userGroups.2}, {@code .3}, ...: further group conditions, each of which must hold. */
    private static final Pattern MORE_USER_GROUPS = Pattern.compile("userGroups\\.[0-9]{1,4}");

    private PolicyParser() {
    }

    static int order(ConfigReader config) throws InvalidConfigurationException {
        int order = config.integer("order", Integer.MIN_VALUE, 0, Integer.MAX_VALUE - 1);
        if (order == Integer.MIN_VALUE) {
            throw config.invalid("order", "is required: policies are evaluated in processing order");
        }
        return order;
    }

    static ZoneId zone(ConfigReader config) throws InvalidConfigurationException {
        String text = config.string("timeZone", "");
        if (text.isEmpty()) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw config.invalid("timeZone", "'" + text + "' is not a time zone such as Europe/Berlin or UTC");
        }
    }

    /**
     * @param withUserGroups whether user groups may be a condition: not before authentication (connection request
     *     policies)
     */
    static List<Condition> conditions(ConfigReader config, boolean withUserGroups, ZoneId zone)
            throws InvalidConfigurationException {
        List<Condition> conditions = new ArrayList<>();
        for (String key : userGroupKeys(config)) {
            List<String> groups = config.list(key);
            if (groups.isEmpty()) {
                continue;
            }
            if (!withUserGroups) {
                throw config.invalid(key, "is not known before authentication; use it in a network policy");
            }
            conditions.add(new Condition.UserGroups(new HashSet<>(groups)));
        }
        String clientName = config.string("condition.clientName", "");
        if (!clientName.isEmpty()) {
            conditions.add(new Condition.ClientName(pattern(config, "condition.clientName", clientName)));
        }
        String userName = config.string("condition.userName", "");
        if (!userName.isEmpty()) {
            conditions.add(new Condition.UserName(pattern(config, "condition.userName", userName)));
        }
        Set<AuthMethod> methods = authMethods(config, "condition.authMethods");
        if (!methods.isEmpty()) {
            conditions.add(new Condition.AuthMethods(methods));
        }
        List<String> addresses = config.list("condition.clientAddress");
        if (!addresses.isEmpty()) {
            List<Cidr> networks = new ArrayList<>();
            for (String address : addresses) {
                try {
                    networks.add(Cidr.parse(address));
                } catch (IllegalArgumentException e) {
                    throw config.invalid("condition.clientAddress", e.getMessage());
                }
            }
            conditions.add(new Condition.ClientAddress(networks));
        }
        String issuer = config.string("condition.certificateIssuer", "");
        Set<String> usages = oids(config, "condition.certificateEku");
        Set<String> policies = oids(config, "condition.certificatePolicy");
        if (!issuer.isEmpty() || !usages.isEmpty() || !policies.isEmpty()) {
            conditions.add(new Condition.Certificate(issuer.isEmpty() ? null
                    : pattern(config, "condition.certificateIssuer", issuer), usages, policies));
        }
        WeeklyHours hours = hours(config, "condition.dayAndTime");
        if (hours != null) {
            conditions.add(new Condition.DayAndTime(hours, zone));
        }
        for (Map.Entry<String, String> entry : config.withPrefix("condition.").entrySet()) {
            String attribute = entry.getKey();
            if (NAMED_CONDITIONS.contains("condition." + attribute)
                    || MORE_USER_GROUPS.matcher(attribute).matches()) {
                continue;
            }
            if (!ATTRIBUTE_NAME.matcher(attribute).matches()) {
                throw config.invalid("condition." + attribute, "'" + attribute + "' is not an attribute name");
            }
            conditions.add(new Condition.AttributeMatches(attribute,
                    pattern(config, "condition." + attribute, entry.getValue())));
        }
        return conditions;
    }

    /**
     * The group conditions' keys: {@code condition.userGroups} (the user is in any of its groups) and
     * {@code condition.userGroups.2}, {@code .3}, ... (NPS: several "User Groups" conditions in one policy, each of
     * which must hold), in that order.
     */
    static List<String> userGroupKeys(ConfigReader config) {
        List<String> keys = new ArrayList<>();
        keys.add("condition.userGroups");
        config.withPrefix("condition.").keySet().stream().filter(k -> MORE_USER_GROUPS.matcher(k).matches())
                .sorted(java.util.Comparator.comparingInt(k -> Integer.parseInt(k.substring(k.indexOf('.') + 1))))
                .forEach(k -> keys.add("condition." + k));
        return keys;
    }

    private static Set<String> oids(ConfigReader config, String key) throws InvalidConfigurationException {
        Set<String> oids = new HashSet<>();
        for (String oid : config.list(key)) {
            if (!OID.matcher(oid).matches()) {
                throw config.invalid(key, "'" + oid + "' is not an object identifier (e.g. 1.3.6.1.5.5.7.3.2)");
            }
            oids.add(oid);
        }
        return Set.copyOf(oids);
    }

    /** The methods named, in the order written. */
    static Set<AuthMethod> authMethods(ConfigReader config, String key) throws InvalidConfigurationException {
        Set<AuthMethod> allowed = new LinkedHashSet<>();
        for (String method : config.list(key)) {
            try {
                allowed.add(AuthMethod.valueOf(method.toUpperCase(Locale.ROOT).replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw config.invalid(key, "'" + method + "' is not one of " + EnumSet.allOf(AuthMethod.class));
            }
        }
        return allowed;
    }

    static WeeklyHours hours(ConfigReader config, String key) throws InvalidConfigurationException {
        String text = config.string(key, "");
        if (text.isEmpty()) {
            return null;
        }
        try {
            return WeeklyHours.parse(text);
        } catch (IllegalArgumentException e) {
            throw config.invalid(key, e.getMessage());
        }
    }

    static boolean isAttributeName(String name) {
        return ATTRIBUTE_NAME.matcher(name).matches();
    }

    /**
     * A pattern from configuration, matched against what a request carries (a User-Name anyone can type): compiled
     * with RE2/J, which matches in time linear in the input whatever the pattern, so that no User-Name can make a
     * deciding thread backtrack for minutes. What RE2 cannot bound (backreferences, lookaround, possessive
     * quantifiers) is refused here, with the reason, rather than evaluated with an exponential cost.
     */
    static Pattern pattern(ConfigReader config, String key, String text) throws InvalidConfigurationException {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw config.invalid(key, "'" + text + "' is not a regular expression this appliance evaluates in"
                    + " linear time (RE2 syntax: no backreferences such as \\1, no lookahead or lookbehind): "
                    + e.getDescription());
        }
    }
}
