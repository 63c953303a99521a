package org.radmfa.directory.ldap.internal;

import java.io.File;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;

/**
 * One LDAP directory's settings, read strictly from a factory configuration: every value is checked here (URLs,
 * DNs, the filter template, the trust store and its password) so that a directory is only ever built from a
 * configuration that can work. {@link #toString()} never shows a password.
 *
 * @param sslContext the TLS context for {@code ldaps} and {@code starttls}; null for {@code none}
 * @param winbind how MS-CHAPv2 is checked by the domain; null: it is not (PAP only)
 */
record LdapSettings(String name, List<Server> servers, Security security, SSLContext sslContext, boolean trustAll,
        String bindDn, String bindPassword, String baseDn, String userFilter, String alternateLoginIdAttribute,
        GroupMode groupMode, String groupBaseDn, int groupNestingDepth, int connectTimeoutMillis,
        int responseTimeoutMillis, int poolSize, int queueSize, WinbindSettings winbind) {

    static final String DEFAULT_USER_FILTER = "(&(objectClass=user)(|(sAMAccountName={0})(userPrincipalName={0})))";
    /** Keys, defaults and descriptions: the component's metatype definition. */
    static final ConfigType TYPE = ConfigType.of(LdapDirectoryComponent.Config.class);
    /** The bind password's key. */
    static final String PASSWORD_KEY = ".bindPassword";
    /** Before the bind password became private ({@code .bindPassword}); still read, with a warning. */
    static final String LEGACY_PASSWORD_KEY = "bindPassword";
    /** The name goes into an OSGi filter {@code (directory.name=...)}: keep it free of filter syntax. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z][A-Za-z0-9-]*|[0-9]+(\\.[0-9]+)+");

    /** One server, in failover order. */
    record Server(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    enum Security {
        NONE, LDAPS, STARTTLS
    }

    /** How group memberships are found. */
    enum GroupMode {
        /** Active Directory: one search with LDAP_MATCHING_RULE_IN_CHAIN finds direct and nested groups. */
        IN_CHAIN("inChain"),
        /** The user's memberOf, then each group's memberOf, level by level, up to groupNestingDepth. */
        MEMBER_OF("memberOf"),
        /** Groups whose member is the user, then groups whose member is one of those, up to groupNestingDepth. */
        MEMBER("member");

        private final String key;

        GroupMode(String key) {
            this.key = key;
        }

        String key() {
            return key;
        }
    }

    static LdapSettings read(Map<String, ?> properties) throws InvalidConfigurationException {
        return read(TYPE.read(properties));
    }

    static LdapSettings read(ConfigReader config) throws InvalidConfigurationException {
        String name = config.requiredString("name");
        if (!NAME.matcher(name).matches()) {
            throw config.invalid("name", "'" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        Security security = security(config);
        List<Server> servers = servers(config, security);
        boolean trustAll = config.bool("trustAll");
        SSLContext sslContext = security == Security.NONE ? null : sslContext(config, trustAll);

        String bindDn = dn(config, "bindDn", true);
        // An empty password makes a simple bind anonymous: refuse it instead of searching anonymously by accident.
        String bindPassword = config.string(PASSWORD_KEY);
        if (bindPassword.isEmpty()) {
            bindPassword = config.string(LEGACY_PASSWORD_KEY, "");
        }
        if (bindPassword.isEmpty()) {
            throw config.invalid(PASSWORD_KEY, "is required (an empty password would be an anonymous bind)");
        }
        String baseDn = dn(config, "baseDn", true);
        String userFilter = config.string("userFilter");
        if (!userFilter.contains("{0}")) {
            throw config.invalid("userFilter", "must contain {0}, which stands for the login");
        }
        try {
            LdapQueries.userFilter(userFilter, "probe");
        } catch (LDAPException e) {
            throw config.invalid("userFilter", "is not a valid LDAP filter: " + e.getMessage());
        }
        String alternate = config.string("alternateLoginIdAttribute");
        if (!alternate.isEmpty() && !ATTRIBUTE.matcher(alternate).matches()) {
            throw config.invalid("alternateLoginIdAttribute", "'" + alternate + "' is not an attribute name");
        }
        GroupMode groupMode = groupMode(config);
        String groupBaseDn = dn(config, "groupBaseDn", false);
        return new LdapSettings(name, servers, security, sslContext, trustAll, bindDn, bindPassword, baseDn,
                userFilter, alternate, groupMode, groupBaseDn.isEmpty() ? baseDn : groupBaseDn,
                config.integer("groupNestingDepth", 0, 32),
                config.integer("connectTimeoutMillis", 100, 60_000),
                config.integer("responseTimeoutMillis", 100, 60_000),
                config.integer("poolSize", 1, 64),
                config.integer("queueSize", 1, 100_000), WinbindSettings.read(config));
    }

    private static Security security(ConfigReader config) throws InvalidConfigurationException {
        String text = config.string("security");
        try {
            return Security.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw config.invalid("security", "'" + text + "' is not one of none, ldaps, starttls");
        }
    }

    private static List<Server> servers(ConfigReader config, Security security) throws InvalidConfigurationException {
        List<String> urls = config.list("urls");
        if (urls.isEmpty()) {
            throw config.invalid("urls", "is required: one or more ldap://host:port or ldaps://host:port");
        }
        String scheme = security == Security.LDAPS ? "ldaps" : "ldap";
        List<Server> servers = new ArrayList<>();
        for (String text : urls) {
            LDAPURL url;
            try {
                url = new LDAPURL(text);
            } catch (LDAPException e) {
                throw config.invalid("urls", "'" + text + "' is not an LDAP URL: " + e.getMessage());
            }
            if (!url.hostProvided()) {
                throw config.invalid("urls", "'" + text + "' has no host");
            }
            if (!url.getScheme().equals(scheme)) {
                throw config.invalid("urls", "'" + text + "' does not match security=" + security.name()
                        .toLowerCase(Locale.ROOT) + ": use " + scheme + "://" + (security == Security.LDAPS ? ""
                                : " (StartTLS and none both start on ldap://)"));
            }
            if (url.baseDNProvided() || url.attributesProvided() || url.filterProvided()) {
                throw config.invalid("urls", "'" + text + "': give only scheme, host and port (baseDn and"
                        + " userFilter are separate settings)");
            }
            servers.add(new Server(url.getHost(), url.getPort()));
        }
        return List.copyOf(servers);
    }

    private static SSLContext sslContext(ConfigReader config, boolean trustAll) throws InvalidConfigurationException {
        TrustManager trustManager;
        String path = config.string("trustStore");
        if (trustAll) {
            trustManager = new TrustAllTrustManager(false);
        } else if (path.isEmpty()) {
            trustManager = JVMDefaultTrustManager.getInstance();
        } else {
            trustManager = trustStore(config, path);
        }
        try {
            return new SSLUtil(trustManager).createSSLContext();
        } catch (GeneralSecurityException e) {
            throw config.invalid(trustAll ? "trustAll" : "trustStore", "no TLS context: " + e.getMessage());
        }
    }

    /** Loads the trust store now, so that a wrong path or password is refused with the key, not at first login. */
    private static X509TrustManager trustStore(ConfigReader config, String path)
            throws InvalidConfigurationException {
        File file = new File(path);
        if (!file.isFile()) {
            throw config.invalid("trustStore", "file '" + path + "' does not exist");
        }
        char[] password = config.string("trustStorePassword").toCharArray();
        KeyStore store;
        try {
            // The type (PKCS12 or JKS) is detected from the file.
            store = KeyStore.getInstance(file, password.length == 0 ? null : password);
        } catch (IOException e) {
            throw config.invalid(e.getCause() instanceof java.security.UnrecoverableKeyException
                    ? "trustStorePassword" : "trustStore", "cannot read '" + path + "': " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw config.invalid("trustStore", "cannot read '" + path + "': " + e.getMessage());
        }
        try {
            if (Collections.list(store.aliases()).isEmpty()) {
                throw config.invalid("trustStore", "'" + path + "' holds no certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw config.invalid("trustStore", "'" + path + "' gives no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw config.invalid("trustStore", "cannot use '" + path + "': " + e.getMessage());
        }
    }

    private static String dn(ConfigReader config, String key, boolean required) throws InvalidConfigurationException {
        String text = required ? config.requiredString(key) : config.string(key);
        if (text.isEmpty()) {
            return text;
        }
        try {
            new DN(text);
        } catch (LDAPException e) {
            throw config.invalid(key, "'" + text + "' is not a distinguished name: " + e.getMessage());
        }
        return text;
    }

    private static GroupMode groupMode(ConfigReader config) throws InvalidConfigurationException {
        String text = config.string("groupMode");
        for (GroupMode mode : GroupMode.values()) {
            if (mode.key().equalsIgnoreCase(text)) {
                return mode;
            }
        }
        throw config.invalid("groupMode", "'" + text + "' is not one of inChain, memberOf, member");
    }

    @Override
    public String toString() {
        return "LdapSettings[name=" + name + ", servers=" + servers + ", security=" + security + ", trustAll="
                + trustAll + ", bindDn=" + bindDn + ", bindPassword=***, baseDn=" + baseDn + ", userFilter="
                + userFilter + ", alternateLoginIdAttribute=" + alternateLoginIdAttribute + ", groupMode="
                + groupMode.key() + ", groupBaseDn=" + groupBaseDn + ", groupNestingDepth=" + groupNestingDepth
                + ", connectTimeoutMillis=" + connectTimeoutMillis + ", responseTimeoutMillis="
                + responseTimeoutMillis + ", poolSize=" + poolSize + ", queueSize=" + queueSize + ", msChapV2="
                + (winbind == null ? "none" : winbind) + "]";
    }
}
