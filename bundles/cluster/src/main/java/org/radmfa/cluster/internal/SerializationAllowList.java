package org.radmfa.cluster.internal;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.JavaSerializationFilterConfig;

/**
 * What a member accepts through Java serialization: a member that joins without the vault key can still send any
 * bytes, and Java deserialization of a gadget class runs its payload before anything else looks at it. Everything the
 * appliance stores is a String (Hazelcast's own serializer, no Java serialization); what still travels as Java
 * serialization is Hazelcast's own error responses between members (a Throwable with its stack trace, causes and
 * suppressed list). So: Hazelcast's classes (not the libraries it shades) and the JDK packages a Throwable is made of;
 * nothing from java.net, java.rmi or javax (URLDNS, JRMP, BadAttributeValueExpException), nothing of ours or of
 * other bundles.
 */
final class SerializationAllowList {
    private SerializationAllowList() {
    }

    static JavaSerializationFilterConfig filter() {
        // Exact packages, not prefixes: java.lang does not let java.lang.invoke or java.lang.reflect through.
        ClassFilter allowed = new ClassFilter()
                .addPrefixes("com.hazelcast.", "[")
                .addPackages("java.lang", "java.util", "java.util.concurrent", "java.io", "java.time");
        // Arrays ("[") are harmless alone: their elements' classes are checked one by one.
        return new JavaSerializationFilterConfig()
                .setDefaultsDisabled(true) // the defaults let all of java* and javax* through
                .setWhitelist(allowed)
                .setBlacklist(new ClassFilter().addPrefixes("com.hazelcast.shaded."));
    }
}
