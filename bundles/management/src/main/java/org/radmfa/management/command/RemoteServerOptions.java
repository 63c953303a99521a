package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.radmfa.api.admin.RemoteServerSettings;

/** The settings of a remote RADIUS server that proxy-add and proxy-set take; what is not given stays as it is. */
abstract class RemoteServerOptions {

    @Option(name = "-a", aliases = "--address", description = "IP address or DNS name of the remote server")
    String address;

    @Option(name = "--auth-port", description = "Its authentication port (default 1812)")
    Integer authPort;

    @Option(name = "--acct-port", description = "Its accounting port (default 1813)")
    Integer acctPort;

    @Option(name = "-p", aliases = "--priority", description = "Lower first (1-65535, default 1)")
    Integer priority;

    @Option(name = "-w", aliases = "--weight",
            description = "Share among servers of the same priority (1-100, default 50)")
    Integer weight;

    @Option(name = "--timeout", description = "Seconds without an answer before the next server is tried (default 3)")
    Integer timeoutSeconds;

    @Option(name = "--max-lost", description = "Lost requests in a row after which the server is down (default 5)")
    Integer maxLostRequests;

    @Option(name = "--blackout", description = "Seconds between Status-Server probes while down (default 30)")
    Integer blackoutSeconds;

    @Option(name = "--forward-accounting", description = "true: Accounting-Requests go to it too (default)")
    @Completion(value = StringsCompleter.class, values = {"true", "false"})
    String forwardAccounting;

    @Option(name = "--send-message-authenticator",
            description = "true: every Access-Request carries a Message-Authenticator (default)")
    @Completion(value = StringsCompleter.class, values = {"true", "false"})
    String sendMessageAuthenticator;

    @Option(name = "--require-message-authenticator",
            description = "true: an answer without a valid Message-Authenticator counts as none (default false)")
    @Completion(value = StringsCompleter.class, values = {"true", "false"})
    String requireMessageAuthenticator;

    /** The old settings with the options given applied. */
    RemoteServerSettings applyTo(RemoteServerSettings old) {
        return new RemoteServerSettings(old.group(), old.name(), address == null ? old.address() : address,
                or(authPort, old.authPort()), or(acctPort, old.acctPort()), or(priority, old.priority()),
                or(weight, old.weight()), or(timeoutSeconds, old.timeoutSeconds()),
                or(maxLostRequests, old.maxLostRequests()), or(blackoutSeconds, old.blackoutSeconds()),
                flag("--forward-accounting", forwardAccounting, old.forwardAccounting()),
                flag("--send-message-authenticator", sendMessageAuthenticator, old.sendMessageAuthenticator()),
                flag("--require-message-authenticator", requireMessageAuthenticator,
                        old.requireMessageAuthenticator()));
    }

    private static int or(Integer given, int old) {
        return given == null ? old : given;
    }

    private static boolean flag(String option, String given, boolean old) {
        if (given == null) {
            return old;
        }
        if (!given.equals("true") && !given.equals("false")) {
            throw new IllegalArgumentException(option + " is true or false, not '" + given + "': nothing changed");
        }
        return Boolean.parseBoolean(given);
    }
}
