package org.radmfa.policy.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One network policy, from one factory configuration ({@code etc/org.radmfa.policy-NAME.cfg}). Conditions are
 * {@code condition.*} keys, reply attributes {@code reply.<Attribute-Name>} keys. A policy that does not validate
 * is refused with its file, key and reason; its last good version keeps serving.
 */
@Component(configurationPid = PolicyDefinition.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = PolicyDefinition.Config.class, factory = true)
public final class PolicyDefinition {
    static final String FACTORY_PID = "org.radmfa.policy";
    private static final Logger LOG = LoggerFactory.getLogger(PolicyDefinition.class);
    private static final Set<String> KEYS = Set.of("name", "order", "enabled", "access", "mfaRequired",
            "condition.userGroups", "condition.clientName", "condition.authMethods",
            "webconsole.configurationFactory.nameHint");
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]*");

    @ObjectClassDefinition(name = "radmfa network policy",
            description = "An NPS-style network policy. Policies are evaluated in processing order; the first whose"
                    + " conditions all match grants or denies. Add condition.<Attribute-Name> = <pattern> for any"
                    + " request attribute and reply.<Attribute-Name> = <value> for each reply attribute.")
    @interface Config {
        @AttributeDefinition(name = "Policy name")
        String name();

        @AttributeDefinition(name = "Processing order", description = "Lower first; unique among policies")
        int order();

        @AttributeDefinition(name = "Enabled")
        boolean enabled() default true;

        @AttributeDefinition(name = "Access permission", options = {@Option(label = "Grant access", value = "grant"),
                @Option(label = "Deny access", value = "deny")})
        String access() default "deny";

        @AttributeDefinition(name = "Require MFA", description = "Ask the MFA connector for a second factor")
        boolean mfaRequired() default false;

        @AttributeDefinition(name = "User groups condition", required = false,
                description = "Comma-separated; matches members of any of them")
        String condition_userGroups();

        @AttributeDefinition(name = "Client friendly name condition", required = false,
                description = "Regular expression matched against the RADIUS client's friendly name")
        String condition_clientName();

        @AttributeDefinition(name = "Authentication methods condition", required = false,
                description = "Comma-separated: PAP, CHAP, MSCHAPV2, EAP_MSCHAPV2")
        String condition_authMethods();

        String webconsole_configurationFactory_nameHint() default "{order}: {name} ({access})";
    }

    private final PolicyTable table;
    private final String key;

    @Activate
    public PolicyDefinition(@Reference PolicyTable table, Map<String, Object> properties) {
        this.table = table;
        this.key = String.valueOf(properties.get("service.pid"));
        configure(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        configure(properties);
    }

    @Deactivate
    void deactivate() {
        table.remove(key);
    }

    private void configure(Map<String, Object> properties) {
        ConfigReader config = new ConfigReader(properties);
        try {
            NetworkPolicy policy = parse(config);
            try {
                table.put(key, policy, config.source());
            } catch (IllegalArgumentException e) {
                throw config.invalid(e.getMessage().startsWith("processing order") ? "order" : "name",
                        e.getMessage());
            }
            config.unknownKeys(KEYS, "condition.", "reply.").forEach(unknown -> LOG.warn(
                    "{}: key '{}' is not a policy setting and is ignored", config.source(), unknown));
        } catch (InvalidConfigurationException e) {
            LOG.error("Refused network policy configuration {}; the last good version of this policy, if any,"
                    + " keeps serving", e.getMessage());
        }
    }

    static NetworkPolicy parse(ConfigReader config) throws InvalidConfigurationException {
        String name = config.requiredString("name");
        int order = config.integer("order", Integer.MIN_VALUE, 0, Integer.MAX_VALUE - 1);
        if (order == Integer.MIN_VALUE) {
            throw config.invalid("order", "is required: policies are evaluated in processing order");
        }
        String access = config.string("access", "deny").toLowerCase(Locale.ROOT);
        if (!access.equals("grant") && !access.equals("deny")) {
            throw config.invalid("access", "'" + access + "' is neither grant nor deny");
        }
        List<Condition> conditions = new ArrayList<>();
        List<String> groups = config.list("condition.userGroups");
        if (!groups.isEmpty()) {
            conditions.add(new Condition.UserGroups(new HashSet<>(groups)));
        }
        String clientName = config.string("condition.clientName", "");
        if (!clientName.isEmpty()) {
            conditions.add(new Condition.ClientName(pattern(config, "condition.clientName", clientName)));
        }
        List<String> methods = config.list("condition.authMethods");
        if (!methods.isEmpty()) {
            Set<AuthMethod> allowed = EnumSet.noneOf(AuthMethod.class);
            for (String method : methods) {
                try {
                    allowed.add(AuthMethod.valueOf(method.toUpperCase(Locale.ROOT).replace('-', '_')));
                } catch (IllegalArgumentException e) {
                    throw config.invalid("condition.authMethods", "'" + method + "' is not one of "
                            + EnumSet.allOf(AuthMethod.class));
                }
            }
            conditions.add(new Condition.AuthMethods(allowed));
        }
        for (Map.Entry<String, String> entry : config.withPrefix("condition.").entrySet()) {
            String attribute = entry.getKey();
            if (KEYS.contains("condition." + attribute)) {
                continue;
            }
            if (!ATTRIBUTE_NAME.matcher(attribute).matches()) {
                throw config.invalid("condition." + attribute, "'" + attribute + "' is not an attribute name");
            }
            conditions.add(new Condition.AttributeMatches(attribute,
                    pattern(config, "condition." + attribute, entry.getValue())));
        }
        List<ReplyAttribute> reply = new ArrayList<>();
        for (Map.Entry<String, String> entry : config.withPrefix("reply.").entrySet()) {
            if (!ATTRIBUTE_NAME.matcher(entry.getKey()).matches()) {
                throw config.invalid("reply." + entry.getKey(), "'" + entry.getKey() + "' is not an attribute name");
            }
            reply.add(new ReplyAttribute(entry.getKey(), entry.getValue()));
        }
        return new NetworkPolicy(name, order, config.bool("enabled", true), access.equals("grant"),
                config.bool("mfaRequired", false), conditions, reply);
    }

    private static Pattern pattern(ConfigReader config, String key, String text) throws InvalidConfigurationException {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw config.invalid(key, "'" + text + "' is not a valid regular expression: " + e.getDescription());
        }
    }
}
