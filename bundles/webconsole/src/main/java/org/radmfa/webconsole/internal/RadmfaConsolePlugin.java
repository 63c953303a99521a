package org.radmfa.webconsole.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import javax.servlet.Servlet;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.ClientStatistics;
import org.radmfa.api.DecisionListener;
import org.radmfa.api.DecisionLog;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.MfaActivity;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.MfaStatus;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.RadiusStatistics;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ClientEntry;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.LocalUserEntry;
import org.radmfa.api.admin.NpsImport;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's page in Karaf's web console, {@code /system/console/radmfa}. Every service it shows is optional
 * and dynamic: the page works with whatever parts are installed and follows their updates. GET renders (the page,
 * {@code state.json} for the live parts, {@code radmfa.js}); POST changes, only for the configured role and only with
 * the session's CSRF token.
 */
@Component(service = {Servlet.class, DecisionListener.class}, configurationPid = RadmfaConsolePlugin.PID,
        property = {
            "felix.webconsole.label=" + RadmfaConsolePlugin.LABEL,
            "felix.webconsole.title=RADIUS + MFA",
            "felix.webconsole.category=radmfa"
        })
@Designate(ocd = RadmfaConsolePlugin.Config.class)
public final class RadmfaConsolePlugin extends HttpServlet implements DecisionListener {

    static final String PID = "org.radmfa.webconsole";
    static final String LABEL = "radmfa";

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RadmfaConsolePlugin.class);
    /** Felix web console request attribute: the plugin's URL path, e.g. /system/console/radmfa. */
    private static final String PLUGIN_ROOT_ATTRIBUTE = "felix.webconsole.pluginRoot";
    private static final String FLASH_ATTRIBUTE = RadmfaConsolePlugin.class.getName() + ".flash";
    private static final int RATE_WINDOW_SECONDS = 10;

    @ObjectClassDefinition(name = "radmfa web console page",
            description = "The RADIUS + MFA page of Karaf's web console (/system/console/radmfa).")
    @interface Config {
        @AttributeDefinition(name = "Role allowed to change",
                description = "Karaf role (JAAS realm karaf) a user needs to change clients, policies and users "
                        + "from the page. Others may only look, if the console lets them in at all "
                        + "(etc/org.apache.karaf.webconsole.cfg, key role).")
        String changeRole() default "admin";

        @AttributeDefinition(name = "Decisions shown", description = "How many recent decisions the page lists.",
                min = "1", max = "1000")
        int decisionCount() default 50;

        @AttributeDefinition(name = "Refresh interval",
                description = "Milliseconds between two refreshes of the dashboard and the decision log.",
                min = "500")
        int refreshMillis() default 2000;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ClientRegistry clientRegistry;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile NpsImport npsImport;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RadiusStatistics statistics;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DecisionLog decisionLog;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<Map.Entry<Map<String, Object>, MfaConnector>> mfaConnectors = List.of();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MfaActivity mfaActivity;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ClientAdmin clientAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PolicyAdmin policyAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile LocalUserAdmin userAdmin;

    private final transient CsrfGuard csrf = new CsrfGuard();
    private final transient DecisionRate rate = new DecisionRate(System::currentTimeMillis);
    private volatile String changeRole = "admin";
    private volatile int decisionCount = 50;
    private volatile int refreshMillis = 2000;

    @Activate
    @Modified
    void configure(Config config) {
        changeRole = config.changeRole().trim();
        decisionCount = Math.max(1, Math.min(1000, config.decisionCount()));
        refreshMillis = Math.max(500, config.refreshMillis());
    }

    @Override
    public void decided(DecisionRecord record) {
        rate.count();
    }

    // ------------------------------------------------------------------------------------------------- reading

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        response.setHeader("Cache-Control", "no-store");
        switch (subPath(request)) {
            case "", "/" -> page(request, response);
            case "/state.json" -> state(response);
            case "/radmfa.js" -> script(response);
            default -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    private void page(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String root = pluginRoot(request);
        boolean mayChange = mayChange(request);
        String token = csrf.tokenFor(request);
        Flash flash = takeFlash(request);
        // The console has already written its header and set the content type; this is the content part.
        PrintWriter out = response.getWriter();
        out.println("<style>#radmfa h2{font-size:1.25em;font-weight:bold;margin:1.2em 0 .4em}"
                + "#radmfa table.nicetable{width:auto;min-width:50%}#radmfa form{margin:.5em 0}"
                + "#radmfa tr.radmfa-trace td{background:#f6f6f6}#radmfa .radmfa-error{color:#b00}</style>");
        out.println("<div id='radmfa' data-state-url='" + Html.escape(root + "/state.json") + "' data-refresh='"
                + refreshMillis + "' data-csrf='" + Html.escape(token) + "'>");
        out.println("<p class='statline'>Signed in as <b id='radmfa-user'>" + Html.escape(user(request)) + "</b>"
                + (mayChange ? " (may change)" : " (read only: changes need role " + Html.escape(changeRole) + ")")
                + " &middot; <span id='radmfa-live'>loading&hellip;</span></p>");
        if (flash != null) {
            out.println("<p id='radmfa-flash' class='" + (flash.error() ? "ui-state-error radmfa-error"
                    : "ui-state-highlight") + "'>" + Html.escape(flash.message()) + "</p>");
        }
        Forms forms = new Forms(root, token, mayChange);
        dashboard(out);
        clients(out, forms);
        policies(out, forms);
        users(out, forms);
        npsImport(out, forms);
        mfa(out);
        decisions(out);
        out.println("</div>");
        out.println("<script src='" + Html.escape(root + "/radmfa.js") + "'></script>");
    }

    private void dashboard(PrintWriter out) {
        out.println("<h2 id='dashboard'>Dashboard</h2>");
        out.println("<table class='nicetable' id='radmfa-dashboard'><tbody>");
        for (Map.Entry<String, Object> entry : dashboardFigures().entrySet()) {
            out.println("<tr><th>" + Html.escape(entry.getKey()) + "</th><td data-key='" + Html.escape(entry.getKey())
                    + "'>" + Html.escape(entry.getValue()) + "</td></tr>");
        }
        out.println("</tbody></table>");
    }

    private void clients(PrintWriter out, Forms forms) {
        out.println("<h2 id='clients'>RADIUS clients</h2>");
        ClientAdmin admin = clientAdmin;
        if (admin == null) {
            registeredClients(out);
            return;
        }
        List<ClientEntry> entries;
        try {
            entries = admin.clients();
        } catch (AdminException e) {
            out.println("<p class='radmfa-error'>Cannot list the clients: " + Html.escape(e.getMessage()) + "</p>");
            return;
        }
        out.println("<table class='nicetable' id='radmfa-clients'><thead><tr><th>Name</th><th>Address</th>"
                + "<th>Vendor</th><th>Message-Authenticator</th><th>Sent one</th><th>NAS timeout / retries</th>"
                + "<th>Secret fingerprint</th><th>File</th>" + (forms.mayChange() ? "<th></th>" : "")
                + "</tr></thead><tbody>");
        for (ClientEntry entry : entries) {
            var c = entry.settings();
            out.print("<tr data-name='" + Html.escape(c.name()) + "'><td>" + Html.escape(c.name()) + "</td><td>"
                    + Html.escape(c.address()) + "</td><td>" + Html.escape(c.vendor()) + "</td><td>"
                    + messageAuthenticatorCells(c.name(), c.messageAuthenticator()) + "</td><td>"
                    + (c.nasTimeoutSeconds() == 0 ? "-" : c.nasTimeoutSeconds() + " s") + " / "
                    + (c.nasRetries() == 0 ? "-" : c.nasRetries()) + "</td><td><code>"
                    + Html.escape(entry.secretFingerprint()) + "</code></td><td>" + Html.escape(entry.source())
                    + "</td>");
            if (forms.mayChange()) {
                out.print("<td><button type='button' class='radmfa-edit-client' data-name='" + Html.escape(c.name())
                        + "' data-address='" + Html.escape(c.address()) + "' data-vendor='" + Html.escape(c.vendor())
                        + "' data-mauth='" + c.messageAuthenticator().configValue() + "' data-limit-proxy-state='"
                        + c.limitProxyState() + "' data-timeout='"
                        + c.nasTimeoutSeconds() + "' data-retries='" + c.nasRetries() + "'>Edit</button> "
                        + forms.action("/clients", "Remove", "Remove client " + c.name() + "?",
                                Map.of("action", "remove", "name", c.name())) + "</td>");
            }
            out.println("</tr>");
        }
        out.println("</tbody></table>");
        if (forms.mayChange()) {
            out.println("<form method='post' id='radmfa-client-form' action='" + Html.escape(forms.root() + "/clients")
                    + "'>" + forms.tokenField() + "<input type='hidden' name='action' value='put'/>"
                    + "<b>Add or change a client</b><br/>"
                    + "<label>Name <input name='name' required='required' size='20'/></label> "
                    + "<label>Address (IP, CIDR or DNS name) <input name='address' required='required' size='22'/>"
                    + "</label> <label>Shared secret <input name='secret' type='password' size='20' "
                    + "autocomplete='new-password' placeholder='empty: keep the current one'/></label><br/>"
                    + "<label>Vendor <input name='vendor' value='RADIUS Standard' size='16'/></label> "
                    + "<label>Message-Authenticator <select name='requireMessageAuthenticator'>"
                    + "<option value='auto' selected='selected'>auto (required once the NAS has sent one)</option>"
                    + "<option value='true'>required</option><option value='false'>optional</option></select>"
                    + "</label> <label><input type='checkbox' name='limitProxyState' value='true' checked='checked'/>"
                    + " drop Proxy-State without Message-Authenticator</label> "
                    + "<label>NAS timeout (s) <input name='nasTimeoutSeconds' size='4'/></label> "
                    + "<label>NAS retries <input name='nasRetries' size='3'/></label> "
                    + "<button type='submit'>Save client</button></form>");
        }
    }

    /**
     * The Message-Authenticator setting and whether the NAS has ever sent one, as two table cells (the caller opens
     * the first and closes the last): with auto, the second says whether it is required by now.
     */
    private String messageAuthenticatorCells(String client, MessageAuthenticatorPolicy policy) {
        ClientRegistry registry = clientRegistry;
        Optional<Instant> received = registry == null ? Optional.empty()
                : registry.messageAuthenticatorReceived(client);
        String setting = switch (policy) {
            case REQUIRED -> "required";
            case OPTIONAL -> "optional";
            case AUTO -> received.isPresent() ? "auto: required (it sent one)" : "auto: optional until it sends one";
        };
        return setting + "</td><td>" + received.map(when -> "yes, first " + Html.escape(when.toString()))
                .orElse("no");
    }

    /** Without the admin services: the registry's view, read only. */
    private void registeredClients(PrintWriter out) {
        ClientRegistry registry = clientRegistry;
        if (registry == null) {
            out.println("<p>No client registry installed (feature radmfa-clients).</p>");
            return;
        }
        out.println("<p>Read only: changing clients needs the admin services (feature radmfa-admin).</p>");
        out.println("<table class='nicetable' id='radmfa-clients'><thead><tr><th>Name</th><th>Address</th>"
                + "<th>Vendor</th><th>Message-Authenticator</th><th>Sent one</th><th>Secret fingerprint</th></tr>"
                + "</thead><tbody>");
        for (RadiusClient client : registry.clients()) {
            out.println("<tr data-name='" + Html.escape(client.name()) + "'><td>" + Html.escape(client.name())
                    + "</td><td>" + Html.escape(client.address()) + "</td><td>" + Html.escape(client.vendor())
                    + "</td><td>" + messageAuthenticatorCells(client.name(), client.messageAuthenticator())
                    + "</td><td><code>" + Html.escape(client.secret().fingerprint()) + "</code></td></tr>");
        }
        out.println("</tbody></table>");
    }

    private void policies(PrintWriter out, Forms forms) {
        PolicyAdmin admin = policyAdmin;
        out.println("<h2 id='policies'>Network policies (processing order)</h2>");
        if (admin == null) {
            out.println("<p>Policies are shown and changed through the admin services (feature radmfa-admin), "
                    + "which are not installed.</p>");
            return;
        }
        policyTable(out, forms, admin, PolicyKind.NETWORK, "radmfa-policies");
        out.println("<h2 id='crps'>Connection request policies (processing order)</h2>");
        policyTable(out, forms, admin, PolicyKind.CONNECTION_REQUEST, "radmfa-crps");
    }

    private void policyTable(PrintWriter out, Forms forms, PolicyAdmin admin, PolicyKind kind, String id) {
        List<PolicyEntry> entries;
        try {
            entries = admin.policies(kind);
        } catch (AdminException e) {
            out.println("<p class='radmfa-error'>Cannot list the policies: " + Html.escape(e.getMessage()) + "</p>");
            return;
        }
        out.println("<table class='nicetable' id='" + id + "'><thead><tr><th>#</th><th>Name</th><th>Order</th>"
                + "<th>Enabled</th><th>Settings</th><th>File</th>" + (forms.mayChange() ? "<th></th>" : "")
                + "</tr></thead><tbody>");
        int position = 0;
        for (PolicyEntry entry : entries) {
            position++;
            var p = entry.settings();
            StringBuilder settings = new StringBuilder();
            p.settings().forEach((key, value) -> settings.append(Html.escape(key)).append(" = ")
                    .append(Html.escape(value)).append("<br/>"));
            out.print("<tr data-name='" + Html.escape(p.name()) + "' data-enabled='" + p.enabled() + "'><td>"
                    + position + "</td><td>" + Html.escape(p.name()) + "</td><td>" + p.order() + "</td><td>"
                    + (p.enabled() ? "yes" : "<b>no</b>") + "</td><td><small>" + settings + "</small></td><td>"
                    + Html.escape(entry.source()) + "</td>");
            if (forms.mayChange()) {
                Map<String, String> base = Map.of("kind", kind.name(), "name", p.name());
                out.print("<td>" + (position > 1 ? forms.action("/policies", "Up", null, with(base, "up")) : "")
                        + (position < entries.size() ? forms.action("/policies", "Down", null, with(base, "down")) : "")
                        + forms.action("/policies", p.enabled() ? "Disable" : "Enable", null,
                                with(base, p.enabled() ? "disable" : "enable"))
                        + forms.action("/policies", "Remove", "Remove policy " + p.name() + "?", with(base, "remove"))
                        + "</td>");
            }
            out.println("</tr>");
        }
        out.println("</tbody></table>");
    }

    /**
     * The upload of an NPS export: the page's script posts the file as it is (no form encoding, so that an export
     * of several megabytes is not held to the form size limit), with the CSRF token in a header, and shows the
     * report it gets back.
     */
    private void npsImport(PrintWriter out, Forms forms) {
        out.println("<h2 id='nps'>Import from Windows NPS</h2>");
        if (npsImport == null) {
            out.println("<p>Importing an NPS configuration export needs the feature radmfa-nps-import.</p>");
            return;
        }
        if (!forms.mayChange()) {
            out.println("<p>Importing an NPS configuration export needs role " + Html.escape(changeRole) + ".</p>");
            return;
        }
        out.println("<form id='radmfa-nps-form' data-url='" + Html.escape(forms.root() + "/nps-import") + "'>"
                + "<p>The file of <code>netsh nps export filename=nps.xml exportPSK=YES</code>: "
                + "<input type='file' name='export' accept='.xml,text/xml,application/xml'/></p>"
                + "<p>Group map, <code>SID = group name</code> per line (NPS names groups by SID only):<br/>"
                + "<textarea name='groupMap' rows='4' cols='80'></textarea></p>"
                + "<p>Prefix for imported names: <input name='prefix' size='10'/> "
                + "<label><input type='checkbox' name='dryRun' checked='checked'/> dry run (report only)</label> "
                + "<button type='submit'>Import</button></p></form>"
                + "<pre id='radmfa-nps-report'></pre>");
    }

    private void users(PrintWriter out, Forms forms) {
        out.println("<h2 id='users'>Local users</h2>");
        LocalUserAdmin admin = userAdmin;
        if (admin == null) {
            out.println("<p>Local users are shown and changed through the admin services (feature radmfa-admin), "
                    + "which are not installed.</p>");
            return;
        }
        List<LocalUserEntry> entries;
        try {
            entries = admin.users();
        } catch (AdminException e) {
            out.println("<p class='radmfa-error'>Cannot list the users: " + Html.escape(e.getMessage()) + "</p>");
            return;
        }
        out.println("<table class='nicetable' id='radmfa-users'><thead><tr><th>Name</th><th>Groups</th>"
                + "<th>Enabled</th><th>MS-CHAPv2</th><th>CHAP</th><th>File</th>"
                + (forms.mayChange() ? "<th></th>" : "") + "</tr></thead><tbody>");
        for (LocalUserEntry entry : entries) {
            var u = entry.settings();
            out.print("<tr data-name='" + Html.escape(u.name()) + "'><td>" + Html.escape(u.name()) + "</td><td>"
                    + Html.escape(String.join(", ", u.groups())) + "</td><td>" + (u.enabled() ? "yes" : "<b>no</b>")
                    + "</td><td>" + (entry.hasNtHash() ? "NT hash stored" : (u.msChapV2() ? "on, no hash yet" : "-"))
                    + "</td><td>" + (entry.hasChapPassword() ? "sealed password stored"
                            : (u.chap() ? "on, none stored yet" : "-"))
                    + "</td><td>" + Html.escape(entry.source()) + "</td>");
            if (forms.mayChange()) {
                Map<String, String> base = Map.of("name", u.name());
                out.print("<td>" + forms.action("/users", u.enabled() ? "Disable" : "Enable", null,
                        with(base, u.enabled() ? "disable" : "enable"))
                        + forms.action("/users", "Remove", "Remove user " + u.name() + "?", with(base, "remove"))
                        + "</td>");
            }
            out.println("</tr>");
        }
        out.println("</tbody></table>");
        if (forms.mayChange()) {
            out.println("<form method='post' id='radmfa-user-form' action='" + Html.escape(forms.root() + "/users")
                    + "'>" + forms.tokenField() + "<input type='hidden' name='action' value='put'/>"
                    + "<b>Add or change a user</b><br/>"
                    + "<label>Name <input name='name' required='required' size='16'/></label> "
                    + "<label>Password <input name='password' type='password' size='16' autocomplete='new-password' "
                    + "placeholder='empty: keep the current one'/></label> "
                    + "<label>Groups <input name='groups' size='24' placeholder='vpn-users, ...'/></label><br/>"
                    + "<label><input type='checkbox' name='enabled' value='true' checked='checked'/> enabled</label> "
                    + "<label><input type='checkbox' name='msChapV2' value='true'/> MS-CHAPv2 (keeps an NT hash)"
                    + "</label> <label><input type='checkbox' name='chap' value='true'/> CHAP (keeps the password "
                    + "sealed)</label> <button type='submit'>Save user</button></form>");
        }
    }

    private static Map<String, String> with(Map<String, String> base, String action) {
        Map<String, String> fields = new LinkedHashMap<>(base);
        fields.put("action", action);
        return fields;
    }

    private void mfa(PrintWriter out) {
        out.println("<h2 id='mfa'>MFA connector</h2>");
        List<Map.Entry<Map<String, Object>, MfaConnector>> connectors = mfaConnectors;
        if (connectors.isEmpty()) {
            out.println("<p id='radmfa-mfa'>No MFA connector installed: policies that require MFA reject with "
                    + "MFA_UNAVAILABLE.</p>");
            return;
        }
        out.println("<table class='nicetable' id='radmfa-mfa'><thead><tr><th>Connector</th><th>Service</th>"
                + "<th>Bundle</th><th>Credential</th></tr></thead><tbody>");
        for (Map.Entry<Map<String, Object>, MfaConnector> connector : connectors) {
            Map<String, Object> properties = connector.getKey();
            String name = connector.getValue().name();
            String expiry = CredentialExpiry.describe(name, properties, Instant.now());
            out.println("<tr><td>" + Html.escape(name) + "</td><td>" + Html.escape(properties.get("service.id"))
                    + (properties.get("connector") == null ? "" : " (connector=" + Html.escape(properties.get(
                            "connector")) + ")") + "</td><td>" + Html.escape(properties.get("service.bundleid"))
                    + "</td><td>" + (expiry == null ? "-" : Html.escape(expiry)) + "</td></tr>");
        }
        out.println("</tbody></table>");
        out.println("<p>The pipeline picks the connector by <code>mfaConnector.target</code> in "
                + "etc/org.radmfa.pipeline.cfg.</p>");
    }

    private void decisions(PrintWriter out) {
        out.println("<h2 id='decisions'>Decisions (live)</h2>");
        out.println("<table class='nicetable' id='radmfa-decisions'><thead><tr><th>Time</th><th>Id</th><th>Client</th>"
                + "<th>User</th><th>Outcome</th><th>Reason</th><th>Policy</th><th>ms</th><th>Detail</th></tr></thead>"
                + "<tbody></tbody></table>");
        out.println("<p>Click a decision to see its trace. The list refreshes every " + refreshMillis + " ms.</p>");
    }

    /** The live parts as JSON, for radmfa.js. Text from the network is escaped by the writer and set as text. */
    private void state(HttpServletResponse response) throws IOException {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("time", Instant.now().toString());
        state.put("dashboard", dashboardFigures());
        List<Object> decisions = new ArrayList<>();
        DecisionLog log = decisionLog;
        if (log != null) {
            for (DecisionRecord record : log.recent(decisionCount)) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("id", record.id());
                item.put("time", record.time() == null ? null : record.time().toString());
                item.put("client", record.client());
                item.put("user", record.userName());
                item.put("outcome", record.decision().outcome().name());
                item.put("reason", record.decision().reason().name());
                item.put("policy", record.decision().policyName());
                item.put("millis", record.millis());
                item.put("detail", record.decision().detail());
                item.put("correlationId", record.correlationId());
                item.put("trace", record.decision().trace());
                decisions.add(item);
            }
        }
        state.put("decisions", decisions);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Json.write(state));
    }

    private Map<String, Object> dashboardFigures() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("Decisions per second (last " + RATE_WINDOW_SECONDS + " s)",
                String.format("%.1f", rate.perSecond(RATE_WINDOW_SECONDS)));
        RadiusStatistics stats = statistics;
        if (stats == null) {
            figures.put("RADIUS server", "not installed (feature radmfa-transport)");
        } else {
            long requests = 0;
            long badSecret = 0;
            long badPassword = 0;
            Map<String, Long> answers = new TreeMap<>();
            Map<String, Long> rejects = new TreeMap<>();
            Map<String, Long> drops = new TreeMap<>();
            for (ClientStatistics client : stats.clients()) {
                requests += client.requests();
                badSecret += client.badSecret();
                badPassword += client.badPassword();
                client.answers().forEach((k, v) -> answers.merge(k, v, Long::sum));
                client.rejects().forEach((k, v) -> rejects.merge(k, v, Long::sum));
                client.drops().forEach((k, v) -> drops.merge(k, v, Long::sum));
            }
            figures.put("Requests since start", requests);
            figures.put("Accepts", answers.getOrDefault("ACCEPT", 0L));
            figures.put("Rejects", answers.getOrDefault("REJECT", 0L));
            figures.put("Challenges", answers.getOrDefault("CHALLENGE", 0L));
            figures.put("Rejects by reason", rejects.isEmpty() ? "none" : rejects.toString());
            figures.put("Drops by reason", drops.isEmpty() ? "none" : drops.toString());
            figures.put("Bad shared secret / bad password", badSecret + " / " + badPassword);
        }
        List<Map.Entry<Map<String, Object>, MfaConnector>> connectors = mfaConnectors;
        figures.put("MFA connector", connectors.isEmpty() ? "none installed"
                : String.join(", ", connectors.stream().map(c -> c.getValue().name()).toList()));
        MfaActivity activity = mfaActivity;
        if (activity != null) {
            MfaStatus status = activity.status();
            figures.put("MFA connector in use", status.connector() == null ? "none" : status.connector());
            figures.put("Pending MFA", status.pending());
            figures.put("MFA outcomes", status.outcomes().isEmpty() ? "none" : new TreeMap<>(status.outcomes())
                    .toString());
            figures.put("MFA last unavailable", status.lastUnavailable() == null ? "never"
                    : status.lastUnavailable() + (status.lastUnavailableDetail() == null ? ""
                            : ": " + status.lastUnavailableDetail()));
        }
        List<String> expiries = new ArrayList<>();
        Instant now = Instant.now();
        for (Map.Entry<Map<String, Object>, MfaConnector> connector : connectors) {
            String expiry = CredentialExpiry.describe(connector.getValue().name(), connector.getKey(), now);
            if (expiry != null) {
                expiries.add(expiry);
            }
        }
        figures.put("Credential expiry", expiries.isEmpty() ? "no expiry date configured"
                : String.join("; ", expiries));
        return figures;
    }

    private void script(HttpServletResponse response) throws IOException {
        response.setContentType("text/javascript");
        response.setCharacterEncoding("UTF-8");
        try (InputStream in = RadmfaConsolePlugin.class.getResourceAsStream("radmfa.js")) {
            if (in == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            response.getWriter().write(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    // ------------------------------------------------------------------------------------------------ changing

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        // Role first, then the token; nothing of the request is acted upon before both passed.
        if (!mayChange(request)) {
            refuse(request, response, "changes need role '" + changeRole + "'");
            return;
        }
        String refusal = csrf.refusal(request);
        if (refusal != null) {
            refuse(request, response, refusal);
            return;
        }
        if (subPath(request).equals("/nps-import")) {
            npsUpload(request, response);
            return;
        }
        String root = pluginRoot(request);
        ChangeHandler handler = new ChangeHandler(clientAdmin, policyAdmin, userAdmin);
        String anchor = "";
        try {
            ChangeHandler.Done done = handler.handle(subPath(request), request::getParameter);
            LOG.info("Web console: {} by user '{}' from {}", done.message(), user(request), request.getRemoteAddr());
            flash(request, new Flash(done.message(), false));
            anchor = "#" + done.anchor();
        } catch (AdminException | IllegalArgumentException | IllegalStateException e) {
            // The admin services name the key and the reason; never a secret's value.
            flash(request, new Flash("Refused: " + e.getMessage(), true));
        }
        // Post/redirect/get: a reload of the page does not repeat the change.
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", root + anchor);
    }

    /**
     * An NPS export posted as the request body; options in the query string. Answers the report as text: 200 when
     * the import went (or would go) through, 422 when it was refused and nothing was written.
     */
    private void npsUpload(HttpServletRequest request, HttpServletResponse response) throws IOException {
        NpsImport importer = npsImport;
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        if (importer == null) {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.getWriter().println("Importing an NPS export needs the feature radmfa-nps-import.");
            return;
        }
        String name = request.getParameter("name");
        String source = "upload" + (name == null || name.isBlank() ? "" : " '" + name.strip() + "'");
        boolean dryRun = !"false".equalsIgnoreCase(request.getParameter("dryRun"));
        try (InputStream body = request.getInputStream()) {
            NpsImport.Result result = importer.run(body, source, request.getParameter("groupMap"),
                    request.getParameter("prefix"), dryRun);
            LOG.info("Web console: NPS import of {} {} by user '{}' from {}", source, dryRun ? "(dry run)"
                    : result.refusal() == null ? "written" : "refused", user(request), request.getRemoteAddr());
            response.setStatus(result.refusal() == null ? HttpServletResponse.SC_OK : 422);
            response.getWriter().print(result.report());
        } catch (AdminException e) {
            response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            response.getWriter().println("NPS import failed: " + e.getMessage());
        }
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String reason) throws IOException {
        LOG.warn("Web console: refused {} {} by user '{}' from {}: {}", request.getMethod(), request.getRequestURI(),
                user(request), request.getRemoteAddr(), reason);
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().println("403 Forbidden: " + reason);
    }

    private boolean mayChange(HttpServletRequest request) {
        Set<String> roles = KarafRoles.of(request);
        return roles.contains(changeRole);
    }

    private static String user(HttpServletRequest request) {
        String user = KarafRoles.user(request);
        return user == null ? "(unknown)" : user;
    }

    /** The outcome of a change, shown once on the page the browser is sent back to. */
    record Flash(String message, boolean error) implements java.io.Serializable {
    }

    private static void flash(HttpServletRequest request, Flash flash) {
        request.getSession(true).setAttribute(FLASH_ATTRIBUTE, flash);
    }

    private static Flash takeFlash(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return null;
        }
        Object flash = session.getAttribute(FLASH_ATTRIBUTE);
        session.removeAttribute(FLASH_ATTRIBUTE);
        return flash instanceof Flash f ? f : null;
    }

    /** Renders the small POST forms of the page, each with the session's CSRF token. */
    record Forms(String root, String token, boolean mayChange) {

        String tokenField() {
            return "<input type='hidden' name='" + CsrfGuard.FIELD + "' value='" + Html.escape(token) + "'/>";
        }

        /** A one-button form; {@code confirm}, if not null, is asked before it is sent. */
        String action(String path, String label, String confirm, Map<String, String> fields) {
            StringBuilder form = new StringBuilder("<form method='post' style='display:inline' action='")
                    .append(Html.escape(root + path)).append("'");
            if (confirm != null) {
                form.append(" data-confirm='").append(Html.escape(confirm)).append("'");
            }
            form.append('>').append(tokenField());
            fields.forEach((name, value) -> form.append("<input type='hidden' name='").append(Html.escape(name))
                    .append("' value='").append(Html.escape(value)).append("'/>"));
            return form.append("<button type='submit'>").append(Html.escape(label)).append("</button></form> ")
                    .toString();
        }
    }

    /** The path below the plugin: "" for the page, "/state.json", "/clients", ... */
    static String subPath(HttpServletRequest request) {
        String path = request.getPathInfo();
        if (path == null) {
            return "";
        }
        String prefix = "/" + LABEL;
        return path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    }

    static String pluginRoot(HttpServletRequest request) {
        Object root = request.getAttribute(PLUGIN_ROOT_ATTRIBUTE);
        return root != null ? root.toString() : request.getContextPath() + request.getServletPath() + "/" + LABEL;
    }
}
