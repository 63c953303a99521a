package org.radmfa.npsimport.internal;

import java.util.Locale;
import java.util.Set;

/**
 * What the export holds besides clients, policies and remote RADIUS server groups: NPS's ports, logging and NAP-era
 * parts (remediation server groups, SHV templates, health policies). Reported, not imported, so that nothing
 * disappears without a word.
 */
final class OtherSettings {
    private static final Set<String> CONTAINERS = Set.of("RadiusProfiles", "NetworkPolicy", "Proxy_Policies",
            "Proxy_Profiles", "Protocols", "RADIUS_Server_Groups");

    private OtherSettings() {
    }

    static void report(NpsExport export, ImportReport report) throws NpsFormatException {
        export.service.find("Protocols", "Microsoft_Radius_Protocol").ifPresent(radius -> {
            String auth = radius.string("Authentication_Port").orElse("");
            String acct = radius.string("Accounting_Port").orElse("");
            if (!auth.isEmpty() || !acct.isEmpty()) {
                report.add(ImportReport.Kind.OTHER, "RADIUS ports", ImportReport.Outcome.SKIPPED).info(
                        "Authentication_Port, Accounting_Port", "NPS listened on " + auth + " / " + acct
                                + "; the appliance listens on authPort and acctPort of etc/org.radmfa.transport.cfg"
                                + " (one port each, 1812 and 1813 by default)");
            }
        });
        for (NpsObject container : export.service.children()) {
            String tag = container.name();
            if (CONTAINERS.contains(tag) || CONTAINERS.contains(tag.replace(' ', '_'))
                    || container.children().isEmpty()) {
                continue;
            }
            report.add(ImportReport.Kind.OTHER, tag, ImportReport.Outcome.SKIPPED).dropped(tag + " ("
                    + container.children().size() + " objects)", why(tag));
        }
    }

    private static String why(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.contains("remediation") || lower.contains("shv") || lower.contains("health")
                || lower.contains("nap") || lower.contains("quarantine")) {
            return "Network Access Protection (NAP) was removed from Windows and has no counterpart here";
        }
        if (lower.contains("requesthandlers") || lower.contains("auditors") || lower.contains("accounting")) {
            return "NPS's logging and request handlers: configure accounting and audit files"
                    + " (etc/org.radmfa.accounting.file*.cfg, etc/org.radmfa.audit.file*.cfg) instead";
        }
        return "not understood by this importer";
    }
}
