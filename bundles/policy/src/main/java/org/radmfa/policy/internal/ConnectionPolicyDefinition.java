package org.radmfa.policy.internal;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.radmfa.api.ConnectionDecision;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * What is specific to a connection request policy's factory configuration ({@code etc/org.radmfa.crp-NAME.cfg}): its
 * keys and defaults and how it is read, rewrite rules included. Reading, refusing and keeping the last good version
 * are {@link PolicyDefinitions}' (through the API's FactoryDefinitions).
 */
final class ConnectionPolicyDefinition {
    static final String FACTORY_PID = "org.radmfa.crp";
    static final ConfigType TYPE = ConfigType.of(Config.class);
    static final Set<String> KEYS = Set.of("name", "order", "enabled", "action", "directory", "serverGroup",
            "timeZone", "forwardAccounting", "webconsole.configurationFactory.nameHint");
    /** The attributes NPS's attribute manipulation rewrites. */
    static final Set<String> REWRITABLE = Set.of("User-Name", "Called-Station-Id", "Calling-Station-Id");
    private static final Pattern REWRITE_KEY = Pattern.compile("(pattern|replacement)(?:\\.([0-9]{1,4}))?");
    private static final Pattern GROUP_REFERENCE = Pattern.compile("\\$\\{?([0-9]+)");

    private ConnectionPolicyDefinition() {
    }

    @ObjectClassDefinition(name = "radmfa connection request policy", factoryPid = FACTORY_PID,
            description = "Where requests are handled, as NPS's connection request policies: the first policy in"
                    + " processing order whose conditions all match decides. Conditions as in network policies,"
                    + " except user groups (not known before authentication).")
    @interface Config {
        @AttributeDefinition(name = "Policy name")
        String name();

        @AttributeDefinition(name = "Processing order", description = "Lower first; unique")
        int order();

        @AttributeDefinition(name = "Enabled")
        boolean enabled() default true;

        @AttributeDefinition(name = "Action", options = {
            @Option(label = "Authenticate requests on this server", value = "authenticate"),
            @Option(label = "Forward requests to a remote RADIUS server group", value = "forward")})
        String action() default "authenticate";

        @AttributeDefinition(name = "Directory", required = false,
                description = "Name of the user directory to authenticate against; empty: the default")
        String directory();

        @AttributeDefinition(name = "Remote server group", required = false, description = "For action forward")
        String serverGroup();

        @AttributeDefinition(name = "Rewritten attribute", required = false, options = {
            @Option(label = "User-Name", value = "User-Name"),
            @Option(label = "Called-Station-Id", value = "Called-Station-Id"),
            @Option(label = "Calling-Station-Id", value = "Calling-Station-Id")},
                description = "The attribute the find/replace rules rewrite (NPS attribute manipulation)")
        String rewrite_attribute() default "User-Name";

        @AttributeDefinition(name = "Find", required = false,
                description = "Regular expression replaced in the attribute, e.g. '@example\\.com$' or '^EXAMPLE\\\\';"
                        + " further rules as rewrite.pattern.2, rewrite.replacement.2, ... applied in order")
        String rewrite_pattern();

        @AttributeDefinition(name = "Replace", required = false,
                description = "Replacement, $1 for groups; empty strips what was found")
        String rewrite_replacement();

        @AttributeDefinition(name = "Forward accounting", description = "For action forward: Accounting-Requests"
                + " this policy routes go to the server group too (else they are recorded here only)")
        boolean forwardAccounting() default true;

        String webconsole_configurationFactory_nameHint() default "{order}: {name} ({action})";
    }

    static ConnectionRequestPolicy parse(ConfigReader config) throws InvalidConfigurationException {
        String name = config.requiredString("name");
        int order = PolicyParser.order(config);
        ZoneId zone = PolicyParser.zone(config);
        List<Condition> conditions = PolicyParser.conditions(config, false, zone);
        String actionText = config.string("action", "authenticate").toLowerCase(Locale.ROOT);
        ConnectionDecision.Action action = switch (actionText) {
            case "authenticate" -> ConnectionDecision.Action.AUTHENTICATE;
            case "forward" -> ConnectionDecision.Action.FORWARD;
            default -> throw config.invalid("action", "'" + actionText + "' is neither authenticate nor forward");
        };
        String serverGroup = config.string("serverGroup", "");
        if (action == ConnectionDecision.Action.FORWARD && serverGroup.isEmpty()) {
            throw config.invalid("serverGroup", "is required when action is forward");
        }
        String attribute = config.string("rewrite.attribute", ConnectionRequestPolicy.USER_NAME);
        String rewritten = REWRITABLE.stream().filter(attribute::equalsIgnoreCase).findFirst().orElseThrow(
                () -> config.invalid("rewrite.attribute", "'" + attribute + "' is not one of " + REWRITABLE));
        String directory = config.string("directory", "");
        return new ConnectionRequestPolicy(name, order, config.bool("enabled", true), conditions, action,
                directory.isEmpty() ? null : directory, serverGroup.isEmpty() ? null : serverGroup, rewritten,
                rules(config), config.bool("forwardAccounting", true));
    }

    /**
     * The find/replace rules: {@code rewrite.pattern} and {@code rewrite.replacement}, then {@code .2}, {@code .3},
     * ... in number order. Patterns are RE2 (linear time whatever the input); a replacement that names a group the
     * pattern does not have is refused here rather than failing on a request.
     */
    static List<ConnectionRequestPolicy.RewriteRule> rules(ConfigReader config) throws InvalidConfigurationException {
        TreeMap<Integer, String> patterns = new TreeMap<>();
        TreeMap<Integer, String> replacements = new TreeMap<>();
        for (Map.Entry<String, String> entry : config.withPrefix("rewrite.").entrySet()) {
            if (entry.getKey().equals("attribute")) {
                continue;
            }
            Matcher key = REWRITE_KEY.matcher(entry.getKey());
            if (!key.matches()) {
                throw config.invalid("rewrite." + entry.getKey(), "is not a rewrite setting (rewrite.attribute,"
                        + " rewrite.pattern, rewrite.replacement, then rewrite.pattern.2, rewrite.replacement.2, ...)");
            }
            int position = key.group(2) == null ? 1 : Integer.parseInt(key.group(2));
            TreeMap<Integer, String> target = key.group(1).equals("pattern") ? patterns : replacements;
            if (position < 1 || target.put(position, entry.getValue()) != null) {
                throw config.invalid("rewrite." + entry.getKey(), "rules are numbered 2, 3, ... after the first"
                        + " (rewrite." + key.group(1) + "), each once");
            }
        }
        for (Integer position : replacements.keySet()) {
            if (!patterns.containsKey(position)) {
                throw config.invalid(ruleKey("replacement", position), "has no " + ruleKey("pattern", position));
            }
        }
        List<ConnectionRequestPolicy.RewriteRule> rules = new ArrayList<>();
        for (Map.Entry<Integer, String> entry : patterns.entrySet()) {
            String patternKey = ruleKey("pattern", entry.getKey());
            if (entry.getValue().isEmpty()) {
                throw config.invalid(patternKey, "is empty: a rule needs something to find");
            }
            Pattern pattern = PolicyParser.pattern(config, patternKey, entry.getValue());
            String replacement = replacements.getOrDefault(entry.getKey(), "");
            Matcher reference = GROUP_REFERENCE.matcher(replacement);
            while (reference.find()) {
                if (reference.group(1).length() > 4 || Integer.parseInt(reference.group(1)) > pattern.groupCount()) {
                    throw config.invalid(ruleKey("replacement", entry.getKey()), "refers to group $"
                            + reference.group(1) + ", but the pattern has " + pattern.groupCount() + " group(s)");
                }
            }
            rules.add(new ConnectionRequestPolicy.RewriteRule(pattern, replacement));
        }
        return rules;
    }

    private static String ruleKey(String kind, int position) {
        return "rewrite." + kind + (position == 1 ? "" : "." + position);
    }
}
