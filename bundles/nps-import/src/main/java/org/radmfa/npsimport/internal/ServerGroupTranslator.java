package org.radmfa.npsimport.internal;

import java.util.Optional;
import java.util.function.Consumer;

import org.radmfa.api.admin.RemoteServerSettings;

/**
 * Remote RADIUS server groups ({@code RADIUS_Server_Groups/<group>/Children/<server>}): every server becomes a
 * remote server of the appliance's proxy ({@code etc/org.radmfa.proxy.server-*.cfg}) with NPS's settings, field by
 * field: address, ports, secret, priority, weight, timeout, maximum lost requests, blackout interval, and whether
 * requests are signed with a Message-Authenticator.
 */
final class ServerGroupTranslator extends NpsTranslator<NpsObject, ServerGroupTranslator.PlannedServer> {

    /** A server to store; the secret is null when the export has none and the server exists here already. */
    record PlannedServer(ImportReport.Entry entry, RemoteServerSettings settings, String secret) {
    }

    ServerGroupTranslator(String prefix) {
        super(ImportReport.Kind.SERVER_GROUP, prefix);
    }

    /** Plans the servers of the group, in file order (the report says what became of each). */
    @Override
    void translate(NpsObject group, ImportReport report, Consumer<PlannedServer> planned)
            throws NpsFormatException {
        String groupName = prefix + group.name();
        if (group.children().isEmpty()) {
            entry(report, group.name()).outcome(ImportReport.Outcome.SKIPPED)
                    .info("Children", "the group has no server; connection request policies that forward to it"
                            + " are rejected with FORWARDING_UNAVAILABLE until a server is added"
                            + " (radmfa:proxy-add)");
            return;
        }
        for (NpsObject server : group.children()) {
            planned.accept(server(groupName, group.name(), server, report));
        }
    }

    private PlannedServer server(String groupName, String npsGroup, NpsObject server, ImportReport report)
            throws NpsFormatException {
        ImportReport.Entry entry = entry(report, npsGroup + " / " + server.name());
        String address = server.string("Address").orElse("").strip();
        if (address.isEmpty()) {
            throw new NpsFormatException(server.path(), "remote RADIUS server '" + server.name() + "' of group '"
                    + npsGroup + "' has no Address");
        }
        String secret = server.string("Authentication_Secret").filter(s -> !s.isEmpty()).orElse(null);
        boolean forwardAccounting = true;
        Optional<String> accountingSecret = server.string("Accounting_Secret").filter(s -> !s.isEmpty());
        if (secret != null && accountingSecret.isPresent() && !accountingSecret.get().equals(secret)) {
            forwardAccounting = false;
            entry.translated("Accounting_Secret", "differs from Authentication_Secret; the appliance has one"
                    + " secret per remote server, so accounting is not forwarded to it (forwardAccounting ="
                    + " false). Add the server a second time under another name with the accounting secret to"
                    + " forward accounting");
        }
        if (secret == null) {
            entry.info("Authentication_Secret", "absent from the export: the secret the server has here, if any,"
                    + " is kept");
        }
        server.bool("Forward_Accounting_On_Off").ifPresent(onOff -> entry.info("Forward_Accounting_On_Off",
                (onOff ? "1" : "0") + ": NPS's switch for the NAS's Accounting-On/Off notifications. Here a"
                        + " connection request policy forwards the Accounting-Requests it routes (its"
                        + " forwardAccounting, from msAcctProviderType), to every server of the group with"
                        + " forwardAccounting = true; Accounting-On/Off carry no User-Name to route by and are"
                        + " recorded here only"));
        boolean sign = server.bool("Send_Signature").orElse(false);
        if (!sign) {
            entry.info("Send_Signature", "0 in NPS: Access-Requests to it carry no Message-Authenticator;"
                    + " send one (BlastRADIUS, CVE-2024-3596) when the server accepts it:"
                    + " radmfa:proxy-set --send-message-authenticator true");
        }
        RemoteServerSettings defaults = RemoteServerSettings.withDefaults(groupName, server.name(), address);
        RemoteServerSettings settings = new RemoteServerSettings(groupName, server.name(), address,
                number(server, "Authentication_Port", defaults.authPort()),
                number(server, "Accounting_Port", defaults.acctPort()),
                number(server, "Priority", defaults.priority()), number(server, "Weight", defaults.weight()),
                number(server, "Timeout", defaults.timeoutSeconds()),
                number(server, "Maximum_Lost_Packets", defaults.maxLostRequests()),
                number(server, "Blackout_Interval", defaults.blackoutSeconds()), forwardAccounting, sign, false);
        entry.info("settings", "address " + address + ", auth port " + settings.authPort() + ", acct port "
                + settings.acctPort() + ", priority " + settings.priority() + ", weight " + settings.weight()
                + ", timeout " + settings.timeoutSeconds() + " s, max lost " + settings.maxLostRequests()
                + ", blackout " + settings.blackoutSeconds() + " s" + (secret == null ? "" : ", secret present"
                        + " (sealed by the vault, not shown)"));
        return new PlannedServer(entry, settings, secret);
    }

    private static int number(NpsObject server, String property, int defaultValue) throws NpsFormatException {
        Optional<Long> value = server.number(property);
        if (value.isEmpty()) {
            return defaultValue;
        }
        if (value.get() < Integer.MIN_VALUE || value.get() > Integer.MAX_VALUE) {
            throw new NpsFormatException(server.path(), property + " " + value.get() + " is out of range");
        }
        return value.get().intValue();
    }
}
