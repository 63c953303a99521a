package org.radmfa.policy.internal;

import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.radmfa.api.AttributeDictionary;
import org.radmfa.api.DirectoryListener;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.UserDirectory;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One network policy, from one factory configuration ({@code etc/org.radmfa.policy-NAME.cfg}). Conditions are
 * {@code condition.*} keys, reply attributes {@code reply.<Attribute-Name>} keys (further values of the same
 * attribute {@code reply.<Attribute-Name>.2}, {@code .3}, ...). A policy that does not validate
 * is refused with its file, key and reason; its last good version keeps serving.
 */
@Component(configurationPid = PolicyDefinition.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = DirectoryListener.class)
@Designate(ocd = PolicyDefinition.Config.class, factory = true)
public final class PolicyDefinition implements DirectoryListener {
    static final String FACTORY_PID = "org.radmfa.policy";
    private static final Logger LOG = LoggerFactory.getLogger(PolicyDefinition.class);
    static final Set<String> KEYS = Set.of("name", "order", "enabled", "access", "mfaRequired",
            "mfaExemptGroups", "timeZone", "constraint.authMethods", "constraint.dayAndTime",
            "constraint.nasPortType", "constraint.sessionTimeout", "constraint.idleTimeout",
            "webconsole.configurationFactory.nameHint");

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
                description = "Comma-separated: PAP, CHAP, MSCHAPV2, EAP_MSCHAPV2, EAP_TLS, PEAP")
        String condition_authMethods();

        @AttributeDefinition(name = "Certificate issuer condition", required = false,
                description = "EAP-TLS: regular expression matched against the client certificate's issuer DN")
        String condition_certificateIssuer();

        @AttributeDefinition(name = "Certificate purpose condition", required = false,
                description = "EAP-TLS: comma-separated extended key usage OIDs; the certificate names one of them")
        String condition_certificateEku();

        @AttributeDefinition(name = "Certificate policy condition", required = false,
                description = "EAP-TLS: comma-separated certificate policy OIDs; the certificate names one of them")
        String condition_certificatePolicy();

        @AttributeDefinition(name = "Client address condition", required = false,
                description = "Comma-separated addresses or CIDR subnets the request's source must be in")
        String condition_clientAddress();

        @AttributeDefinition(name = "Day and time condition", required = false,
                description = "Weekly hours, e.g. 'Mon-Fri 07:00-19:00; Sat 09:00-12:00', in the policy's time zone")
        String condition_dayAndTime();

        @AttributeDefinition(name = "Time zone", required = false,
                description = "For day-and-time conditions and constraints, e.g. Europe/Berlin; default: the system's")
        String timeZone();

        @AttributeDefinition(name = "MFA exempt groups", required = false,
                description = "Comma-separated groups whose members need no second factor under this policy")
        String mfaExemptGroups();

        @AttributeDefinition(name = "Allowed authentication methods (constraint)", required = false,
                description = "Comma-separated: PAP, CHAP, MSCHAPV2, EAP_MSCHAPV2, EAP_TLS, PEAP; others are rejected")
        String constraint_authMethods();

        @AttributeDefinition(name = "Day and time (constraint)", required = false,
                description = "Weekly hours outside which a matching request is rejected")
        String constraint_dayAndTime();

        @AttributeDefinition(name = "NAS port types (constraint)", required = false,
                description = "Comma-separated NAS-Port-Type names allowed, e.g. Virtual")
        String constraint_nasPortType();

        @AttributeDefinition(name = "Session timeout (constraint, seconds)", required = false,
                description = "Returned as Session-Timeout")
        String constraint_sessionTimeout();

        @AttributeDefinition(name = "Idle timeout (constraint, seconds)", required = false,
                description = "Returned as Idle-Timeout")
        String constraint_idleTimeout();

        String webconsole_configurationFactory_nameHint() default "{order}: {name} ({access})";
    }

    private final PolicyTable table;
    private final String key;
    private volatile Map<String, Object> lastProperties;
    private volatile AttributeDictionary dictionary;
    private final List<UserDirectory> directories = new CopyOnWriteArrayList<>();
    /** Refused for naming a group no directory had: read again when a directory's groups change. */
    private volatile boolean waitingForGroup;

    @Activate
    public PolicyDefinition(@Reference PolicyTable table, Map<String, Object> properties) {
        this.table = table;
        this.key = String.valueOf(properties.get("service.pid"));
    }

    /** After the references are bound, so that the dictionary and the directories check the first version too. */
    @Activate
    void activate(Map<String, Object> properties) {
        configure(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        configure(properties);
    }

    /**
     * The dictionary lives in the transport bundle, which may start after this one: when it arrives, the policy is
     * read again, this time with its reply attributes checked. Without it they are checked when sent.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDictionary(AttributeDictionary bound) {
        this.dictionary = bound;
        Map<String, Object> properties = lastProperties;
        if (properties != null) {
            configure(properties);
        }
    }

    void unbindDictionary(AttributeDictionary unbound) {
        if (dictionary == unbound) {
            dictionary = null;
        }
    }

    /** Directories are asked whether the groups a policy names exist; a new one may have a missing group. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindDirectory(UserDirectory bound) {
        directories.add(bound);
        retryIfWaitingForGroup();
    }

    void unbindDirectory(UserDirectory unbound) {
        directories.remove(unbound);
    }

    @Override
    public void groupsChanged(UserDirectory directory) {
        retryIfWaitingForGroup();
    }

    private void retryIfWaitingForGroup() {
        Map<String, Object> properties = lastProperties;
        if (waitingForGroup && properties != null) {
            configure(properties);
        }
    }

    @Deactivate
    void deactivate() {
        table.remove(key);
    }

    private synchronized void configure(Map<String, Object> properties) {
        lastProperties = properties;
        ConfigReader config = new ConfigReader(properties);
        waitingForGroup = false;
        try {
            NetworkPolicy policy = parse(config);
            List<String> unchecked;
            try {
                unchecked = GroupCheck.check(config, List.copyOf(directories));
            } catch (InvalidConfigurationException e) {
                waitingForGroup = true;
                throw e;
            }
            AttributeDictionary checker = dictionary;
            if (checker != null) {
                for (ReplyAttribute reply : policy.replyAttributes()) {
                    String problem = checker.problem(reply.name(), reply.value()).orElse(null);
                    if (problem != null) {
                        throw config.invalid(replyKey(reply), problem);
                    }
                }
            }
            try {
                table.put(key, policy, config.source());
            } catch (IllegalArgumentException e) {
                throw config.invalid(e.getMessage().startsWith("processing order") ? "order" : "name",
                        e.getMessage());
            }
            if (!unchecked.isEmpty()) {
                LOG.warn("{}: groups {} could not be checked now (a directory did not answer); the policy is loaded",
                        config.source(), unchecked);
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
        int order = PolicyParser.order(config);
        String access = config.string("access", "deny").toLowerCase(Locale.ROOT);
        if (!access.equals("grant") && !access.equals("deny")) {
            throw config.invalid("access", "'" + access + "' is neither grant nor deny");
        }
        ZoneId zone = PolicyParser.zone(config);
        List<Condition> conditions = PolicyParser.conditions(config, true, zone);
        Constraints constraints = new Constraints(PolicyParser.authMethods(config, "constraint.authMethods"),
                PolicyParser.hours(config, "constraint.dayAndTime"), zone, new HashSet<>(config.list(
                        "constraint.nasPortType")));
        List<ReplyAttribute> reply = ReplyValues.parse(config);
        timeout(config, "constraint.sessionTimeout", "Session-Timeout", reply);
        timeout(config, "constraint.idleTimeout", "Idle-Timeout", reply);
        return new NetworkPolicy(name, order, config.bool("enabled", true), access.equals("grant"),
                config.bool("mfaRequired", false), new HashSet<>(config.list("mfaExemptGroups")), conditions,
                constraints, reply);
    }

    static String replyKey(ReplyAttribute reply) {
        return switch (reply.name()) {
            case "Session-Timeout", "Idle-Timeout" -> "reply." + reply.name() + " (or its constraint)";
            default -> "reply." + reply.name() + " (or reply." + reply.name() + ".N)";
        };
    }

    /** NPS's session and idle timeout constraints are what the NAS enforces from these reply attributes. */
    private static void timeout(ConfigReader config, String key, String attribute, List<ReplyAttribute> reply)
            throws InvalidConfigurationException {
        int seconds = config.integer(key, 0, 0, Integer.MAX_VALUE);
        if (seconds == 0) {
            return;
        }
        if (reply.stream().anyMatch(r -> r.name().equalsIgnoreCase(attribute))) {
            throw config.invalid(key, "conflicts with reply." + attribute + "; set one of them");
        }
        reply.add(new ReplyAttribute(attribute, String.valueOf(seconds)));
    }
}
