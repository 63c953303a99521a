package org.radmfa.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.CheckFinding;
import org.radmfa.api.admin.ConfigurationCheck;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ClientEntry;
import org.radmfa.api.admin.ClientSettings;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.LocalUserEntry;
import org.radmfa.api.admin.LocalUserSettings;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;

/** The views' HTML: what a viewer and an admin each get, escaping, and the absence of services. */
class ViewsTest {

    private static final Forms ADMIN = new Forms("/system/console/radmfa", "tok<en>", true);
    private static final Forms VIEWER = new Forms("/system/console/radmfa", "token", false);

    private final ClientAdmin clients = Fakes.service(ClientAdmin.class, Map.of("clients", args -> List.of(
            new ClientEntry(new ClientSettings("gw<1>", "10.0.0.1", null, MessageAuthenticatorPolicy.AUTO, true, 30,
                    3), "abcd1234", "etc/org.radmfa.client-gw.cfg"))));
    private final ClientRegistry registry = Fakes.service(ClientRegistry.class, Map.of(
            "messageAuthenticatorReceived", args -> Optional.of(Instant.parse("2026-12-01T10:00:00Z"))));

    @Test
    void anAdminGetsTheClientFormAndAViewerDoesNot() {
        ConsoleServices services = new ConsoleServices(registry, null, null, List.of(), null, clients, null, null,
                null, null);
        String admin = Fakes.render(out -> ClientsView.render(out, services, ADMIN));
        assertTrue(admin.contains("id='radmfa-client-form'"), admin);
        assertTrue(admin.contains("value='tok&lt;en&gt;'"), "the token is escaped: " + admin);
        assertTrue(admin.contains("<td>gw&lt;1&gt;</td>"), admin);
        assertTrue(admin.contains("auto: required (it sent one)"), admin);
        assertTrue(admin.contains("30 s / 3"), admin);
        String viewer = Fakes.render(out -> ClientsView.render(out, services, VIEWER));
        assertFalse(viewer.contains("<form"), viewer);
        assertTrue(viewer.contains("abcd1234"), viewer);
    }

    @Test
    void aFailingAdminServiceIsShownNotThrown() {
        ClientAdmin failing = Fakes.service(ClientAdmin.class, Map.of("clients", args -> {
            throw new AdminException("etc/ is not writable");
        }));
        ConsoleServices services = new ConsoleServices(null, null, null, List.of(), null, failing, null, null, null,
                null);
        String html = Fakes.render(out -> ClientsView.render(out, services, ADMIN));
        assertTrue(html.contains("Cannot list the clients: etc/ is not writable"), html);
    }

    @Test
    void policiesInProcessingOrderWithButtonsWhereTheyMakeSense() {
        PolicyAdmin policies = Fakes.service(PolicyAdmin.class, Map.of("policies", args -> args[0]
                == PolicyKind.NETWORK ? List.of(
                        new PolicyEntry(new PolicySettings(PolicyKind.NETWORK, "first", 10, true,
                                Map.of("access", "grant")), "a.cfg"),
                        new PolicyEntry(new PolicySettings(PolicyKind.NETWORK, "second", 20, false,
                                Map.of("access", "deny")), "b.cfg"))
                : List.of()));
        String html = Fakes.render(out -> PoliciesView.render(out, policies, ADMIN));
        String first = html.substring(html.indexOf("data-name='first'"), html.indexOf("data-name='second'"));
        assertFalse(first.contains(">Up<"), "the first cannot move up: " + first);
        assertTrue(first.contains(">Down<") && first.contains(">Disable<"), first);
        String second = html.substring(html.indexOf("data-name='second'"));
        assertTrue(second.contains(">Up<") && second.contains(">Enable<"), second);
        assertTrue(html.contains("id='radmfa-crps'"), html);
        // Every access a policy may have is an option: the Edit button cannot fill in one the select lacks.
        assertTrue(html.contains("<option value='dialin'>"), html);
        assertTrue(html.contains("name='ignoreUserDialIn'"), html);
    }

    @Test
    void thePolicyFormsAndTheirEditButtonsAreForAdminsOnly() {
        PolicyAdmin policies = Fakes.service(PolicyAdmin.class, Map.of("policies", args -> List.of(
                new PolicyEntry(new PolicySettings((PolicyKind) args[0], "p<1>", 10, true,
                        Map.of("condition.userName", "^a'b$")), "a.cfg"))));
        String admin = Fakes.render(out -> PoliciesView.render(out, policies, ADMIN));
        assertTrue(admin.contains("id='radmfa-policy-form'") && admin.contains("id='radmfa-crp-form'"), admin);
        assertTrue(admin.contains("name='crpAction'") && admin.contains("name='replies'"), admin);
        // The Edit button carries the fields as JSON inside a quoted attribute: escaped for both.
        assertTrue(admin.contains("data-fields='{&quot;name&quot;:&quot;p\\u003c1\\u003e&quot;"), admin);
        assertTrue(admin.contains("userName = ^a&#39;b$"), admin);
        String viewer = Fakes.render(out -> PoliciesView.render(out, policies, VIEWER));
        assertFalse(viewer.contains("radmfa-policy-form") || viewer.contains("radmfa-edit-policy"), viewer);
    }

    @Test
    void thePageCarriesTheChartsAndTheSearchWithTheBundlesOwnScripts() {
        PageView page = new PageView("/c/radmfa", "admin", "admin", 2000, 15);
        String html = Fakes.render(out -> page.render(out, ConsoleServices.none(), ADMIN, null,
                new DecisionRate(() -> 0L), Instant.EPOCH));
        for (String[] chart : ChartsView.CHARTS) {
            assertTrue(html.contains("id='" + chart[0] + "'"), chart[0]);
        }
        assertTrue(html.contains("data-series-url='/c/radmfa/series.json' data-interval='15'"), html);
        assertTrue(html.contains("<script src='/c/radmfa/uPlot.iife.min.js'>"), html);
        assertTrue(html.contains("href='/c/radmfa/uPlot.min.css'"), html);
        assertTrue(html.contains("id='radmfa-search' data-url='/c/radmfa/decisions.json'"), html);
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing from elsewhere: " + html);
    }

    @Test
    void theCheckListsEachFindingWithItsFix() {
        ConfigurationCheck check = Fakes.service(ConfigurationCheck.class, Map.of("run", args -> List.of(
                new CheckFinding(CheckFinding.Severity.ERROR, "mfa-deadline", "client 'Azure <gw>'", "50 s > 30 s",
                        "set mfaTimeoutSeconds to at most 25"))));
        String html = Fakes.render(out -> CheckView.render(out, check));
        assertTrue(html.contains("<tr data-rule='mfa-deadline' class='radmfa-error'><td><b>ERROR</b></td>"
                + "<td>client &#39;Azure &lt;gw&gt;&#39;</td><td>50 s &gt; 30 s</td>"
                + "<td>set mfaTimeoutSeconds to at most 25</td></tr>"), html);
        ConfigurationCheck clean = Fakes.service(ConfigurationCheck.class, Map.of("run", args -> List.of()));
        assertTrue(Fakes.render(out -> CheckView.render(out, clean)).contains("No findings"));
        assertTrue(Fakes.render(out -> CheckView.render(out, null)).contains("feature radmfa-admin"));
    }

    @Test
    void usersShowWhetherASecretIsStoredNeverTheSecret() {
        LocalUserAdmin users = Fakes.service(LocalUserAdmin.class, Map.of("users", args -> List.of(
                new LocalUserEntry(new LocalUserSettings("alice", List.of("vpn-users"), true, true, false), true,
                        false, "etc/org.radmfa.user-alice.cfg"))));
        String html = Fakes.render(out -> UsersView.render(out, users, VIEWER));
        assertTrue(html.contains("NT hash stored"), html);
        assertTrue(html.contains("vpn-users"), html);
        assertFalse(html.contains("<form"), html);
    }

    @Test
    void thePageWorksWithNothingInstalled() {
        PageView page = new PageView("/system/console/radmfa", "<admin>", "admin", 2000, 10);
        String html = Fakes.render(out -> page.render(out, ConsoleServices.none(), VIEWER,
                new Flash("Refused: key 'x'", true), new DecisionRate(() -> 0L), Instant.EPOCH));
        assertTrue(html.contains("Signed in as <b id='radmfa-user'>&lt;admin&gt;</b>"), html);
        assertTrue(html.contains("read only: changes need role admin"), html);
        assertTrue(html.contains("id='radmfa-flash' class='ui-state-error radmfa-error'>Refused: key &#39;x&#39;"),
                html);
        assertTrue(html.contains("not installed (feature radmfa-transport)"), html);
        assertTrue(html.contains("No client registry installed"), html);
        assertTrue(html.contains("No MFA connector installed"), html);
        assertTrue(html.contains("id='radmfa-decisions'"), html);
    }
}
