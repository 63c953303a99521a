package org.radmfa.management.command;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.radmfa.api.Cidr;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.DecisionLog;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.ListenerStatus;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.RadiusStatistics;
import org.radmfa.management.command.completers.ClientNameCompleter;
import org.radmfa.management.internal.AttributeNames;
import org.radmfa.management.internal.RadiusProbe;

/**
 * The operator's radtest that needs no secret on the command line: a real Access-Request over UDP to the running
 * server, sent as a registered client (from a local address the server takes for that client, signed with the
 * client's secret from the registry), with Message-Authenticator. Prints the outcome, the reply attributes and the
 * decision's trace from the decision log. The password is typed at a masked prompt.
 */
@Command(scope = "radmfa", name = "test-auth",
        description = "Sends a real Access-Request as a registered client and prints outcome, reply and trace")
@Service
public class TestAuthCommand implements Action {
    private static final int MAX_CHALLENGE_ROUNDS = 3;
    /** How many addresses of a client's subnet are tried as source before giving up. */
    private static final int MAX_SOURCE_CANDIDATES = 256;

    @Reference
    ClientRegistry registry;

    @Reference
    RadiusStatistics statistics;

    @Reference(optional = true)
    DecisionLog decisionLog;

    @Reference
    Session session;

    @Argument(index = 0, name = "user", required = true, description = "The User-Name")
    String user;

    @Option(name = "-c", aliases = "--client",
            description = "Send as this registered client (default: the client of 127.0.0.1)")
    @Completion(ClientNameCompleter.class)
    String clientName;

    @Option(name = "-m", aliases = "--method", description = "PAP (default) or CHAP")
    @Completion(value = StringsCompleter.class, values = {"PAP", "CHAP"})
    String method = "PAP";

    @Option(name = "-t", aliases = "--timeout", description = "Seconds to wait for the answer (default 15; an MFA"
            + " push may need up to the pipeline's mfaTimeoutSeconds)")
    int timeoutSeconds = 15;

    @Override
    public Object execute() throws Exception {
        boolean chap = method.equalsIgnoreCase("CHAP");
        if (!chap && !method.equalsIgnoreCase("PAP")) {
            throw new IllegalArgumentException("method '" + method + "' is neither PAP nor CHAP");
        }
        RadiusClient client = client();
        InetAddress source = sourceFor(client);
        InetSocketAddress server = server(source);
        String password = Prompts.secret(session, "Password for " + user);
        Duration timeout = Duration.ofSeconds(Math.max(1, Math.min(timeoutSeconds, 600)));
        System.out.println("Sending " + (chap ? "CHAP" : "PAP") + " Access-Request for '" + user + "' as client '"
                + client.name() + "' from " + source.getHostAddress() + " to " + server.getAddress().getHostAddress()
                + ":" + server.getPort());
        Instant sent = Instant.now();
        try (RadiusProbe probe = new RadiusProbe(source, server, client.secret().bytes())) {
            RadiusProbe.Reply reply = chap ? probe.chap(user, password, timeout)
                    : probe.pap(user, password, null, timeout);
            for (int round = 1; !chap && reply != null && reply.code() == RadiusProbe.ACCESS_CHALLENGE
                    && round <= MAX_CHALLENGE_ROUNDS; round++) {
                print(reply);
                byte[] prompt = reply.first(18);
                String answer = Prompts.secret(session, prompt == null ? "Challenge answer"
                        : new String(prompt, StandardCharsets.UTF_8).trim());
                if (answer.isEmpty()) {
                    System.out.println("No answer typed: the challenge is left unanswered");
                    return null;
                }
                reply = probe.pap(user, answer, reply.first(24), timeout);
            }
            if (reply == null) {
                System.out.println("No answer within " + timeout.toSeconds() + " s (see radmfa:stats for drops)");
            } else {
                print(reply);
            }
            printTrace(client, reply, sent);
        }
        return null;
    }

    private static void print(RadiusProbe.Reply reply) {
        String outcome = switch (reply.code()) {
            case RadiusProbe.ACCESS_ACCEPT -> "Access-Accept";
            case RadiusProbe.ACCESS_REJECT -> "Access-Reject";
            case RadiusProbe.ACCESS_CHALLENGE -> "Access-Challenge";
            default -> "code " + reply.code();
        };
        System.out.println(outcome + " in " + reply.millis() + " ms (authenticators verified)");
        reply.attributes().forEach(attribute -> System.out.println("  " + AttributeNames.describe(attribute)));
    }

    /** The decision behind the answer: by the correlation id an accept carries in Class, else the latest match. */
    private void printTrace(RadiusClient client, RadiusProbe.Reply reply, Instant sent) {
        DecisionLog log = decisionLog;
        if (log == null) {
            return;
        }
        byte[] classValue = reply == null ? null : reply.first(25);
        String correlation = classValue == null ? null : new String(classValue, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        Optional<DecisionRecord> found = Optional.empty();
        // The decision is logged as it is made, which may be just after the answer left: look a few times.
        for (int attempt = 0; attempt < 40 && found.isEmpty() && System.nanoTime() < deadline; attempt++) {
            found = log.recent(100).stream().filter(r -> r.client().equals(client.name())
                    && r.userName().equalsIgnoreCase(user) && !r.time().isBefore(sent.minusSeconds(1)))
                    .filter(r -> correlation == null || correlation.equals("radmfa:" + r.correlationId()))
                    .findFirst();
            if (found.isEmpty()) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (found.isEmpty()) {
            System.out.println("(no decision of the pipeline found for this request)");
            return;
        }
        DecisionRecord record = found.get();
        System.out.println("Decision " + record.id() + " (correlation " + record.correlationId() + "): "
                + record.decision().outcome() + " " + record.decision().reason()
                + (record.decision().policyName() == null ? "" : " by '" + record.decision().policyName() + "'")
                + (record.decision().detail() == null ? "" : " - " + record.decision().detail()));
        System.out.println("Trace:");
        record.decision().trace().forEach(line -> System.out.println("  " + line));
    }

    private RadiusClient client() throws IOException {
        if (clientName == null) {
            return registry.find(InetAddress.getByName("127.0.0.1")).orElseThrow(() -> new IllegalArgumentException(
                    "no client is registered for 127.0.0.1: name one with --client"));
        }
        return registry.clients().stream().filter(c -> c.name().equalsIgnoreCase(clientName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no registered client named '" + clientName + "'"));
    }

    /**
     * A local address the server takes for this client: the server knows clients by source address only. Loopback
     * addresses in the client's range are tried first (any 127.x address is local on Linux), then the machine's own.
     */
    private InetAddress sourceFor(RadiusClient client) throws IOException {
        List<InetAddress> candidates = new ArrayList<>();
        String spec = client.address();
        if (Cidr.looksLikeAddress(spec)) {
            Cidr range = Cidr.parse(spec);
            InetAddress base = InetAddress.getByName(spec.contains("/") ? spec.substring(0, spec.indexOf('/'))
                    : spec);
            byte[] bytes = base.getAddress();
            for (int offset = 0; offset < MAX_SOURCE_CANDIDATES; offset++) {
                InetAddress candidate = InetAddress.getByAddress(add(bytes, offset));
                if (range.contains(candidate)) {
                    candidates.add(candidate);
                }
            }
        } else {
            for (InetAddress address : InetAddress.getAllByName(spec)) {
                candidates.add(address);
            }
        }
        for (InetAddress candidate : candidates) {
            if (isLocal(candidate) && registry.find(candidate).map(c -> c.name().equals(client.name()))
                    .orElse(false)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("client '" + client.name() + "' (" + spec + ") has no address of this"
                + " machine that the server would take for it: test-auth can send only as a client that includes a"
                + " local address, e.g. a loopback client 127.0.0.x");
    }

    private static byte[] add(byte[] address, int offset) {
        byte[] result = address.clone();
        int carry = offset;
        for (int i = result.length - 1; i >= 0 && carry > 0; i--) {
            int sum = (result[i] & 0xFF) + (carry & 0xFF);
            result[i] = (byte) sum;
            carry = (carry >>> 8) + (sum >>> 8);
        }
        return result;
    }

    private static boolean isLocal(InetAddress address) {
        if (address.isLoopbackAddress()) {
            // Linux routes all of 127/8 to lo; IPv6 has only ::1.
            return address instanceof Inet4Address || address.getHostAddress().equals("0:0:0:0:0:0:0:1");
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /**
     * The transport's first open authentication listener, as it is bound (not as some file says: the port may be 0
     * in tests, or a bind may have failed); a wildcard address means loopback in the source address's family (the
     * transport binds the IPv6 wildcard, which takes IPv4 too).
     */
    private InetSocketAddress server(InetAddress source) throws IOException {
        ListenerStatus listener = statistics.listeners().stream()
                .filter(status -> status.kind().equals("authentication") && status.open()).findFirst()
                .orElseThrow(() -> new IllegalStateException("the RADIUS transport has no open authentication"
                        + " listener (see radmfa:health)"));
        InetAddress address = listener.bound().getAddress();
        if (address.isAnyLocalAddress()) {
            address = InetAddress.getByName(source instanceof Inet4Address ? "127.0.0.1" : "::1");
        }
        return new InetSocketAddress(address, listener.bound().getPort());
    }
}
