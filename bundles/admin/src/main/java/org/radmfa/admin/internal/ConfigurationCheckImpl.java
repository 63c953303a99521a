package org.radmfa.admin.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.UserDirectory;
import org.radmfa.api.UserDirectory.GroupLookup;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.CheckFinding;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ClientEntry;
import org.radmfa.api.admin.ConfigurationCheck;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.config.Refusal;
import org.radmfa.api.config.RefusedConfigurations;

/**
 * The configuration check over the running appliance: clients and policies from the admin services, secrets from the
 * client registry (only their length, and whether one is the demo secret, leave this class), the MFA deadline from
 * the pipeline's configuration, groups from the directories, connectors from the service registry.
 */
@Component(service = ConfigurationCheck.class)
public final class ConfigurationCheckImpl implements ConfigurationCheck {

    static final String PIPELINE_PID = "org.radmfa.pipeline";
    /** The pipeline's default deadline (its configuration type says so too) when the key is not set. */
    static final int DEFAULT_MFA_TIMEOUT_SECONDS = 50;
    /** The secret the radmfa-demo feature ships. */
    private static final SharedSecret DEMO_SECRET = SharedSecret.of("testing123");

    private final ConfigurationAdmin configurationAdmin;
    private final ClientAdmin clients;
    private final PolicyAdmin policies;
    private final LocalUserAdmin users;
    private final Clock clock = Clock.systemUTC();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ClientRegistry registry;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<UserDirectory> directories = List.of();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<Map.Entry<Map<String, Object>, MfaConnector>> connectors = List.of();

    /** The bundles that read factory configurations, which say which files they refuse right now. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<RefusedConfigurations> refusers = List.of();

    /** Whether a vault runs, which a sealed secret waits for. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SecretVault vault;

    @Activate
    public ConfigurationCheckImpl(@Reference ConfigurationAdmin configurationAdmin, @Reference ClientAdmin clients,
            @Reference PolicyAdmin policies, @Reference LocalUserAdmin users) {
        this.configurationAdmin = configurationAdmin;
        this.clients = clients;
        this.policies = policies;
        this.users = users;
    }

    @Override
    public List<CheckFinding> run() throws AdminException {
        ClientRegistry registry = this.registry;
        List<CheckFacts.Client> clientFacts = new ArrayList<>();
        for (ClientEntry entry : clients.clients()) {
            String name = entry.settings().name();
            SharedSecret secret = registry == null ? null : registry.clients().stream()
                    .filter(c -> c.name().equalsIgnoreCase(name)).map(RadiusClient::secret).findFirst()
                    .orElse(null);
            clientFacts.add(new CheckFacts.Client(entry.settings(),
                    registry != null && registry.messageAuthenticatorReceived(name).isPresent(),
                    secret == null ? -1 : secret.bytes().length, DEMO_SECRET.equals(secret)));
        }
        List<UserDirectory> directories = List.copyOf(this.directories);
        Function<String, GroupLookup> groups = group -> directories.isEmpty() ? GroupLookup.CANNOT_TELL
                : lookup(directories, group);
        List<CheckFacts.Connector> connectorFacts = new ArrayList<>();
        for (Map.Entry<Map<String, Object>, MfaConnector> connector : connectors) {
            connectorFacts.add(connector(connector.getValue().name(), connector.getKey()));
        }
        List<Refusal> refused = new ArrayList<>();
        for (RefusedConfigurations refuser : refusers) {
            refused.addAll(refuser.refusals());
        }
        List<CheckFinding> findings = new ArrayList<>(refusals(refused, vault != null));
        findings.addAll(CheckRules.all(new CheckFacts(clientFacts, settings(PolicyKind.NETWORK),
                settings(PolicyKind.CONNECTION_REQUEST), mfaTimeoutSeconds(), groups, connectorFacts,
                users.users().stream().map(u -> u.settings().name()).toList(), clock.instant())));
        return findings;
    }

    /**
     * A refused file is an error: what it says does not serve (an earlier version may, which is worse to notice). The
     * checks above see the files as stored, so only this tells that the appliance does not run what they say.
     *
     * <p>A file whose sealed secret waits for the vault is no mistake in the file. While a vault runs it is about to
     * be read again (the vault has just come): a warning. Without a vault it is an error, and the fix is the vault.
     */
    static List<CheckFinding> refusals(List<Refusal> refused, boolean vaultRunning) {
        return refused.stream().sorted(java.util.Comparator.comparing(Refusal::source)).map(refusal -> {
            String serving = refusal.lastGoodServing() ? "its last good version keeps serving" : "nothing of it serves";
            if (!refusal.waitsForVault()) {
                return new CheckFinding(CheckFinding.Severity.ERROR, "refused-configuration", refusal.source(), "the "
                        + refusal.kind() + " in it is refused: key '" + refusal.key() + "': " + refusal.reason() + "; "
                        + serving, "correct key '" + refusal.key() + "' in " + refusal.source()
                                + "; it is read again within seconds of saving");
            }
            if (vaultRunning) {
                return new CheckFinding(CheckFinding.Severity.WARNING, "waiting-for-vault", refusal.source(), "the "
                        + refusal.kind() + " in it waits for the secret vault, which has just come, to open key '"
                        + refusal.key() + "'; " + serving, "none if it goes within seconds; otherwise restart bundle"
                                + " org.radmfa.vault");
            }
            return new CheckFinding(CheckFinding.Severity.ERROR, "refused-configuration", refusal.source(), "the "
                    + refusal.kind() + " in it is refused: key '" + refusal.key() + "': " + refusal.reason() + "; "
                    + serving, "start the secret vault (feature radmfa-vault, key etc/radmfa-vault.key); the file is"
                            + " read again as soon as it runs");
        }).toList();
    }

    private List<org.radmfa.api.admin.PolicySettings> settings(PolicyKind kind) throws AdminException {
        return policies.policies(kind).stream().map(PolicyEntry::settings).toList();
    }

    /**
     * A connector asks for codes only when it is the TOTP connector ({@code connector=otp}); its credential expiry is
     * the date the Entra connector publishes.
     */
    static CheckFacts.Connector connector(String name, Map<String, ?> properties) {
        Object expires = properties.get("credentialExpires") != null ? properties.get("credentialExpires")
                : properties.get("clientSecretExpires");
        LocalDate date = null;
        if (expires != null && !expires.toString().isBlank()) {
            try {
                date = LocalDate.parse(expires.toString().strip());
            } catch (DateTimeParseException e) {
                // the connector refuses such a configuration itself; nothing to compare here
            }
        }
        return new CheckFacts.Connector(name, "otp".equals(String.valueOf(properties.get("connector"))), date);
    }

    private int mfaTimeoutSeconds() throws AdminException {
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + PIPELINE_PID + ")");
            if (found != null && found.length > 0) {
                Dictionary<String, Object> properties = found[0].getProperties();
                Object value = properties == null ? null : properties.get("mfaTimeoutSeconds");
                if (value != null && !value.toString().isBlank()) {
                    return Integer.parseInt(value.toString().strip());
                }
            }
            return DEFAULT_MFA_TIMEOUT_SECONDS;
        } catch (IOException | InvalidSyntaxException | NumberFormatException e) {
            throw new AdminException("cannot read " + PIPELINE_PID + ": " + e.getMessage(), e);
        }
    }

    private static GroupLookup lookup(List<UserDirectory> directories, String group) {
        GroupLookup result = GroupLookup.NOT_FOUND;
        for (UserDirectory directory : directories) {
            GroupLookup answer = directory.findGroup(group);
            if (answer == GroupLookup.FOUND) {
                return GroupLookup.FOUND;
            }
            if (answer == GroupLookup.CANNOT_TELL) {
                result = GroupLookup.CANNOT_TELL;
            }
        }
        return result;
    }
}
