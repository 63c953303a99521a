package org.radmfa.cluster.internal;

import java.util.Map;
import java.util.Set;

/** This node's configurations that the cluster shares, by portable key: ConfigurationAdmin in the appliance. */
interface LocalConfigs {

    /** The shared configurations present on this node. */
    Set<String> keys();

    /** A configuration's own properties as text, or null when it does not exist here. */
    Map<String, String> read(String key);

    /** Creates or replaces; the etc/ file follows, as if an administrator had edited it. */
    void write(String key, Map<String, String> properties);

    void delete(String key);
}
