package org.radmfa.proxy.internal;

import java.time.Duration;
import java.util.Set;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.config.ConfigChecks;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * What is specific to one remote RADIUS server's factory configuration ({@code etc/org.radmfa.proxy.server-NAME.cfg};
 * a group is the servers that name it): its keys and defaults (NPS's), and how it is read, with the vault opening a
 * sealed secret. Reading, refusing and keeping the last good definition are {@link FactoryDefinitions}';
 * {@link RemoteServerDefinitions}, the proxy's own object, feeds it.
 */
final class RemoteServerDefinition {
    static final String FACTORY_PID = "org.radmfa.proxy.server";
    /** Prefix of a secret sealed by the appliance's {@link SecretVault}. */
    static final String SEALED = ConfigChecks.SEALED;
    static final Set<String> KEYS = Set.of("name", "group", "address", "authPort", "acctPort", "secret", "priority",
            "weight", "timeoutSeconds", "maxLostRequests", "blackoutSeconds", "forwardAccounting",
            "sendMessageAuthenticator", "requireMessageAuthenticator", "webconsole.configurationFactory.nameHint",
            "transport");

    private RemoteServerDefinition() {
    }

    @ObjectClassDefinition(name = "radmfa remote RADIUS server", factoryPid = FACTORY_PID,
            description = "A RADIUS server that connection request policies with action forward send requests to,"
                    + " as a member of a remote RADIUS server group (NPS)")
    @interface Config {
        @AttributeDefinition(name = "Server name", description = "Unique within its group; shown in logs and traces")
        String name();

        @AttributeDefinition(name = "Remote server group",
                description = "The group a connection request policy's serverGroup names")
        String group();

        @AttributeDefinition(name = "Address", description = "IP address or DNS name of the remote server")
        String address();

        @AttributeDefinition(name = "Authentication port")
        int authPort() default 1812;

        @AttributeDefinition(name = "Accounting port")
        int acctPort() default 1813;

        @AttributeDefinition(name = "Shared secret", type = AttributeType.PASSWORD,
                description = "The secret the remote server has for this appliance; sealed by the vault at rest")
        String secret();

        @AttributeDefinition(name = "Priority", description = "Lower first; servers of a higher priority get"
                + " requests only when those of lower ones are down or do not answer (NPS, 1-65535)")
        int priority() default 1;

        @AttributeDefinition(name = "Weight", description = "Share of the requests among servers of the same"
                + " priority (NPS, 1-100)")
        int weight() default 50;

        @AttributeDefinition(name = "Timeout (seconds)", description = "Seconds without an answer before a request"
                + " counts as lost and goes to the next server (NPS: 3)")
        int timeoutSeconds() default 3;

        @AttributeDefinition(name = "Maximum lost requests", description = "Requests in a row without an answer"
                + " after which the server is down (NPS: 5)")
        int maxLostRequests() default 5;

        @AttributeDefinition(name = "Blackout interval (seconds)", description = "While down, the server is probed"
                + " with Status-Server (RFC 5997) this often; its first answer brings it back (NPS: 30)")
        int blackoutSeconds() default 30;

        @AttributeDefinition(name = "Forward accounting", description = "Send Accounting-Requests of forwarded"
                + " users to this server too")
        boolean forwardAccounting() default true;

        @AttributeDefinition(name = "Send Message-Authenticator", description = "Sign every Access-Request with a"
                + " Message-Authenticator (RFC 3579; BlastRADIUS, CVE-2024-3596)")
        boolean sendMessageAuthenticator() default true;

        @AttributeDefinition(name = "Require Message-Authenticator", description = "Treat an answer without a"
                + " valid Message-Authenticator as no answer (servers patched for BlastRADIUS send one)")
        boolean requireMessageAuthenticator() default false;

        String webconsole_configurationFactory_nameHint() default "{group}: {name} ({address})";
    }

    static final ConfigType TYPE = ConfigType.of(Config.class);

    /** Reads and checks a server definition; the typed configuration (through {@link #TYPE}) holds the defaults. */
    static ServerSettings parse(ConfigReader config, SecretVault vault) throws InvalidConfigurationException {
        String name = ConfigChecks.name(config, "name");
        String group = ConfigChecks.name(config, "group");
        String address = ConfigChecks.hostOrAddress(config, "address");
        int authPort = ConfigChecks.port(config, "authPort", anyInteger(config, "authPort"));
        int acctPort = ConfigChecks.port(config, "acctPort", anyInteger(config, "acctPort"));
        int priority = ConfigChecks.range(config, "priority", anyInteger(config, "priority"), 1, 65535);
        int weight = ConfigChecks.range(config, "weight", anyInteger(config, "weight"), 1, 100);
        Duration timeout = ConfigChecks.seconds(config, "timeoutSeconds", anyInteger(config, "timeoutSeconds"), 1, 60);
        int maxLost = ConfigChecks.range(config, "maxLostRequests", anyInteger(config, "maxLostRequests"), 1, 1000);
        Duration blackout = ConfigChecks.seconds(config, "blackoutSeconds", anyInteger(config, "blackoutSeconds"), 1,
                3600);
        boolean forwardAccounting = config.bool("forwardAccounting");
        boolean sendMessageAuthenticator = config.bool("sendMessageAuthenticator");
        boolean requireMessageAuthenticator = config.bool("requireMessageAuthenticator");
        RadSecSettings radsec = RadSecSettings.parse(config, vault);
        String secret = config.string("secret", "");
        if (radsec != null && secret.isEmpty()) {
            secret = RadSecSettings.SECRET;
        }
        secret = ConfigChecks.secret(config, "secret", secret, vault);
        // RadSec's port is 2083 (RFC 6614) unless one is configured; accounting shares the connection.
        if (radsec != null && config.string("authPort", null) == null) {
            authPort = RadSecSettings.PORT;
        }
        return new ServerSettings(name, group, address, authPort, acctPort, SharedSecret.of(secret), priority, weight,
                timeout.toMillis(), maxLost, blackout.toMillis(), forwardAccounting, sendMessageAuthenticator,
                requireMessageAuthenticator, radsec);
    }

    /** A whole number, or the type's default; its range is checked by the caller, with the reason NPS users know. */
    private static int anyInteger(ConfigReader config, String key) throws InvalidConfigurationException {
        return config.integer(key, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
}
