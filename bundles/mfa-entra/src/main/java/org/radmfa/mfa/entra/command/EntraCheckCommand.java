package org.radmfa.mfa.entra.command;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaRequest;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.User;
import org.radmfa.mfa.entra.internal.EntraConnector;

/**
 * Proves the chain to Entra step by step, naming the step that fails and why: the configuration, a fresh token, and
 * (with a user) a real second factor through the MFA service.
 */
@Command(scope = "radmfa", name = "entra-check", description = "Checks the Entra connector step by step:"
        + " configuration, a fresh token, and with a user name a real push (or one-time code) for that user")
@Service
public class EntraCheckCommand implements Action {

    @Argument(index = 0, name = "user", required = false, description = "userPrincipalName (or what userLookup"
            + " expects) of a user to send a real push to")
    String user;

    @Option(name = "--timeout", description = "Seconds to wait for each step (default 60)")
    int timeoutSeconds = 60;

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Override
    public Object execute() throws Exception {
        Collection<ServiceReference<MfaConnector>> references = bundleContext.getServiceReferences(
                MfaConnector.class, "(connector=entra)");
        EntraConnector connector = null;
        for (ServiceReference<MfaConnector> reference : references) {
            if (bundleContext.getService(reference) instanceof EntraConnector entra) {
                connector = entra;
            }
        }
        if (connector == null) {
            System.out.println("1. configuration: FAILED: no Entra connector runs (feature:install radmfa-mfa-entra;"
                    + " etc/org.radmfa.mfa.entra.cfg with tenantId and a credential, see radmfa:entra-setup)");
            return null;
        }
        String refusal = connector.refusal();
        if (refusal != null) {
            System.out.println("1. configuration: FAILED: " + refusal);
            return null;
        }
        System.out.println("1. configuration: OK: " + connector.describeSettings());
        try {
            Instant expiry = connector.checkToken().get(timeoutSeconds, TimeUnit.SECONDS);
            System.out.println("2. token: OK: Entra issued a token for the MFA service, valid until " + expiry);
        } catch (ExecutionException e) {
            System.out.println("2. token: FAILED: " + e.getCause().getMessage());
            return null;
        } catch (TimeoutException e) {
            System.out.println("2. token: FAILED: no answer from the authority in " + timeoutSeconds + " s");
            return null;
        }
        if (user == null) {
            System.out.println("3. second factor: not tried (give a user name to send a real push)");
            return null;
        }
        System.out.println("3. second factor: asking Entra MFA for user '" + user + "'; waiting up to "
                + timeoutSeconds + " s for the answer on the phone...");
        MfaRequest first = request(null, null);
        MfaOutcome outcome = await(connector, first);
        if (outcome.kind() == MfaOutcome.Kind.CHALLENGE) {
            String code = session.readLine((outcome.prompt() == null ? "One-time code" : outcome.prompt()) + ": ",
                    '*');
            outcome = await(connector, request(code, outcome.state()));
        }
        System.out.println("3. second factor: " + (outcome.kind() == MfaOutcome.Kind.APPROVED ? "OK: " : "FAILED: ")
                + outcome.kind() + ": " + outcome.detail());
        return null;
    }

    private MfaOutcome await(EntraConnector connector, MfaRequest request) throws InterruptedException {
        try {
            return connector.verify(request).toCompletableFuture().get(timeoutSeconds + 5L, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return MfaOutcome.of(MfaOutcome.Kind.UNAVAILABLE, String.valueOf(e.getCause() == null ? e : e.getCause()));
        }
    }

    private MfaRequest request(String code, byte[] state) {
        AuthenticationRequest request = new AuthenticationRequest("entra-check-" + System.nanoTime(),
                new RadiusClient("radmfa:entra-check", "127.0.0.1", SharedSecret.of("unused"), null, true),
                new InetSocketAddress("127.0.0.1", 0), user, new PapCredentials("unused"), List.of(), Instant.now());
        return new MfaRequest(request, new User(user, Set.of(), "entra-check"), "radmfa:entra-check",
                Instant.now().plusSeconds(timeoutSeconds), code, state);
    }
}
