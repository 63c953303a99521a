package org.radmfa.policy.internal;

import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.google.re2j.Pattern;

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
import org.radmfa.api.ConnectionDecision;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection request policy, from one factory configuration ({@code etc/org.radmfa.crp-NAME.cfg}). Refused
 * with its file, key and reason when it does not validate; its last good version keeps serving.
 */
@Component(configurationPid = ConnectionPolicyDefinition.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = ConnectionPolicyDefinition.Config.class, factory = true)
public final class ConnectionPolicyDefinition {
    static final String FACTORY_PID = "org.radmfa.crp";
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPolicyDefinition.class);
    static final Set<String> KEYS = Set.of("name", "order", "enabled", "action", "directory", "serverGroup",
            "timeZone", "rewrite.pattern", "rewrite.replacement", "webconsole.configurationFactory.nameHint");

    @ObjectClassDefinition(name = "radmfa connection request policy",
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

        @AttributeDefinition(name = "User-Name find", required = false,
                description = "Regular expression replaced in the User-Name, e.g. '@example\\.com$' or '^EXAMPLE\\\\'")
        String rewrite_pattern();

        @AttributeDefinition(name = "User-Name replace", required = false,
                description = "Replacement, $1 for groups; empty strips what was found")
        String rewrite_replacement();

        String webconsole_configurationFactory_nameHint() default "{order}: {name} ({action})";
    }

    private final PolicyTable table;
    private final String key;

    @Activate
    public ConnectionPolicyDefinition(@Reference PolicyTable table, Map<String, Object> properties) {
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
            ConnectionRequestPolicy policy = parse(config);
            try {
                table.put(key, policy, config.source());
            } catch (IllegalArgumentException e) {
                throw config.invalid(e.getMessage().startsWith("processing order") ? "order" : "name",
                        e.getMessage());
            }
            config.unknownKeys(KEYS, "condition.").forEach(unknown -> LOG.warn(
                    "{}: key '{}' is not a connection request policy setting and is ignored", config.source(),
                    unknown));
        } catch (InvalidConfigurationException e) {
            LOG.error("Refused connection request policy configuration {}; the last good version of this policy, if"
                    + " any, keeps serving", e.getMessage());
        }
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
        String rewrite = config.string("rewrite.pattern", "");
        Pattern pattern = rewrite.isEmpty() ? null : PolicyParser.pattern(config, "rewrite.pattern", rewrite);
        String directory = config.string("directory", "");
        return new ConnectionRequestPolicy(name, order, config.bool("enabled", true), conditions, action,
                directory.isEmpty() ? null : directory, serverGroup.isEmpty() ? null : serverGroup, pattern,
                config.string("rewrite.replacement", ""));
    }
}
