package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;

/**
 * A realm routed to an LDAP directory, end to end: a connection request policy sends alice@corp.example, realm
 * stripped, to the directory "corp" (UnboundID's in-memory server on loopback, started by the test); the group it
 * reports grants access through the demo policy; when the directory goes away the answer is a reject, never an
 * accept.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LdapIT extends RadmfaTestSupport {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Override
    protected String[] extraFeatures() {
        return new String[] {"radmfa-directory-ldap"};
    }

    private Configuration configure(String factoryPid, String name, String... keyValues) throws Exception {
        Configuration configuration = configurationAdmin.getFactoryConfiguration(factoryPid, name, "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        configuration.update(properties);
        return configuration;
    }

    private int login(RadiusTestClient client, String user, String password) throws Exception {
        RadiusTestClient.Sent sent = client.sendPap(user, password, DEMO_SECRET, DEMO_SECRET);
        RadiusTestClient.Response response = client.receive(sent, 10_000);
        return response == null ? -1 : response.code();
    }

    @Test
    public void realmRoutedToLdapAuthenticatesWithItsGroupsAndFailsClosed() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=corp,dc=example");
        config.setSchema(null);
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap",
                java.net.InetAddress.getLoopbackAddress(), 0, null));
        InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
        server.add("dn: dc=corp,dc=example", "objectClass: domain", "dc: corp");
        server.add("dn: cn=svc-radius,dc=corp,dc=example", "objectClass: person", "cn: svc-radius", "sn: svc",
                "userPassword: service-secret");
        server.add("dn: cn=vpn-users,dc=corp,dc=example", "objectClass: group", "cn: vpn-users",
                "member: cn=Alice,dc=corp,dc=example");
        server.add("dn: cn=Alice,dc=corp,dc=example", "objectClass: user", "cn: Alice", "sAMAccountName: alice",
                "userPrincipalName: alice@corp.example", "userAccountControl: 512", "userPassword: alice-secret",
                "memberOf: cn=vpn-users,dc=corp,dc=example");
        server.startListening();
        Configuration directory = configure("org.radmfa.directory.ldap", "corp", "name", "corp", "urls",
                "ldap://127.0.0.1:" + server.getListenPort(), "security", "none", "bindDn",
                "cn=svc-radius,dc=corp,dc=example", ".bindPassword", "service-secret", "baseDn", "dc=corp,dc=example",
                "groupMode", "memberOf", "responseTimeoutMillis", "2000", "connectTimeoutMillis", "2000");
        Configuration route = configure("org.radmfa.crp", "corp", "name", "Corp users", "order", "10",
                "condition.userName", "@corp\\.example$", "rewrite.pattern", "@corp\\.example$",
                "rewrite.replacement", "", "directory", "corp");
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", authPort())) {
            Await.until("alice@corp.example accepted through LDAP", TIMEOUT, () -> {
                try {
                    return login(client, "alice@corp.example", "alice-secret") == RadiusTestClient.ACCESS_ACCEPT;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(RadiusTestClient.ACCESS_REJECT, login(client, "alice@corp.example", "wrong"));
            assertEquals("the local store does not know her", RadiusTestClient.ACCESS_REJECT,
                    login(client, "alice", "alice-secret"));
            server.shutDown(true);
            assertEquals("directory gone: reject, never accept", RadiusTestClient.ACCESS_REJECT,
                    login(client, "alice@corp.example", "alice-secret"));
        } finally {
            server.shutDown(true);
            route.delete();
            directory.delete();
        }
        String decisions = shell("radmfa:decisions --no-format --trace -n 10");
        assertTrue(decisions, decisions.contains("DIRECTORY_UNAVAILABLE"));
        assertTrue(decisions, decisions.contains("AUTHENTICATION_FAILED"));
        assertTrue(decisions, decisions.contains("User-Name rewritten to 'alice'"));
        assertTrue(decisions, decisions.contains("directory 'corp': ACCEPTED"));
        assertTrue("the service account's password never shows", !decisions.contains("service-secret"));
    }
}
