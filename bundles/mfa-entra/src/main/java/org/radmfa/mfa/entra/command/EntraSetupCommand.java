package org.radmfa.mfa.entra.command;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Dictionary;
import java.util.Hashtable;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.radmfa.api.SecretVault;
import org.radmfa.mfa.entra.internal.EntraSetup;

/**
 * The NPS extension's setup script, for the appliance: makes the certificate, keeps its key here sealed by the vault,
 * configures the connector, and prints what the Entra administrator runs to attach the certificate.
 */
@Command(scope = "radmfa", name = "entra-setup", description = "Creates the certificate the Entra connector signs"
        + " in with (as the NPS extension's setup script does), configures the connector, and prints the commands"
        + " that attach the certificate to the 'Azure Multi-Factor Auth Client' service principal")
@Service
public class EntraSetupCommand implements Action {
    static final String PID = "org.radmfa.mfa.entra";

    @Argument(index = 0, name = "tenantId", required = true, description = "The Entra tenant id (a GUID)")
    String tenantId;

    @Option(name = "--renew", description = "Make a new certificate although one is configured (before the old"
            + " one expires; attach the new one, the old one keeps working until then)")
    boolean renew;

    @Option(name = "--directory", description = "Where the PKCS#12 file goes (default: Karaf's etc)")
    String directory;

    @Reference
    ConfigurationAdmin configurationAdmin;

    @Reference(optional = true)
    SecretVault vault;

    @Override
    public Object execute() throws Exception {
        try {
            EntraSetup.checkTenantId(tenantId);
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage());
            return null;
        }
        if (vault == null) {
            System.err.println("Error: the secret vault is not running (feature:install radmfa-vault); the"
                    + " certificate's password is kept sealed by it");
            return null;
        }
        Configuration configuration = configurationAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> current = configuration.getProperties();
        Object configured = current == null ? null : current.get("certificatePath");
        if (configured != null && !configured.toString().isBlank() && !renew) {
            System.err.println("Error: the connector already has the certificate " + configured + "; --renew makes"
                    + " a new one");
            return null;
        }
        Path home = Path.of(directory != null ? directory : System.getProperty("karaf.etc", "etc"));
        String stamp = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        EntraSetup.Made made = EntraSetup.createCertificate(tenantId, home.resolve("entra-nps-" + tenantId + "-"
                + stamp + ".p12").toAbsolutePath());

        Dictionary<String, Object> properties = new Hashtable<>();
        if (current != null) {
            for (java.util.Enumeration<String> keys = current.keys(); keys.hasMoreElements();) {
                String key = keys.nextElement();
                properties.put(key, current.get(key));
            }
        }
        properties.put("tenantId", tenantId);
        properties.put("certificatePath", made.keyStore().toString());
        properties.put(".certificatePassword", vault.seal(made.password()));
        // The certificate belongs to the Azure Multi-Factor Auth Client (the default client id); a secret or a
        // client id of an earlier set-up, and the retired relay settings, would contradict it.
        // The keys without a dot are those secrets' names before they became private.
        for (String key : new String[] {"clientId", ".clientSecret", "clientSecret", "certificatePassword",
                "clientSecretExpires", "mfaEndpoint", "method"}) {
            properties.remove(key);
        }
        configuration.update(properties);
        System.out.println("Made " + made.keyStore() + " (private key, readable by the appliance only; its password"
                + " is sealed in the connector's configuration).");
        System.out.println("Configured the Entra connector (" + PID + ") for tenant " + tenantId + ".");
        System.out.println();
        System.out.println(EntraSetup.instructions(tenantId, made.certificate()));
        return null;
    }
}
