package org.radmfa.itests;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/** What bundles show in the service registry, as {@code service:list} would print it. */
final class RegisteredServices {
    private RegisteredServices() {
    }

    /** "bundle: type" for every service these bundles registered under a type of an {@code internal} package. */
    static List<String> internalTypes(BundleContext context, Set<String> symbolicNames) {
        List<String> found = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            ServiceReference<?>[] registered = bundle.getRegisteredServices();
            if (!symbolicNames.contains(bundle.getSymbolicName()) || registered == null) {
                continue;
            }
            for (ServiceReference<?> reference : registered) {
                Arrays.stream((String[]) reference.getProperty(Constants.OBJECTCLASS))
                        .filter(type -> type.contains(".internal."))
                        .forEach(type -> found.add(bundle.getSymbolicName() + ": " + type));
            }
        }
        return found;
    }

    /** The PIDs of the ManagedServiceFactory services these bundles registered. */
    static Set<String> factoryPids(BundleContext context, Set<String> symbolicNames) {
        Set<String> pids = new TreeSet<>();
        for (Bundle bundle : context.getBundles()) {
            ServiceReference<?>[] registered = bundle.getRegisteredServices();
            if (!symbolicNames.contains(bundle.getSymbolicName()) || registered == null) {
                continue;
            }
            for (ServiceReference<?> reference : registered) {
                if (Arrays.asList((String[]) reference.getProperty(Constants.OBJECTCLASS))
                        .contains("org.osgi.service.cm.ManagedServiceFactory")) {
                    pids.add(String.valueOf(reference.getProperty(Constants.SERVICE_PID)));
                }
            }
        }
        return pids;
    }
}
