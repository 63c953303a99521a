package org.radmfa.cluster.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;

/** {@code etc/org.radmfa.cluster.cfg}, checked: a bad value names its key. */
record ClusterSettings(String nodeName, String bindAddress, int port, List<String> members, String clusterName,
        List<String> sharedFactoryPids, List<String> sharedPids) {
    /** Keys and defaults: the node's metatype definition. */
    static final ConfigType TYPE = ConfigType.of(ClusterNode.Settings.class);
    static final String DEFAULT_FACTORY_PIDS = "org.radmfa.client,org.radmfa.user,org.radmfa.policy,org.radmfa.crp,"
            + "org.radmfa.otp,org.radmfa.directory.ldap";
    static final String DEFAULT_PIDS = "org.radmfa.pipeline,org.radmfa.mfa.entra,org.radmfa.mfa.otp";

    static ClusterSettings read(ConfigReader config) throws InvalidConfigurationException {
        String nodeName = config.string("nodeName");
        if (nodeName.isEmpty()) {
            nodeName = hostName();
        }
        if (!nodeName.matches("[A-Za-z0-9._-]+")) {
            throw config.invalid("nodeName", "'" + nodeName + "' may hold only letters, digits, '.', '_' and '-'");
        }
        String bindAddress = config.requiredString("bindAddress");
        int port = config.integer("port", 1, 65535);
        List<String> members = config.list("members");
        if (members.isEmpty()) {
            throw config.invalid("members", "is required: the address of every node, this one included");
        }
        return new ClusterSettings(nodeName, bindAddress, port, members, config.string("clusterName"),
                list(config, "sharedFactoryPids"), list(config, "sharedPids"));
    }

    /** The configured list; absent, the type's default list (configured empty, it stays empty). */
    private static List<String> list(ConfigReader config, String key) {
        List<String> values = config.list(key);
        return values.isEmpty() && config.string(key, null) == null ? List.of(config.string(key).split(",")) : values;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "radmfa";
        }
    }
}
