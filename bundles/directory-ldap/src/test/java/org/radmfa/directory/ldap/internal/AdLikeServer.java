package org.radmfa.directory.ldap.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindResult;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.schema.Schema;
import com.unboundid.util.ssl.KeyStoreKeyManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;
import com.unboundid.util.ssl.cert.ManageCertificates;

/**
 * An in-memory directory on loopback ephemeral ports that looks enough like Active Directory for these tests: the
 * AD attribute types and the user and group object classes (with their real OIDs), users and nested groups, a
 * plain listener that offers StartTLS and an LDAPS listener, both with a self-signed certificate for "localhost"
 * only. It records what the client did, so tests can check which identity each search ran as.
 */
final class AdLikeServer implements AutoCloseable {
    static final String BASE = "dc=corp,dc=example";
    static final String SERVICE_DN = "cn=svc-radius,ou=Service," + BASE;
    static final String SERVICE_PASSWORD = "Svc-Secret-4711";
    static final String ALICE_DN = "cn=Alice Anders,ou=Users," + BASE;
    static final String ALICE_PASSWORD = "Alice-Pw-1";
    static final String TRUST_PASSWORD = "changeit";
    /** The objectSid of group vpn-users. */
    static final String VPN_USERS_SID = "S-1-5-21-1004336348-1177238915-682003330-1105";
    /** AD's answer to a bind with the right password for a locked-out account. */
    static final String AD_LOCKED = "80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error,"
            + " data 775, v3839";

    private static final String SCHEMA = """
            dn: cn=schema
            objectClass: top
            objectClass: ldapSubentry
            objectClass: subschema
            cn: schema
            attributeTypes: ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' EQUALITY caseIgnoreMatch \
            SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
            attributeTypes: ( 1.2.840.113556.1.4.656 NAME 'userPrincipalName' EQUALITY caseIgnoreMatch \
            SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
            attributeTypes: ( 1.2.840.113556.1.4.8 NAME 'userAccountControl' EQUALITY integerMatch \
            SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
            attributeTypes: ( 1.2.840.113556.1.2.102 NAME 'memberOf' EQUALITY distinguishedNameMatch \
            SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 )
            attributeTypes: ( 1.2.840.113556.1.4.146 NAME 'objectSid' EQUALITY octetStringMatch \
            SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
            attributeTypes: ( 1.2.840.113556.1.4.159 NAME 'accountExpires' EQUALITY integerMatch \
            SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
            attributeTypes: ( 1.2.840.113556.1.4.1460 NAME 'msDS-User-Account-Control-Computed' \
            EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
            attributeTypes: ( 1.2.840.113556.1.4.1119 NAME 'msNPAllowDialin' \
            SYNTAX 1.3.6.1.4.1.1466.115.121.1.7 SINGLE-VALUE )
            attributeTypes: ( 1.2.840.113556.1.4.1124 NAME 'msNPCallingStationID' \
            SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 )
            attributeTypes: ( 1.2.840.113556.1.4.1153 NAME 'msRADIUSFramedIPAddress' EQUALITY integerMatch \
            SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
            attributeTypes: ( 1.2.840.113556.1.4.1158 NAME 'msRADIUSFramedRoute' \
            SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 )
            objectClasses: ( 1.2.840.113556.1.5.9 NAME 'user' SUP organizationalPerson STRUCTURAL \
            MAY ( sAMAccountName $ userPrincipalName $ userAccountControl $ memberOf $ mail $ accountExpires $ \
            msDS-User-Account-Control-Computed $ msNPAllowDialin $ msNPCallingStationID $ \
            msRADIUSFramedIPAddress $ msRADIUSFramedRoute ) )
            objectClasses: ( 1.2.840.113556.1.5.8 NAME 'group' SUP top STRUCTURAL MUST cn \
            MAY ( member $ memberOf $ sAMAccountName $ description $ objectSid ) )
            """;

    /** Per certificate host name: the server's key store and a trust store with its certificate. */
    private static final Map<String, Path[]> CERTIFICATES = new HashMap<>();

    /** Every search as (bound DN, filter); binds attempted (DN). */
    final List<String[]> searches = new CopyOnWriteArrayList<>();
    final List<String> binds = new CopyOnWriteArrayList<>();
    private final Map<Long, String> boundAs = new ConcurrentHashMap<>();
    private final InMemoryDirectoryServer server;
    private final Path trustStore;

    AdLikeServer() throws Exception {
        this("localhost");
    }

    /** A server whose certificate names only this host. */
    AdLikeServer(String certificateHost) throws Exception {
        Path[] stores = certificates(certificateHost);
        Path keyStore = stores[0];
        this.trustStore = stores[1];
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        config.setSchema(Schema.mergeSchemas(Schema.getDefaultStandardSchema(), new Schema(new Entry(
                SCHEMA.split("\n")))));
        SSLUtil serverTls = new SSLUtil(new KeyStoreKeyManager(keyStore.toFile(), TRUST_PASSWORD.toCharArray(),
                "PKCS12", "server"), new TrustAllTrustManager());
        SSLUtil clientTls = new SSLUtil(new TrustAllTrustManager());
        InetAddress loopback = InetAddress.getLoopbackAddress();
        config.setListenerConfigs(
                InMemoryListenerConfig.createLDAPConfig("ldap", loopback, 0, serverTls.createSSLSocketFactory()),
                InMemoryListenerConfig.createLDAPSConfig("ldaps", loopback, 0,
                        serverTls.createSSLServerSocketFactory(), clientTls.createSSLSocketFactory()));
        config.addInMemoryOperationInterceptor(new Recorder());
        server = new InMemoryDirectoryServer(config);
        server.add(entry("dn: " + BASE, "objectClass: domain", "dc: corp"));
        server.add(entry("dn: ou=Users," + BASE, "objectClass: organizationalUnit", "ou: Users"));
        server.add(entry("dn: ou=Groups," + BASE, "objectClass: organizationalUnit", "ou: Groups"));
        server.add(entry("dn: ou=Service," + BASE, "objectClass: organizationalUnit", "ou: Service"));
        server.add(user(SERVICE_DN, "svc-radius", SERVICE_PASSWORD, 512, null));
        String vpn = "cn=vpn-users,ou=Groups," + BASE;
        String remote = "cn=remote-access,ou=Groups," + BASE;
        String loop = "cn=loop,ou=Groups," + BASE;
        server.add(user(ALICE_DN, "alice", ALICE_PASSWORD, 512, "alice.anders@corp.example", "memberOf: " + vpn));
        server.add(user("cn=Bob Brown,ou=Users," + BASE, "bob", "Bob-Pw-1", 514, "bob@corp.example",
                "memberOf: " + vpn));
        server.add(user("cn=Carol Clark,ou=Users," + BASE, "carol", "Carol-Pw-1", 512, "carol@corp.example"));
        server.add(user("cn=Dave Dunn,ou=Users," + BASE, "dave", "Dave-Pw-1", 512, "dave@corp.example"));
        server.add(user("cn=Erin Eve,ou=Users," + BASE, "erin", "Erin-Pw-1", 512, null));
        // Expired in 2001 (a FILETIME), and locked out as the domain controller computes it.
        server.add(user("cn=Fay Fox,ou=Users," + BASE, "fay", "Fay-Pw-1", 512, null,
                "accountExpires: 126227808000000000"));
        server.add(user("cn=Gus Gray,ou=Users," + BASE, "gus", "Gus-Pw-1", 512, null,
                "msDS-User-Account-Control-Computed: 16", "accountExpires: 9223372036854775807"));
        // Dial-in tab: Hal "Deny access"; Ivy "Allow access", Verify Caller-ID, a static address and two routes.
        server.add(user("cn=Hal Hill,ou=Users," + BASE, "hal", "Hal-Pw-1", 512, null, "msNPAllowDialin: FALSE"));
        server.add(user("cn=Ivy Iles,ou=Users," + BASE, "ivy", "Ivy-Pw-1", 512, null, "msNPAllowDialin: TRUE",
                "msNPCallingStationID: 203.0.113.7", "msRADIUSFramedIPAddress: -1062731510",
                "msRADIUSFramedRoute: 10.20.0.0/16 0.0.0.0 1", "msRADIUSFramedRoute: 10.30.0.0/16 0.0.0.0 1"));
        // vpn-users is in remote-access; remote-access and loop are in each other (a cycle).
        Entry vpnGroup = entry("dn: " + vpn, "objectClass: group", "cn: vpn-users", "member: " + ALICE_DN,
                "member: cn=Bob Brown,ou=Users," + BASE, "memberOf: " + remote);
        vpnGroup.addAttribute("objectSid", LdapQueries.binarySid(VPN_USERS_SID));
        server.add(vpnGroup);
        server.add(entry("dn: " + remote, "objectClass: group", "cn: remote-access", "member: " + vpn,
                "member: " + loop, "memberOf: " + loop));
        server.add(entry("dn: " + loop, "objectClass: group", "cn: loop", "member: " + remote,
                "memberOf: " + remote));
        server.startListening();
    }

    private static Entry entry(String... lines) throws Exception {
        return new Entry(lines);
    }

    private static Entry user(String dn, String login, String password, int accountControl, String mail,
            String... extra) throws LDAPException {
        Entry entry = new Entry(dn);
        entry.addAttribute("objectClass", "top", "person", "organizationalPerson", "user");
        entry.addAttribute("cn", dn.substring(3, dn.indexOf(',')));
        entry.addAttribute("sn", login);
        entry.addAttribute("sAMAccountName", login);
        entry.addAttribute("userPrincipalName", login + "@corp.example");
        entry.addAttribute("userAccountControl", Integer.toString(accountControl));
        entry.addAttribute("userPassword", password);
        if (mail != null) {
            entry.addAttribute("mail", mail);
        }
        for (String line : extra) {
            int colon = line.indexOf(": ");
            entry.addAttribute(line.substring(0, colon), line.substring(colon + 2));
        }
        return entry;
    }

    /** One self-signed EC certificate for the host (no IP address in it), made once per test run. */
    static synchronized Path[] certificates(String host) throws Exception {
        Path[] known = CERTIFICATES.get(host);
        if (known != null) {
            return known;
        }
        Path directory = Files.createTempDirectory("radmfa-ldap-test");
        directory.toFile().deleteOnExit();
        Path keys = directory.resolve("server.p12");
        OutputStream sink = new ByteArrayOutputStream();
        ResultCode result = ManageCertificates.main(null, sink, sink, "generate-self-signed-certificate",
                "--keystore", keys.toString(), "--keystore-password", TRUST_PASSWORD, "--keystore-type", "PKCS12",
                "--alias", "server", "--subject-dn", "CN=" + host, "--days-valid", "2",
                "--key-algorithm", "EC", "--key-size-bits", "256", "--signature-algorithm", "SHA256withECDSA",
                "--subject-alternative-name-dns", host);
        if (result != ResultCode.SUCCESS) {
            throw new IllegalStateException("certificate not generated: " + sink);
        }
        KeyStore source = KeyStore.getInstance(keys.toFile(), TRUST_PASSWORD.toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ldap-ca", source.getCertificate("server"));
        Path trusted = directory.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(trusted)) {
            trust.store(out, TRUST_PASSWORD.toCharArray());
        }
        keys.toFile().deleteOnExit();
        trusted.toFile().deleteOnExit();
        Path[] stores = {keys, trusted};
        CERTIFICATES.put(host, stores);
        return stores;
    }

    /** The trust store with the certificate of the servers for "localhost". */
    static Path localhostTrustStore() throws Exception {
        return certificates("localhost")[1];
    }

    Path trustStore() {
        return trustStore;
    }

    int ldapPort() {
        return server.getListenPort("ldap");
    }

    int ldapsPort() {
        return server.getListenPort("ldaps");
    }

    /** A working configuration for this server: plain LDAP, memberOf groups, short timeouts. */
    Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.directory.ldap-corp.cfg");
        config.put("name", "corp");
        config.put("urls", "ldap://127.0.0.1:" + ldapPort());
        config.put("security", "none");
        config.put("bindDn", SERVICE_DN);
        config.put(".bindPassword", SERVICE_PASSWORD);
        config.put("baseDn", BASE);
        config.put("groupMode", "memberOf");
        config.put("connectTimeoutMillis", "1000");
        config.put("responseTimeoutMillis", "1000");
        config.put("poolSize", "2");
        return config;
    }

    /** Binds attempted with this DN. */
    long bindsAs(String dn) {
        return binds.stream().filter(dn::equalsIgnoreCase).count();
    }

    void stop() {
        server.shutDown(true);
    }

    @Override
    public void close() {
        server.shutDown(true);
    }

    private final class Recorder extends InMemoryOperationInterceptor {
        @Override
        public void processSimpleBindRequest(InMemoryInterceptedSimpleBindRequest request) throws LDAPException {
            String dn = request.getRequest().getBindDN();
            binds.add(dn);
            boundAs.remove(request.getConnectionID());
            if (dn.startsWith("cn=Dave Dunn,")) {
                throw new LDAPException(ResultCode.INVALID_CREDENTIALS, AD_LOCKED);
            }
        }

        @Override
        public void processSimpleBindResult(InMemoryInterceptedSimpleBindResult result) {
            if (result.getResult().getResultCode() == ResultCode.SUCCESS) {
                boundAs.put(result.getConnectionID(), result.getRequest().getBindDN());
            }
        }

        @Override
        public void processSearchRequest(InMemoryInterceptedSearchRequest request) {
            searches.add(new String[] {boundAs.getOrDefault(request.getConnectionID(), ""),
                    request.getRequest().getFilter().toString()});
        }
    }
}
