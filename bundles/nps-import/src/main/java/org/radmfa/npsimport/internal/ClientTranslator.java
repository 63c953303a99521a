package org.radmfa.npsimport.internal;

import java.util.Optional;
import java.util.function.Consumer;

import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.admin.ClientSettings;

/**
 * A RADIUS client ({@code Protocols/Microsoft_Radius_Protocol/Clients/<name>}): address (IP, DNS name or CIDR),
 * shared secret (in clear when exported with {@code exportPSK=YES}, or from a shared secret template), enabled,
 * Message-Authenticator required, vendor.
 */
final class ClientTranslator extends NpsTranslator<NpsObject, ClientTranslator.PlannedClient> {

    /** A client to store; the secret is null when the export has none and the client exists here already. */
    record PlannedClient(ImportReport.Entry entry, ClientSettings settings, String secret) {
    }

    private final NpsExport export;

    ClientTranslator(NpsExport export, String prefix) {
        super(ImportReport.Kind.RADIUS_CLIENT, prefix);
        this.export = export;
    }

    /** Plans the client, or nothing when it is not imported (the report says why). */
    @Override
    void translate(NpsObject client, ImportReport report, Consumer<PlannedClient> planned)
            throws NpsFormatException {
        String name = prefix + client.name();
        ImportReport.Entry entry = entry(report, client.name());
        String address = client.string("IP_Address").orElse("").strip();
        if (address.isEmpty()) {
            throw new NpsFormatException(client.path(), "RADIUS client '" + client.name() + "' has no IP_Address");
        }
        if (!client.bool("Radius_Client_Enabled").orElse(true)) {
            entry.outcome(ImportReport.Outcome.SKIPPED).info("Radius_Client_Enabled", "disabled in NPS: not"
                    + " registered here, so its requests get no answer, as in NPS (add it with radmfa:clients-add"
                    + " when it is needed)");
            return;
        }
        boolean requireSignature = client.bool("Require_Signature").orElse(false);
        if (!requireSignature) {
            entry.info("Require_Signature", "Message-Authenticator not required, as in NPS; require it"
                    + " (BlastRADIUS, CVE-2024-3596) as soon as the NAS sends it: radmfa:clients-set -m required");
        }
        long vendorId = client.number("NAS_Manufacturer").orElse(0L);
        String vendor = vendorId == 0 ? "RADIUS Standard"
                : export.vendors.getOrDefault(vendorId, "Vendor " + vendorId);
        if (client.bool("Quarantine_Compatible").orElse(false)) {
            entry.dropped("Quarantine_Compatible", "Network Access Protection (NAP) has no counterpart here");
        }
        String secret = secret(client, entry);
        // Proxy-State limited, as for a client added here; on a re-import the importer keeps a stronger setting.
        planned.accept(new PlannedClient(entry, new ClientSettings(name, address, vendor, requireSignature
                ? MessageAuthenticatorPolicy.REQUIRED : MessageAuthenticatorPolicy.OPTIONAL, true, 0, 0), secret));
    }

    private String secret(NpsObject client, ImportReport.Entry entry) {
        Optional<String> inline = client.string("Shared_Secret").filter(s -> !s.isEmpty());
        if (inline.isPresent()) {
            return inline.get();
        }
        Optional<String> template = client.string("Client_Secret_Template_Guid")
                .filter(g -> !g.matches("\\{?0{8}-0{4}-0{4}-0{4}-0{12}}?"));
        if (template.isPresent()) {
            Optional<String> fromTemplate = export.sharedSecretTemplate(template.get());
            if (fromTemplate.isPresent()) {
                entry.info("Client_Secret_Template_Guid", "shared secret taken from template " + template.get());
                return fromTemplate.get();
            }
            entry.info("Client_Secret_Template_Guid", "refers to shared secret template " + template.get()
                    + ", which the export does not hold");
        }
        entry.info("Shared_Secret", "absent from the export (exported without exportPSK=YES?)");
        return null;
    }
}
