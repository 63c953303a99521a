package org.radmfa.npsimport.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ClientEntry;
import org.radmfa.api.admin.ClientSettings;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;
import org.radmfa.api.admin.RemoteServerAdmin;
import org.radmfa.api.admin.RemoteServerEntry;
import org.radmfa.api.admin.RemoteServerSettings;

/**
 * Imports an NPS export through the admin services, in three steps: read the whole file (a file that cannot be
 * read is refused whole); translate every object and have the admin services check each one (if any is refused,
 * nothing is written); then store what differs from the current configuration. Importing the same file twice
 * changes nothing the second time.
 */
public final class NpsImporter {

    /**
     * @param prefix put before every imported name, e.g. {@code nps-}; may be empty
     * @param dryRun report only, write nothing
     */
    public record Options(GroupMap groups, String prefix, boolean dryRun) {
    }

    /** Policy settings of the appliance that an NPS export never holds. */
    private static final List<String> APPLIANCE_ONLY_KEYS = List.of("mfaRequired", "mfaExemptGroups", "directory",
            "timeZone");
    private static final List<String> FRAMEWORK_KEY_PREFIXES = List.of("osgi.", "felix.", "service.",
            "component.", "org.apache.karaf.", "webconsole.");

    private final ClientAdmin clients;
    private final PolicyAdmin policies;
    private final RemoteServerAdmin servers;
    private final SafeXmlReader reader;

    public NpsImporter(ClientAdmin clients, PolicyAdmin policies, RemoteServerAdmin servers) {
        this(clients, policies, servers, new SafeXmlReader());
    }

    NpsImporter(ClientAdmin clients, PolicyAdmin policies, RemoteServerAdmin servers, SafeXmlReader reader) {
        this.clients = clients;
        this.policies = policies;
        this.servers = servers;
        this.reader = reader;
    }

    /**
     * @throws NpsFormatException when the file cannot be read as an NPS export: nothing is written
     * @throws AdminException when storing failed half-way (the message says what was stored)
     */
    public ImportReport run(Path file, Options options) throws NpsFormatException, IOException, AdminException {
        return run(file, file.toString(), options);
    }

    /** @param source what to call the export in the report (an uploaded file's name) */
    ImportReport run(Path file, String source, Options options) throws NpsFormatException, IOException,
            AdminException {
        NpsExport export = NpsExport.read(file, reader);
        ImportReport report = new ImportReport(source, export.version, options.dryRun());
        ConditionTranslator conditions = new ConditionTranslator(options.groups());
        List<ClientTranslator.PlannedClient> plannedClients = new ClientTranslator(export, options.prefix())
                .translateAll(export.clients, report);
        List<ServerGroupTranslator.PlannedServer> plannedServers = new ServerGroupTranslator(options.prefix())
                .translateAll(export.serverGroups, report);
        List<PolicyDraft> drafts = new ArrayList<>(new ConnectionPolicyTranslator(conditions, options.prefix())
                .translateAll(export.connectionRequestPolicies, report));
        drafts.addAll(new NetworkPolicyTranslator(conditions, options.prefix())
                .translateAll(export.networkPolicies, report));
        OtherSettings.report(export, report);

        keepApplianceSettings(plannedClients, drafts);
        keepApplianceSettingsOfServers(plannedServers);
        boolean accepted = checkClients(plannedClients) & checkServers(plannedServers) & checkPolicies(drafts);
        reportForwarding(drafts, plannedServers);
        for (PolicyDraft draft : drafts) {
            if (draft.entry.outcome() != ImportReport.Outcome.REFUSED && !draft.enabled()) {
                draft.entry.outcome(ImportReport.Outcome.IMPORTED_DISABLED);
                draft.disabledBecause().forEach(reason -> draft.entry.info("enabled", "false: " + reason));
            }
        }
        markUnchanged(plannedClients, drafts);
        markUnchangedServers(plannedServers);
        reportKept(drafts, report);
        reportKeptServers(plannedServers, report);
        if (!accepted) {
            report.refuse("the appliance refuses the objects marked REFUSED below; correct them (or the appliance's"
                    + " configuration) and import again");
            return report;
        }
        if (!options.dryRun()) {
            store(plannedClients, plannedServers, drafts);
        }
        return report;
    }

    /**
     * What NPS has no word for and the appliance's administrator may have set on an object imported before: MFA,
     * a policy's directory or time zone, a client's NAS timeout hints, a Message-Authenticator requirement (required
     * or auto) or Proxy-State limit switched on here. A new export must not silently take them away (dropping
     * {@code mfaRequired} would let users in without a second factor), so they are kept, and the report says so.
     */
    private void keepApplianceSettings(List<ClientTranslator.PlannedClient> planned, List<PolicyDraft> drafts)
            throws AdminException {
        for (int i = 0; i < planned.size(); i++) {
            ClientTranslator.PlannedClient client = planned.get(i);
            Optional<ClientEntry> current = clients.client(client.settings().name());
            if (current.isEmpty()) {
                continue;
            }
            ClientSettings wanted = client.settings();
            ClientSettings here = current.get().settings();
            MessageAuthenticatorPolicy kept = wanted.messageAuthenticator();
            if (strength(here.messageAuthenticator()) > strength(kept)) {
                kept = here.messageAuthenticator();
                client.entry().info("Require_Signature", "false in NPS, but " + kept.label() + " here already: kept "
                        + kept.label());
            }
            if (here.nasTimeoutSeconds() != 0 || here.nasRetries() != 0) {
                client.entry().info("nasTimeoutSeconds, nasRetries", "kept from the appliance");
            }
            planned.set(i, new ClientTranslator.PlannedClient(client.entry(), new ClientSettings(wanted.name(),
                    wanted.address(), wanted.vendor(), kept, wanted.limitProxyState() || here.limitProxyState(),
                    here.nasTimeoutSeconds(), here.nasRetries()), client.secret()));
        }
        for (PolicyDraft draft : drafts) {
            Optional<PolicyEntry> current = policies.policy(draft.kind, draft.name);
            if (current.isEmpty()) {
                continue;
            }
            for (String key : APPLIANCE_ONLY_KEYS) {
                String value = current.get().settings().settings().get(key);
                if (value != null && !draft.has(key)) {
                    draft.set(key, value);
                    draft.entry.info(key, "'" + value + "' kept from the appliance (NPS has no such setting)");
                }
            }
        }
    }

    /** How much a Message-Authenticator setting protects: optional, then auto, then required. */
    private static int strength(MessageAuthenticatorPolicy policy) {
        return switch (policy) {
            case OPTIONAL -> 0;
            case AUTO -> 1;
            case REQUIRED -> 2;
        };
    }

    private boolean checkClients(List<ClientTranslator.PlannedClient> planned) throws AdminException {
        boolean accepted = true;
        Set<String> addresses = new HashSet<>();
        for (ClientTranslator.PlannedClient client : planned) {
            if (!addresses.add(client.settings().address().toLowerCase(Locale.ROOT))) {
                refuse(client.entry(), "IP_Address", "'" + client.settings().address()
                        + "' is the address of another client of the export");
                accepted = false;
                continue;
            }
            boolean exists = clients.client(client.settings().name()).isPresent();
            if (client.secret() == null && !exists) {
                client.entry().outcome(ImportReport.Outcome.SKIPPED).dropped("Shared_Secret", "no shared secret"
                        + " in the export, and a client needs one: add it with radmfa:clients-add, or export with"
                        + " exportPSK=YES");
                continue;
            }
            if (client.secret() == null) {
                client.entry().info("Shared_Secret", "the client's current secret here is kept");
            }
            try {
                clients.check(client.settings(), client.secret());
            } catch (InvalidDefinitionException e) {
                refuse(client.entry(), e.key(), e.reason());
                accepted = false;
            }
        }
        return accepted;
    }

    /**
     * Has each policy checked; a reply setting or condition the appliance refuses is dropped and the policy
     * disabled as for any loss, other refusals refuse the import. Orders are checked here, against the policies
     * not in the export, since policies of the export may trade orders among themselves.
     */
    private boolean checkPolicies(List<PolicyDraft> drafts) throws AdminException {
        boolean accepted = true;
        Map<PolicyKind, Map<Integer, String>> holders = new HashMap<>();
        for (PolicyKind kind : PolicyKind.values()) {
            Map<Integer, String> held = new HashMap<>();
            policies.policies(kind).forEach(p -> held.put(p.settings().order(), p.settings().name()));
            holders.put(kind, held);
            Set<String> imported = new HashSet<>();
            Map<Integer, PolicyDraft> orders = new HashMap<>();
            for (PolicyDraft draft : drafts) {
                if (draft.kind == kind) {
                    imported.add(draft.name.toLowerCase(Locale.ROOT));
                    PolicyDraft other = orders.put(draft.order, draft);
                    if (other != null) {
                        refuse(draft.entry, "msNPSequence", "processing order " + draft.order
                                + " is also that of '" + other.name + "' in the export");
                        accepted = false;
                    }
                }
            }
            for (PolicyEntry existing : policies.policies(kind)) {
                PolicySettings settings = existing.settings();
                PolicyDraft clash = orders.get(settings.order());
                if (clash != null && !imported.contains(settings.name().toLowerCase(Locale.ROOT))) {
                    refuse(clash.entry, "msNPSequence", "processing order " + settings.order() + " is held here"
                            + " by '" + settings.name() + "' (" + existing.source() + "), which is not in the"
                            + " export: move it (radmfa:policies-move) or remove it, then import again");
                    accepted = false;
                }
            }
        }
        for (PolicyDraft draft : drafts) {
            if (draft.entry.outcome() != ImportReport.Outcome.REFUSED && !check(draft, holders.get(draft.kind))) {
                accepted = false;
            }
        }
        return accepted;
    }

    /**
     * Checks the draft whole. When its order is still held by another policy of the export (which moves when
     * stored), it is checked on an order nobody holds: the admin service checks the order before anything else, and
     * the rest of the draft must not go unchecked until it is written.
     *
     * @param holders the name of the stored policy of the draft's kind at each order
     */
    private boolean check(PolicyDraft draft, Map<Integer, String> holders) throws AdminException {
        String holder = holders.get(draft.order);
        // A holder not in the export has had the draft refused above.
        boolean movingHolder = holder != null && !holder.equalsIgnoreCase(draft.name);
        int checkedAt = movingHolder ? freeOrder(holders) : draft.order;
        for (int attempt = 0; attempt < 100; attempt++) {
            PolicySettings settings = draft.settings();
            try {
                policies.check(movingHolder ? new PolicySettings(settings.kind(), settings.name(), checkedAt,
                        settings.enabled(), settings.settings()) : settings);
                return true;
            } catch (InvalidDefinitionException e) {
                String key = e.key().split(" ")[0];
                if (key.startsWith("reply.") && draft.has(key)) {
                    // Every value of the attribute: reply.X, reply.X.2, ...
                    draft.removeWithValues(key);
                    draft.dropSetting(key, "refused by the appliance: " + e.reason());
                } else if (key.startsWith("rewrite.") && draft.has(key)) {
                    // A rule the appliance cannot evaluate (RE2: no lookaround, no backreferences): without it
                    // the policy would hand other values on, so every rule goes and the policy is disabled.
                    draft.removeWithPrefix("rewrite.");
                    draft.dropCondition("msManipulationRule", "refused by the appliance (" + e.key() + "): "
                            + e.reason());
                } else if (key.startsWith("constraint.") && draft.has(key)) {
                    draft.remove(key);
                    draft.dropCondition(key, "refused by the appliance: " + e.reason());
                } else if (key.startsWith("condition.") && draft.has(key)) {
                    draft.remove(key);
                    draft.dropCondition(key, "refused by the appliance: " + e.reason());
                } else {
                    refuse(draft.entry, e.key(), e.reason());
                    return false;
                }
            }
        }
        refuse(draft.entry, "(policy)", "could not be made acceptable");
        return false;
    }

    private void markUnchanged(List<ClientTranslator.PlannedClient> planned, List<PolicyDraft> drafts)
            throws AdminException {
        for (ClientTranslator.PlannedClient client : planned) {
            if (!isImported(client.entry())) {
                continue;
            }
            Optional<ClientEntry> current = clients.client(client.settings().name());
            if (current.isPresent() && current.get().settings().equals(client.settings())
                    && (client.secret() == null || current.get().secretFingerprint()
                            .equals(SharedSecret.of(client.secret()).fingerprint()))) {
                client.entry().outcome(ImportReport.Outcome.UNCHANGED);
            }
        }
        for (PolicyDraft draft : drafts) {
            if (!isImported(draft.entry)) {
                continue;
            }
            Optional<PolicyEntry> current = policies.policy(draft.kind, draft.name);
            if (current.isPresent() && sameDefinition(current.get().settings(), draft.settings())) {
                draft.entry.outcome(ImportReport.Outcome.UNCHANGED);
            }
        }
    }

    /**
     * Policies of the appliance that the export does not name stay, in the same processing order list as the
     * imported ones: the operator must see where they now fall (after an imported catch-all deny, they never match).
     */
    private void reportKept(List<PolicyDraft> drafts, ImportReport report) throws AdminException {
        for (PolicyKind kind : List.of(PolicyKind.CONNECTION_REQUEST, PolicyKind.NETWORK)) {
            Set<String> imported = new HashSet<>();
            drafts.stream().filter(d -> d.kind == kind).forEach(d -> imported.add(d.name.toLowerCase(
                    Locale.ROOT)));
            for (PolicyEntry existing : policies.policies(kind)) {
                PolicySettings settings = existing.settings();
                if (!imported.contains(settings.name().toLowerCase(Locale.ROOT))) {
                    report.add(kind == PolicyKind.NETWORK ? ImportReport.Kind.NETWORK_POLICY
                            : ImportReport.Kind.CONNECTION_REQUEST_POLICY, settings.name(), ImportReport.Outcome.KEPT)
                            .info("order", settings.order() + (settings.enabled() ? "" : ", disabled") + " ("
                                    + existing.source() + "): check where it falls among the imported policies"
                                    + " (radmfa:policies" + (kind == PolicyKind.NETWORK ? "" : " -k crp") + ")");
                }
            }
        }
    }

    /** Equal but for the keys the framework adds to every configuration ({@code osgi.ds.*}, ...). */
    static boolean sameDefinition(PolicySettings current, PolicySettings wanted) {
        return current.order() == wanted.order() && current.enabled() == wanted.enabled()
                && withoutFrameworkKeys(current).equals(wanted.settings());
    }

    private static Map<String, String> withoutFrameworkKeys(PolicySettings settings) {
        Map<String, String> result = new LinkedHashMap<>(settings.settings());
        result.keySet().removeIf(key -> FRAMEWORK_KEY_PREFIXES.stream().anyMatch(key::startsWith));
        return result;
    }

    private static boolean isImported(ImportReport.Entry entry) {
        return entry.outcome() == ImportReport.Outcome.IMPORTED
                || entry.outcome() == ImportReport.Outcome.IMPORTED_DISABLED;
    }

    /**
     * Clients first (policies may name them), then each kind of policy, each definition written once: a policy goes
     * in when its order is free, so that no two policies ever hold the same order. Only when policies of the
     * export trade orders in a cycle is one of them first parked on a free order (written twice).
     */
    private void store(List<ClientTranslator.PlannedClient> planned,
            List<ServerGroupTranslator.PlannedServer> plannedServers, List<PolicyDraft> drafts)
            throws AdminException {
        List<String> stored = new ArrayList<>();
        try {
            for (ClientTranslator.PlannedClient client : planned) {
                if (isImported(client.entry())) {
                    clients.put(client.settings(), client.secret());
                    stored.add("client '" + client.settings().name() + "'");
                }
            }
            // Servers before the connection request policies that forward to their groups.
            for (ServerGroupTranslator.PlannedServer server : plannedServers) {
                if (isImported(server.entry())) {
                    servers.put(server.settings(), server.secret());
                    stored.add("remote server '" + server.settings().name() + "' of group '"
                            + server.settings().group() + "'");
                }
            }
            for (PolicyKind kind : List.of(PolicyKind.CONNECTION_REQUEST, PolicyKind.NETWORK)) {
                List<PolicyDraft> pending = new ArrayList<>(drafts.stream()
                        .filter(d -> d.kind == kind && isImported(d.entry))
                        .sorted(Comparator.comparingInt(d -> d.order)).toList());
                while (!pending.isEmpty()) {
                    Map<Integer, String> holders = new HashMap<>();
                    for (PolicyEntry existing : policies.policies(kind)) {
                        holders.put(existing.settings().order(), existing.settings().name());
                    }
                    PolicyDraft next = pending.stream().filter(d -> {
                        String holder = holders.get(d.order);
                        return holder == null || holder.equalsIgnoreCase(d.name);
                    }).findFirst().orElse(null);
                    if (next == null) {
                        stored.add(park(kind, pending.get(0), holders));
                        continue;
                    }
                    policies.put(next.settings());
                    pending.remove(next);
                    stored.add((kind == PolicyKind.NETWORK ? "network policy '" : "connection request policy '")
                            + next.name + "'");
                }
            }
        } catch (AdminException e) {
            throw new AdminException("storing stopped: " + e.getMessage() + (stored.isEmpty() ? "; nothing was stored"
                    : "; stored before that: " + String.join(", ", stored)), e);
        }
    }

    /** An order no policy holds, far behind every policy an operator numbers: where a policy is parked. */
    private static int freeOrder(Map<Integer, String> holders) {
        int free = Math.max(1_000_000, holders.keySet().stream().max(Integer::compare).orElse(0) + 1);
        while (holders.containsKey(free)) {
            free++;
        }
        return free;
    }

    /**
     * Moves the policy holding {@code waiting}'s order to a free order, breaking a cycle of exchanged orders.
     *
     * @return what was written, for the message when storing stops later
     */
    private String park(PolicyKind kind, PolicyDraft waiting, Map<Integer, String> holders) throws AdminException {
        PolicySettings holder = policies.policy(kind, holders.get(waiting.order)).orElseThrow().settings();
        int free = freeOrder(holders);
        policies.put(new PolicySettings(kind, holder.name(), free, holder.enabled(), withoutFrameworkKeys(holder)));
        return (kind == PolicyKind.NETWORK ? "network policy '" : "connection request policy '") + holder.name()
                + "' moved to order " + free + " (its settings unchanged) to free order " + waiting.order;
    }

    /**
     * What NPS has no word for and an administrator may have set here on a server imported before (requiring a
     * Message-Authenticator in answers) is kept.
     */
    private void keepApplianceSettingsOfServers(List<ServerGroupTranslator.PlannedServer> planned)
            throws AdminException {
        for (int i = 0; i < planned.size(); i++) {
            ServerGroupTranslator.PlannedServer server = planned.get(i);
            RemoteServerSettings wanted = server.settings();
            Optional<RemoteServerEntry> current = servers.server(wanted.group(), wanted.name());
            if (current.isPresent() && current.get().settings().requireMessageAuthenticator()) {
                server.entry().info("requireMessageAuthenticator", "true here already: kept");
                planned.set(i, new ServerGroupTranslator.PlannedServer(server.entry(), new RemoteServerSettings(
                        wanted.group(), wanted.name(), wanted.address(), wanted.authPort(), wanted.acctPort(),
                        wanted.priority(), wanted.weight(), wanted.timeoutSeconds(), wanted.maxLostRequests(),
                        wanted.blackoutSeconds(), wanted.forwardAccounting(), wanted.sendMessageAuthenticator(),
                        true), server.secret()));
            }
        }
    }

    private boolean checkServers(List<ServerGroupTranslator.PlannedServer> planned) throws AdminException {
        boolean accepted = true;
        Set<String> names = new HashSet<>();
        for (ServerGroupTranslator.PlannedServer server : planned) {
            RemoteServerSettings settings = server.settings();
            if (!names.add(settings.group().toLowerCase(Locale.ROOT) + "/" + settings.name().toLowerCase(
                    Locale.ROOT))) {
                refuse(server.entry(), "name", "a second server named '" + settings.name() + "' in group '"
                        + settings.group() + "' of the export");
                accepted = false;
                continue;
            }
            boolean exists = servers.server(settings.group(), settings.name()).isPresent();
            if (server.secret() == null && !exists) {
                server.entry().outcome(ImportReport.Outcome.SKIPPED).dropped("Authentication_Secret", "no shared"
                        + " secret in the export, and a remote server needs one: add it with radmfa:proxy-add, or"
                        + " export with exportPSK=YES");
                continue;
            }
            try {
                servers.check(settings, server.secret());
            } catch (InvalidDefinitionException e) {
                refuse(server.entry(), e.key(), e.reason());
                accepted = false;
            }
        }
        return accepted;
    }

    /**
     * A connection request policy that forwards to a group with no server (none in the export, none here) is
     * imported all the same (it fails closed, as NPS would not hand its requests to a later policy either), and
     * the report says what its requests get until a server is added.
     */
    private void reportForwarding(List<PolicyDraft> drafts, List<ServerGroupTranslator.PlannedServer> planned)
            throws AdminException {
        Set<String> groups = new HashSet<>();
        planned.stream().filter(s -> isImported(s.entry()))
                .forEach(s -> groups.add(s.settings().group().toLowerCase(Locale.ROOT)));
        servers.servers().forEach(s -> groups.add(s.settings().group().toLowerCase(Locale.ROOT)));
        for (PolicyDraft draft : drafts) {
            String group = draft.get("serverGroup");
            if (draft.kind == PolicyKind.CONNECTION_REQUEST && group != null
                    && !groups.contains(group.toLowerCase(Locale.ROOT))) {
                draft.entry.info("msAuthProviderName", "remote RADIUS server group '" + group + "' has no server"
                        + " (in the export or here): matching requests are rejected with FORWARDING_UNAVAILABLE"
                        + " until one is added (radmfa:proxy-add)");
            }
        }
    }

    private void markUnchangedServers(List<ServerGroupTranslator.PlannedServer> planned) throws AdminException {
        for (ServerGroupTranslator.PlannedServer server : planned) {
            if (!isImported(server.entry())) {
                continue;
            }
            Optional<RemoteServerEntry> current = servers.server(server.settings().group(), server.settings().name());
            if (current.isPresent() && current.get().settings().equals(server.settings())
                    && (server.secret() == null || current.get().secretFingerprint()
                            .equals(SharedSecret.of(server.secret()).fingerprint()))) {
                server.entry().outcome(ImportReport.Outcome.UNCHANGED);
            }
        }
    }

    /** Servers here in a group of the export that the export does not name stay, and still get requests. */
    private void reportKeptServers(List<ServerGroupTranslator.PlannedServer> planned, ImportReport report)
            throws AdminException {
        Set<String> groups = new HashSet<>();
        Set<String> named = new HashSet<>();
        for (ServerGroupTranslator.PlannedServer server : planned) {
            groups.add(server.settings().group().toLowerCase(Locale.ROOT));
            named.add(server.settings().group().toLowerCase(Locale.ROOT) + "/"
                    + server.settings().name().toLowerCase(Locale.ROOT));
        }
        for (RemoteServerEntry existing : servers.servers()) {
            String group = existing.settings().group().toLowerCase(Locale.ROOT);
            if (groups.contains(group) && !named.contains(group + "/"
                    + existing.settings().name().toLowerCase(Locale.ROOT))) {
                report.add(ImportReport.Kind.SERVER_GROUP, existing.settings().group() + " / "
                        + existing.settings().name(), ImportReport.Outcome.KEPT).info("group", "a server of the"
                                + " group here that the export does not name (" + existing.source() + "): it still"
                                + " gets requests; remove it with radmfa:proxy-remove if NPS no longer had it");
            }
        }
    }

    private static void refuse(ImportReport.Entry entry, String key, String reason) {
        entry.outcome(ImportReport.Outcome.REFUSED).dropped(key, reason);
    }
}
