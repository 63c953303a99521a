package org.radmfa.directory.ldap.internal;

import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.UserDirectory;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One LDAP / Active Directory, from one factory configuration ({@code etc/org.radmfa.directory.ldap-NAME.cfg}),
 * offered as a {@link UserDirectory} with the service property {@code directory.name=NAME}.
 * <p>
 * The service is registered by hand rather than by DS, because what is published must follow the last
 * <em>good</em> configuration: a refused change (named by file, key and reason in the log) leaves the running
 * directory serving unchanged, and an accepted one swaps the directory behind the same registration, the old
 * one finishing the requests it already took. Until a first good configuration arrives nothing is registered.
 */
@Component(configurationPid = LdapDirectoryComponent.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = LdapDirectoryComponent.Config.class, factory = true)
public final class LdapDirectoryComponent implements UserDirectory {
    static final String FACTORY_PID = "org.radmfa.directory.ldap";
    /** The service property the pipeline selects a directory by. */
    static final String DIRECTORY_NAME = "directory.name";
    private static final Logger LOG = LoggerFactory.getLogger(LdapDirectoryComponent.class);

    @ObjectClassDefinition(name = "radmfa LDAP / Active Directory",
            description = "Primary authentication (simple bind; MS-CHAPv2 through winbind) and group lookup against"
                    + " an LDAP directory or Active Directory. One configuration per directory.")
    @interface Config {
        @AttributeDefinition(name = "Name", description = "Directory name: the service property directory.name,"
                + " used in traces and to select a directory per realm. Letters, digits, '.', '_', '-'")
        String name();

        @AttributeDefinition(name = "URLs", description = "ldap://host:port or ldaps://host:port, comma-separated;"
                + " tried in order (failover). The scheme must match the security setting")
        String[] urls();

        @AttributeDefinition(name = "Security", description = "Transport security; none sends passwords in clear",
                options = {@Option(value = "ldaps", label = "LDAPS (TLS from the start, port 636)"),
                        @Option(value = "starttls", label = "StartTLS on ldap:// (port 389)"),
                        @Option(value = "none", label = "None (clear text: lab only)")})
        String security() default "ldaps";

        @AttributeDefinition(name = "Trust store", required = false, description = "PKCS12 or JKS file with the"
                + " CA certificate(s) that issued the directory's certificate; empty: the Java runtime's CAs")
        String trustStore() default "";

        @AttributeDefinition(name = "Trust store password", type = AttributeType.PASSWORD, required = false)
        String trustStorePassword() default "";

        @AttributeDefinition(name = "Trust any certificate", description = "Skip certificate and host name"
                + " checks. Anyone on the path can then read every password: never in production")
        boolean trustAll() default false;

        @AttributeDefinition(name = "Service account DN",
                description = "DN the user and group searches bind as, e.g. CN=svc-radius,OU=Service,DC=corp,DC=example")
        String bindDn();

        @AttributeDefinition(name = "Service account password", type = AttributeType.PASSWORD,
                description = "Password of the service account; never logged. The key is .bindPassword: the leading"
                        + " dot keeps it out of service properties (the key bindPassword is still read, with a"
                        + " warning)")
        String _bindPassword() default "";

        @AttributeDefinition(name = "Base DN", description = "Where users are searched, e.g. DC=corp,DC=example")
        String baseDn();

        @AttributeDefinition(name = "User filter", description = "LDAP filter that finds the user; {0} is the"
                + " login as typed, escaped (RFC 4515)")
        String userFilter() default LdapSettings.DEFAULT_USER_FILTER;

        @AttributeDefinition(name = "Alternate login ID attribute", required = false, description = "Attribute"
                + " whose value is the user's canonical name (for MFA and policies), e.g. mail or userPrincipalName;"
                + " empty: the login as typed. A user without it is rejected")
        String alternateLoginIdAttribute() default "";

        @AttributeDefinition(name = "Group lookup", description = "How direct and nested groups are found",
                options = {@Option(value = "inChain", label = "Active Directory: one search with"
                        + " LDAP_MATCHING_RULE_IN_CHAIN (1.2.840.113556.1.4.1941)"),
                        @Option(value = "memberOf", label = "memberOf of the user, then of each group"),
                        @Option(value = "member", label = "search groups by member, level by level")})
        String groupMode() default "inChain";

        @AttributeDefinition(name = "Group base DN", required = false,
                description = "Where groups are searched (inChain, member); empty: the base DN")
        String groupBaseDn() default "";

        @AttributeDefinition(name = "Group nesting depth", description = "Levels of nesting followed by the"
                + " memberOf and member modes (0: direct groups only)")
        int groupNestingDepth() default 8;

        @AttributeDefinition(name = "Connect timeout (ms)")
        int connectTimeoutMillis() default 5000;

        @AttributeDefinition(name = "Response timeout (ms)", description = "Per LDAP operation; a request makes"
                + " two to four")
        int responseTimeoutMillis() default 5000;

        @AttributeDefinition(name = "Connections", description = "Pooled connections, and threads doing LDAP work")
        int poolSize() default 4;

        @AttributeDefinition(name = "Queue", description = "Requests allowed to wait for a thread; beyond that a"
                + " request is rejected as directory unavailable")
        int queueSize() default 256;

        @AttributeDefinition(name = "MS-CHAPv2", description = "Who checks MS-CHAPv2 and EAP-MSCHAPv2 responses"
                + " (a bind needs the clear password, so LDAP alone cannot)",
                options = {@Option(value = "none", label = "Nobody: PAP only"),
                        @Option(value = "winbind", label = "The domain, through winbind (ntlm_auth helpers) on a"
                                + " host joined to it")})
        String msChapV2() default "none";

        @AttributeDefinition(name = "ntlm_auth", description = "Samba's ntlm_auth (Debian package winbind)")
        String ntlmAuth() default WinbindSettings.DEFAULT_NTLM_AUTH;

        @AttributeDefinition(name = "ntlm_auth configuration file", required = false, description = "smb.conf"
                + " passed as --configfile; empty: Samba's default (/etc/samba/smb.conf)")
        String ntlmAuthConfigFile() default "";

        @AttributeDefinition(name = "NT domain", required = false, description = "NetBIOS name of the users'"
                + " domain, e.g. CORP; empty: winbind's own (the workgroup of smb.conf)")
        String ntlmAuthDomain() default "";

        @AttributeDefinition(name = "ntlm_auth helpers", description = "Long-running ntlm_auth processes, each"
                + " checking one response at a time")
        int ntlmAuthHelpers() default 2;

        @AttributeDefinition(name = "ntlm_auth timeout (ms)", description = "Longest wait for one check, waiting"
                + " for a free helper included; beyond it the request is rejected as directory unavailable")
        int ntlmAuthTimeoutMillis() default 5000;

        String webconsole_configurationFactory_nameHint() default "{name} ({urls})";
    }

    private final BundleContext context;
    private volatile LdapUserDirectory directory;
    private ServiceRegistration<UserDirectory> registration;

    @Activate
    public LdapDirectoryComponent(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        configure(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        configure(properties);
    }

    @Deactivate
    synchronized void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        LdapUserDirectory current = directory;
        directory = null;
        if (current != null) {
            current.close(false);
        }
    }

    private synchronized void configure(Map<String, Object> properties) {
        ConfigReader config = LdapSettings.TYPE.read(properties);
        LdapSettings settings;
        try {
            settings = LdapSettings.read(config);
        } catch (InvalidConfigurationException e) {
            LOG.error("Refused LDAP directory configuration {}; {}", e.getMessage(), directory == null
                    ? "no LDAP directory is offered from it until it is corrected"
                    : "directory " + directory.name() + " keeps serving with its last good configuration");
            return;
        }
        config.unknownKeys(LdapSettings.LEGACY_PASSWORD_KEY).forEach(unknown -> LOG.warn(
                "{}: key '{}' is not an LDAP directory setting and is ignored", config.source(), unknown));
        if (properties.containsKey(LdapSettings.LEGACY_PASSWORD_KEY)) {
            LOG.warn("{}: rename the key 'bindPassword' to '.bindPassword': a secret's key takes a leading dot,"
                    + " which keeps it out of service properties", config.source());
        }
        if (settings.security() == LdapSettings.Security.NONE) {
            LOG.warn("{}: security=none: passwords cross the network to {} in clear text", config.source(),
                    settings.servers());
        } else if (settings.trustAll()) {
            LOG.warn("{}: trustAll=true: the certificate of {} is not checked; whoever can intercept the"
                    + " connection reads every password", config.source(), settings.servers());
        }
        LdapUserDirectory previous = directory;
        directory = new LdapUserDirectory(settings);
        Hashtable<String, Object> serviceProperties = new Hashtable<>();
        serviceProperties.put(DIRECTORY_NAME, settings.name());
        serviceProperties.put(Constants.SERVICE_DESCRIPTION, "LDAP directory " + settings.name() + " at "
                + settings.servers());
        if (registration == null) {
            registration = context.registerService(UserDirectory.class, this, serviceProperties);
        } else {
            registration.setProperties(serviceProperties);
        }
        if (previous != null) {
            previous.close(true);
        }
        LOG.info("LDAP directory {} from {}: {}", settings.name(), config.source(), settings);
    }

    @Override
    public String name() {
        LdapUserDirectory current = directory;
        return current == null ? "(stopped)" : current.name();
    }

    @Override
    public GroupLookup findGroup(String group) {
        LdapUserDirectory current = directory;
        return current == null ? GroupLookup.CANNOT_TELL : current.findGroup(group);
    }

    @Override
    public java.util.Optional<String> groupNameForSid(String sid) {
        LdapUserDirectory current = directory;
        return current == null ? java.util.Optional.empty() : current.groupNameForSid(sid);
    }

    @Override
    public Optional<String> unreachable() {
        LdapUserDirectory current = directory;
        return current == null ? Optional.of("LDAP directory stopped") : current.unreachable();
    }

    @Override
    public CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request) {
        LdapUserDirectory current = directory;
        if (current == null) {
            return CompletableFuture.completedFuture(PrimaryAuthResult.rejected(ReasonCode.DIRECTORY_UNAVAILABLE,
                    "LDAP directory stopped"));
        }
        CompletionStage<PrimaryAuthResult> result = current.submit(request);
        if (result == null) {
            // The configuration changed between reading the field and submitting: the new directory answers.
            LdapUserDirectory replacement = directory;
            return replacement != null && replacement != current ? replacement.authenticate(request)
                    : CompletableFuture.completedFuture(PrimaryAuthResult.rejected(
                            ReasonCode.DIRECTORY_UNAVAILABLE, "LDAP directory stopped"));
        }
        return result;
    }

    /** For tests: the directory now serving, or null. */
    LdapUserDirectory current() {
        return directory;
    }
}
