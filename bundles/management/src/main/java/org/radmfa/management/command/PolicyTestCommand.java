package org.radmfa.management.command;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.ConnectionDecision;
import org.radmfa.api.Credentials;
import org.radmfa.api.DialIn;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PolicyEngine;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.User;

/**
 * The what-if evaluation: a hand-built request through the connection request policies and the network policies,
 * printing each step. Nothing is authenticated and nothing is sent.
 */
@Command(scope = "radmfa", name = "policy-test",
        description = "Runs a hand-built request through the policies and prints the trace (what-if)")
@Service
public class PolicyTestCommand implements Action {

    @Reference
    PolicyEngine policies;

    @Reference
    ClientRegistry clients;

    @Argument(index = 0, name = "user", required = true, description = "The User-Name")
    String user;

    @Option(name = "-c", aliases = "--client", description = "The client's address (default 127.0.0.1)")
    String clientAddress = "127.0.0.1";

    @Option(name = "-g", aliases = "--group", multiValued = true,
            description = "A group the user is assumed to be in (repeat for several)")
    List<String> groups = new ArrayList<>();

    @Option(name = "-m", aliases = "--method", description = "PAP, CHAP, MSCHAPV2, EAP_MSCHAPV2, EAP_TLS or PEAP (default PAP)")
    String method = "PAP";

    @Option(name = "-a", aliases = "--attribute", multiValued = true,
            description = "A request attribute as Name=Value, e.g. NAS-Port-Type=Virtual (repeat for several)")
    List<String> attributes = new ArrayList<>();

    @Option(name = "-d", aliases = "--dial-in", description = "The account's network access permission (dial-in):"
            + " policy, allow or deny (default policy)")
    String dialIn = "policy";

    @Override
    public Object execute() throws Exception {
        InetAddress source = InetAddress.getByName(clientAddress);
        RadiusClient client = clients.find(source).orElse(null);
        if (client == null) {
            System.out.println("No registered client at " + clientAddress + ": the request would get no answer.");
            return null;
        }
        DialIn.Access access;
        try {
            access = DialIn.Access.valueOf(dialIn.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("--dial-in '" + dialIn + "' is not policy, allow or deny");
            return null;
        }
        AuthMethod authMethod = AuthMethod.valueOf(method.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        Credentials credentials = () -> authMethod;
        List<RequestAttribute> requestAttributes = new ArrayList<>();
        for (String attribute : attributes) {
            int equals = attribute.indexOf('=');
            if (equals <= 0) {
                System.err.println("Attribute '" + attribute + "' is not Name=Value");
                return null;
            }
            requestAttributes.add(new RequestAttribute(-1, -1, attribute.substring(0, equals).trim(),
                    attribute.substring(equals + 1).trim()));
        }
        AuthenticationRequest request = new AuthenticationRequest("what-if", client,
                new InetSocketAddress(source, 0), user, credentials, requestAttributes, Instant.now());
        System.out.println("Client: " + client.name() + " (" + client.address() + ")");
        ConnectionDecision route = policies.route(request);
        route.trace().forEach(line -> System.out.println("  " + line));
        if (route.action() != ConnectionDecision.Action.AUTHENTICATE) {
            System.out.println("Result: " + route.action() + " (" + route.reason() + ")");
            return null;
        }
        System.out.println("Assuming the password is right; user '" + route.userName() + "' in groups " + groups
                + (access == DialIn.Access.POLICY ? "" : ", dial-in permission " + access.name().toLowerCase(
                        java.util.Locale.ROOT)));
        DialIn accountDialIn = access == DialIn.Access.POLICY ? DialIn.NONE
                : new DialIn(access, Set.of(), null, List.of());
        PolicyDecision decision = policies.evaluate(request.withUserName(route.userName()),
                new User(route.userName(), Set.copyOf(groups), route.directory() == null ? "default"
                        : route.directory(), accountDialIn));
        decision.trace().forEach(line -> System.out.println("  " + line));
        System.out.println("Result: " + (decision.granted() ? "GRANT" + (decision.mfaRequired() ? ", MFA required"
                : "") : "REJECT (" + decision.reason() + ")"));
        decision.replyAttributes().forEach(attribute -> System.out.println("  reply " + attribute));
        return null;
    }
}
