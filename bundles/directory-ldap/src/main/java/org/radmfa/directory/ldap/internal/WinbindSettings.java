package org.radmfa.directory.ldap.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * How an LDAP / AD directory has MS-CHAPv2 responses checked by the domain: Samba's {@code ntlm_auth} in its
 * long-running {@code ntlm-server-1} helper mode, talking to the winbindd of a host joined to the domain. Null in
 * {@link LdapSettings} when {@code msChapV2 = none}.
 *
 * @param ntlmAuth the ntlm_auth executable
 * @param configFile smb.conf for {@code --configfile}; null: Samba's default
 * @param domain the NetBIOS domain sent as NT-Domain; empty: winbind's own (the workgroup of smb.conf)
 * @param helpers how many helper processes run at most
 * @param timeoutMillis how long one check may take, waiting for a free helper included
 */
record WinbindSettings(Path ntlmAuth, Path configFile, String domain, int helpers, int timeoutMillis) {

    static final String DEFAULT_NTLM_AUTH = "/usr/bin/ntlm_auth";
    /** A NetBIOS domain name: it goes into a line of the helper protocol, so nothing else. */
    private static final Pattern NETBIOS_DOMAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,14}");

    /** The settings, or null when MS-CHAPv2 is not checked by the domain. */
    static WinbindSettings read(ConfigReader config) throws InvalidConfigurationException {
        String mode = config.string("msChapV2").toLowerCase(Locale.ROOT);
        if (mode.equals("none")) {
            return null;
        }
        if (!mode.equals("winbind")) {
            throw config.invalid("msChapV2", "'" + mode + "' is not one of none, winbind");
        }
        Path ntlmAuth = Path.of(config.string("ntlmAuth"));
        if (!Files.isRegularFile(ntlmAuth) || !Files.isExecutable(ntlmAuth)) {
            throw config.invalid("ntlmAuth", "'" + ntlmAuth + "' is not an executable file (Debian: apt-get install"
                    + " winbind, which brings ntlm_auth)");
        }
        String configText = config.string("ntlmAuthConfigFile");
        Path configFile = configText.isEmpty() ? null : Path.of(configText);
        if (configFile != null && !Files.isReadable(configFile)) {
            throw config.invalid("ntlmAuthConfigFile", "'" + configFile + "' is not a readable file");
        }
        String domain = config.string("ntlmAuthDomain");
        if (!domain.isEmpty() && !NETBIOS_DOMAIN.matcher(domain).matches()) {
            throw config.invalid("ntlmAuthDomain", "'" + domain + "' is not a NetBIOS domain name (1-15 letters,"
                    + " digits, '.', '_', '-'), e.g. CORP");
        }
        return new WinbindSettings(ntlmAuth, configFile, domain, config.integer("ntlmAuthHelpers", 1, 32),
                config.integer("ntlmAuthTimeoutMillis", 100, 60_000));
    }

    /** The helper's command line, as FreeRADIUS runs it but long-running: one process answers many checks. */
    List<String> command() {
        return command("ntlm-server-1");
    }

    /** The command line of a helper of this protocol (ntlm-server-1 or ntlm-change-password-1). */
    List<String> command(String helperProtocol) {
        List<String> command = new ArrayList<>(List.of(ntlmAuth.toString(), "--helper-protocol=" + helperProtocol,
                "--allow-mschapv2"));
        if (configFile != null) {
            command.add("--configfile=" + configFile);
        }
        return command;
    }

    @Override
    public String toString() {
        return "winbind[ntlmAuth=" + ntlmAuth + (configFile == null ? "" : ", configFile=" + configFile) + ", domain="
                + (domain.isEmpty() ? "(winbind's)" : domain) + ", helpers=" + helpers + ", timeoutMillis="
                + timeoutMillis + "]";
    }
}
