package org.radmfa.policy.internal;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.radmfa.api.AttributeDictionary;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * What is specific to a network policy's factory configuration ({@code etc/org.radmfa.policy-NAME.cfg}): its keys and
 * defaults and how it is read. Conditions are {@code condition.*} keys, reply attributes {@code reply.<Attribute-Name>}
 * keys (further values of the same attribute {@code reply.<Attribute-Name>.2}, {@code .3}, ...). Reading, refusing
 * and keeping the last good version are {@link PolicyDefinitions}' (through the API's FactoryDefinitions).
 */
final class PolicyDefinition {
    static final String FACTORY_PID = "org.radmfa.policy";
    static final ConfigType TYPE = ConfigType.of(Config.class);
    static final Set<String> KEYS = Set.of("name", "order", "enabled", "access", "ignoreUserDialIn", "mfaRequired",
            "mfaExemptGroups", "timeZone", "constraint.authMethods", "constraint.dayAndTime",
            "constraint.nasPortType", "constraint.sessionTimeout", "constraint.idleTimeout",
            "webconsole.configurationFactory.nameHint");

    private PolicyDefinition() {
    }

    @ObjectClassDefinition(name = "radmfa network policy", factoryPid = FACTORY_PID,
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
                @Option(label = "Deny access", value = "deny"), @Option(label = "Decided by each user account's"
                        + " dial-in permission (Allow grants; Deny or none denies)", value = "dialin")})
        String access() default "deny";

        @AttributeDefinition(name = "Ignore user account dial-in properties", description = "NPS's check box. When"
                + " not ticked, a user account's dial-in properties apply under this policy: Deny access rejects,"
                + " Verify Caller-ID rejects other Calling-Station-Ids, a static IP address and static routes are"
                + " returned as Framed-IP-Address and Framed-Route")
        boolean ignoreUserDialIn() default false;

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

    static NetworkPolicy parse(ConfigReader config) throws InvalidConfigurationException {
        String name = config.requiredString("name");
        int order = PolicyParser.order(config);
        String accessKey = config.string("access", "deny").toLowerCase(Locale.ROOT);
        NetworkPolicy.Access access = Arrays.stream(NetworkPolicy.Access.values())
                .filter(a -> a.key().equals(accessKey)).findFirst()
                .orElseThrow(() -> config.invalid("access", "'" + accessKey + "' is not grant, deny or dialin"));
        boolean ignoreUserDialIn = config.bool("ignoreUserDialIn", false);
        if (ignoreUserDialIn && access == NetworkPolicy.Access.DIAL_IN) {
            throw config.invalid("ignoreUserDialIn", "access = dialin leaves the decision to user accounts' dial-in"
                    + " permission, which this setting ignores; set access to grant or deny, or untick it");
        }
        ZoneId zone = PolicyParser.zone(config);
        List<Condition> conditions = PolicyParser.conditions(config, true, zone);
        Constraints constraints = new Constraints(PolicyParser.authMethods(config, "constraint.authMethods"),
                PolicyParser.hours(config, "constraint.dayAndTime"), zone, new HashSet<>(config.list(
                        "constraint.nasPortType")));
        List<ReplyAttribute> reply = ReplyValues.parse(config);
        timeout(config, "constraint.sessionTimeout", "Session-Timeout", reply);
        timeout(config, "constraint.idleTimeout", "Idle-Timeout", reply);
        return new NetworkPolicy(name, order, config.bool("enabled", true), access, ignoreUserDialIn,
                config.bool("mfaRequired", false), new HashSet<>(config.list("mfaExemptGroups")), conditions,
                constraints, reply);
    }

    /** Refuses a reply attribute the transport's dictionary does not accept (when it runs). */
    static void checkReplies(NetworkPolicy policy, AttributeDictionary dictionary, ConfigReader config)
            throws InvalidConfigurationException {
        if (dictionary == null) {
            return;
        }
        for (ReplyAttribute reply : policy.replyAttributes()) {
            String problem = dictionary.problem(reply.name(), reply.value()).orElse(null);
            if (problem != null) {
                throw config.invalid(replyKey(reply), problem);
            }
        }
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
