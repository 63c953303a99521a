package org.radmfa.itests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The network of the Azure point-to-site scenario, made for one test run and removed after it.
 * <p>
 * <b>Namespace mode</b> (root, {@code ip netns}): a network namespace stands for the Azure VPN gateway's
 * GatewaySubnet. A veth pair joins it to the test machine, where the appliance runs:
 * <pre>
 *   root namespace (appliance, Entra emulator on 127.0.0.1)      namespace radmfa-p2s-... (the gateway)
 *   veth p2s...r  10.1.254.1/24                 &lt;--veth--&gt;       veth p2s...g  10.1.255.4/27  (gateway instance)
 *   route 10.1.255.0/27 dev p2s...r                                             10.1.254.77/32 (an outsider)
 *                                                                 route 10.1.254.1 dev p2s...g src 10.1.255.4
 * </pre>
 * The appliance is on the other side of a route, as in Azure, where it sits in another subnet of the VNet (or on
 * premises). The outsider address lies outside the client subnet 10.1.255.0/27: its requests must get no answer.
 * Nothing is routed anywhere else, so no datagram leaves the machine.
 * <p>
 * <b>Loopback fallback</b>, only when a namespace cannot be created (no privilege): 127.1.255.4 (gateway),
 * 127.1.254.77 (outsider) and 127.1.254.1 (appliance), all on Linux's loopback; the client subnet becomes
 * 127.1.255.0/27. The fallback is announced on stdout and stderr and in the scenario report.
 */
final class P2sNetwork implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    enum Mode {
        NAMESPACE, LOOPBACK
    }

    final Mode mode;
    /** Why the namespace mode was not used; null in namespace mode. */
    final String fallbackReason;
    final String applianceAddress;
    final String gatewayAddress;
    final String outsiderAddress;
    final String clientSubnet;
    private final String namespace;
    private final String rootLink;
    private final Path workDir;
    private volatile boolean closed;

    private P2sNetwork(Mode mode, String fallbackReason, String applianceAddress, String gatewayAddress,
            String outsiderAddress, String clientSubnet, String namespace, String rootLink, Path workDir) {
        this.mode = mode;
        this.fallbackReason = fallbackReason;
        this.applianceAddress = applianceAddress;
        this.gatewayAddress = gatewayAddress;
        this.outsiderAddress = outsiderAddress;
        this.clientSubnet = clientSubnet;
        this.namespace = namespace;
        this.rootLink = rootLink;
        this.workDir = workDir;
    }

    /**
     * Creates the namespace and veth pair, or falls back (loudly) to loopback addresses when the namespace cannot be
     * created. Fails when the 10.1.254.0/24 or 10.1.255.0/27 ranges are already in use on this machine: the test
     * must never touch a network it did not create.
     *
     * @param forceLoopback use the loopback fallback even where namespaces work (to test the fallback itself)
     */
    static P2sNetwork create(Path workDir, boolean forceLoopback) {
        String suffix = Long.toHexString(ProcessHandle.current().pid() & 0xFFFF) + String.format("%02x",
                ThreadLocalRandom.current().nextInt(256));
        String namespace = "radmfa-p2s-" + suffix;
        String rootLink = "p2s" + suffix + "r";
        String gatewayLink = "p2s" + suffix + "g";
        String reason;
        if (forceLoopback) {
            reason = "forced by -Dp2s.network=loopback";
        } else if (!Commands.onPath("ip")) {
            reason = "no 'ip' command (iproute2)";
        } else {
            Commands.Result add = run(workDir, "ip", "netns", "add", namespace);
            reason = add.exitCode == 0 ? null : "'ip netns add' failed: " + add.output.trim();
        }
        if (reason != null) {
            String message = "P2sScenarioIT: NO NETWORK NAMESPACE (" + reason + "). FALLING BACK to loopback"
                    + " addresses: gateway 127.1.255.4, outsider 127.1.254.77, appliance 127.1.254.1, client subnet"
                    + " 127.1.255.0/27. The scenarios run, but not across a separate network stack.";
            System.out.println(message);
            System.err.println(message);
            return new P2sNetwork(Mode.LOOPBACK, reason, "127.1.254.1", "127.1.255.4", "127.1.254.77",
                    "127.1.255.0/27", null, null, workDir);
        }
        P2sNetwork network = new P2sNetwork(Mode.NAMESPACE, null, "10.1.254.1", "10.1.255.4", "10.1.254.77",
                "10.1.255.0/27", namespace, rootLink, workDir);
        try {
            String inUse = run(workDir, "ip", "-4", "-o", "addr", "show").output
                    + run(workDir, "ip", "-4", "route", "show").output;
            if (inUse.contains("10.1.254.") || inUse.contains("10.1.255.")) {
                throw new AssertionError("10.1.254.0/24 or 10.1.255.0/27 is already in use on this machine (another"
                        + " P2S run, or a real network): refusing to add addresses or routes there.\n" + inUse);
            }
            List<List<String>> steps = new ArrayList<>();
            steps.add(List.of("ip", "link", "add", rootLink, "type", "veth", "peer", "name", gatewayLink));
            steps.add(List.of("ip", "link", "set", gatewayLink, "netns", namespace));
            steps.add(List.of("ip", "addr", "add", "10.1.254.1/24", "dev", rootLink));
            steps.add(List.of("ip", "link", "set", rootLink, "up"));
            steps.add(List.of("ip", "route", "add", "10.1.255.0/27", "dev", rootLink));
            steps.add(List.of("ip", "-n", namespace, "link", "set", "lo", "up"));
            steps.add(List.of("ip", "-n", namespace, "addr", "add", "10.1.255.4/27", "dev", gatewayLink));
            steps.add(List.of("ip", "-n", namespace, "addr", "add", "10.1.254.77/32", "dev", gatewayLink));
            steps.add(List.of("ip", "-n", namespace, "link", "set", gatewayLink, "up"));
            // Only the appliance is reachable from the gateway, and with the gateway's address as source.
            steps.add(List.of("ip", "-n", namespace, "route", "add", "10.1.254.1/32", "dev", gatewayLink, "src",
                    "10.1.255.4"));
            for (List<String> step : steps) {
                Commands.Result result = run(workDir, step.toArray(String[]::new));
                if (result.exitCode != 0) {
                    throw new AssertionError("network set-up failed: " + result);
                }
            }
            return network;
        } catch (RuntimeException | Error e) {
            network.close();
            throw e;
        }
    }

    /** The command, run in the gateway's network (inside its namespace, or as it is in the loopback fallback). */
    List<String> onGateway(List<String> command) {
        if (mode == Mode.LOOPBACK) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * The source address a command must bind to explicitly, or null when the gateway network's own routing picks the
     * gateway's address (namespace mode).
     */
    String explicitGatewaySource() {
        return mode == Mode.LOOPBACK ? gatewayAddress : null;
    }

    String describe() {
        return mode == Mode.NAMESPACE
                ? "network namespace " + namespace + " (gateway " + gatewayAddress + ", outsider " + outsiderAddress
                        + ") joined by veth to the appliance at " + applianceAddress
                : "LOOPBACK FALLBACK (" + fallbackReason + "): gateway " + gatewayAddress + ", outsider "
                        + outsiderAddress + ", appliance " + applianceAddress;
    }

    /** Deletes the namespace (which takes the veth pair and its routes with it); idempotent. */
    @Override
    public synchronized void close() {
        if (closed || mode == Mode.LOOPBACK) {
            closed = true;
            return;
        }
        closed = true;
        run(workDir, "ip", "netns", "del", namespace);
        // The root end normally goes with its peer; make sure.
        if (run(workDir, "ip", "link", "show", rootLink).exitCode == 0) {
            run(workDir, "ip", "link", "del", rootLink);
        }
    }

    /** True when nothing of this network is left on the machine. */
    boolean removed() {
        return mode == Mode.LOOPBACK || (!run(workDir, "ip", "netns", "list").output.contains(namespace)
                && run(workDir, "ip", "link", "show", rootLink).exitCode != 0);
    }

    private static Commands.Result run(Path workDir, String... command) {
        return Commands.run(workDir, Map.of(), null, COMMAND_TIMEOUT, List.of(command));
    }
}
