package org.radmfa.proxy.internal;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AccountingSink;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ConnectionDecision;
import org.radmfa.api.Credentials;
import org.radmfa.api.PolicyEngine;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.SharedSecret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounting for forwarded users goes to their remote RADIUS server group too, as NPS does: the Accounting-Request
 * is routed by the same connection request policies as an Access-Request (on its User-Name, client and attributes),
 * and one that forwards sends it to the group's servers that take accounting. It is one more accounting sink: the
 * local ones keep their copy, and the client's Accounting-Response does not wait for the remote server. The proxy's
 * own object: the proxy publishes it as its {@link AccountingSink}.
 */
final class AccountingForwarder implements AccountingSink {
    private static final Logger LOG = LoggerFactory.getLogger(AccountingForwarder.class);
    /** The client's secret plays no part in routing; the record was verified with the real one. */
    private static final SharedSecret UNUSED = SharedSecret.of("unused-for-routing");

    /** What a connection request policy sees of an accounting record: no credentials were presented. */
    private static final Credentials NONE = new Credentials() {
        @Override
        public AuthMethod method() {
            return AuthMethod.PAP;
        }

        @Override
        public String toString() {
            return "no credentials (accounting)";
        }
    };

    /** Thrown for records that no policy forwards: not an error, so without a stack trace. */
    private static final class NotForwarded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotForwarded(String message) {
            super(message, null, false, false);
        }
    }

    private final RadiusProxy proxy;
    /** The connection request policies, when they run (the proxy's dynamic reference). */
    private final Supplier<PolicyEngine> policyEngine;

    AccountingForwarder(RadiusProxy proxy, Supplier<PolicyEngine> policyEngine) {
        this.proxy = proxy;
        this.policyEngine = policyEngine;
    }

    /**
     * Keeps a record no server of its group acknowledged in the proxy's spool, to be replayed when one answers; it
     * is then durable, as far as this sink goes. A full spool, or one that cannot be written, fails the sink.
     */
    private void spool(String group, String userName, AccountingRecord record, String why) {
        AccountingSpool spool = proxy.spool();
        boolean kept;
        try {
            kept = spool.add(group, userName, record);
        } catch (java.io.IOException e) {
            LOG.error("Accounting record {} for '{}' not acknowledged by remote RADIUS server group '{}' ({}) and"
                    + " cannot be spooled: {}", record.id(), userName, group, why, e.toString());
            throw new IllegalStateException(e.getMessage(), e);
        }
        if (!kept) {
            LOG.error("Accounting record {} for '{}' not acknowledged by remote RADIUS server group '{}' ({}), and the"
                    + " spool is full ({} records): not forwarded", record.id(), userName, group, why,
                    spool.maxRecords());
            throw new IllegalStateException("accounting spool full (" + why + ")");
        }
        LOG.warn("Accounting record {} for '{}' not acknowledged by remote RADIUS server group '{}' ({}): spooled"
                + " ({} records in {}), replayed once a server of the group answers", record.id(), userName, group,
                why, spool.depth(), spool.directory());
    }

    @Override
    public String name() {
        return "proxy";
    }

    @Override
    public CompletionStage<Void> store(AccountingRecord record) {
        PolicyEngine engine = policyEngine.get();
        String userName = record.attribute("User-Name").orElse(null);
        if (engine == null || userName == null || proxy.members(null).isEmpty()) {
            return CompletableFuture.failedFuture(new NotForwarded("not forwarded"));
        }
        InetSocketAddress source = record.source();
        AuthenticationRequest asRouted = new AuthenticationRequest(record.id(), new RadiusClient(record.clientName(),
                source.getAddress().getHostAddress(), UNUSED, "RADIUS Standard", false), source, userName, NONE,
                record.attributes(), record.received());
        ConnectionDecision route;
        try {
            route = engine.route(asRouted);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (route.action() != ConnectionDecision.Action.FORWARD || !route.forwardAccounting()) {
            // The policy records its accounting here only (NPS msAcctProviderType 1).
            return CompletableFuture.failedFuture(new NotForwarded("not forwarded"));
        }
        if (proxy.spool().holds(route.serverGroup())) {
            // Replayed oldest first (docs/forwarding.md): sent now, it would overtake them (a Stop before its Start).
            try {
                spool(route.serverGroup(), route.userName(), record,
                        "not sent: older records of the group are spooled and it goes behind them");
                return CompletableFuture.completedFuture(null);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return proxy.forwardAccounting(route.serverGroup(), record, route.userName()).handle((server, failure) -> {
            if (failure != null && RadiusProxy.unforwardable(failure)) {
                LOG.warn("Accounting record {} for '{}' cannot be forwarded to remote RADIUS server group '{}': {}",
                        record.id(), userName, route.serverGroup(), failure.getMessage());
                throw new IllegalStateException(failure.getMessage(), failure);
            }
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException
                        && failure.getCause() != null ? failure.getCause() : failure;
                spool(route.serverGroup(), route.userName(), record, cause.getMessage());
                return null;
            }
            LOG.debug("Accounting record {} for '{}' acknowledged by remote server '{}' of group '{}'", record.id(),
                    userName, server, route.serverGroup());
            return null;
        });
    }
}
