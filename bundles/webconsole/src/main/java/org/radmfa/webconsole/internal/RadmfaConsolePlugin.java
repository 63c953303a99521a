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
import org.radmfa.api.ClientStatistics;
import org.radmfa.api.DecisionListener;
import org.radmfa.api.DecisionLog;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.RadiusStatistics;
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
    private volatile RadiusStatistics statistics;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DecisionLog decisionLog;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<MfaConnector> mfaConnectors = List.of();

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
        String flash = takeFlash(request);
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
            out.println("<p id='radmfa-flash' class='ui-state-highlight'>" + Html.escape(flash) + "</p>");
        }
        dashboard(out);
        clients(out);
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

    private void clients(PrintWriter out) {
        out.println("<h2 id='clients'>RADIUS clients</h2>");
        ClientRegistry registry = clientRegistry;
        if (registry == null) {
            out.println("<p>No client registry installed (feature radmfa-clients).</p>");
            return;
        }
        out.println("<table class='nicetable' id='radmfa-clients'><thead><tr><th>Name</th><th>Address</th>"
                + "<th>Vendor</th><th>Message-Authenticator</th><th>Secret fingerprint</th></tr></thead><tbody>");
        for (RadiusClient client : registry.clients()) {
            out.println("<tr><td>" + Html.escape(client.name()) + "</td><td>" + Html.escape(client.address())
                    + "</td><td>" + Html.escape(client.vendor()) + "</td><td>"
                    + (client.requireMessageAuthenticator() ? "required" : "optional") + "</td><td><code>"
                    + Html.escape(client.secret().fingerprint()) + "</code></td></tr>");
        }
        out.println("</tbody></table>");
    }

    private void mfa(PrintWriter out) {
        out.println("<h2 id='mfa'>MFA connector</h2>");
        List<MfaConnector> connectors = mfaConnectors;
        if (connectors.isEmpty()) {
            out.println("<p id='radmfa-mfa'>No MFA connector installed: policies that require MFA reject with "
                    + "MFA_UNAVAILABLE.</p>");
            return;
        }
        out.println("<ul id='radmfa-mfa'>");
        for (MfaConnector connector : connectors) {
            out.println("<li>" + Html.escape(connector.name()) + "</li>");
        }
        out.println("</ul>");
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
        List<MfaConnector> connectors = mfaConnectors;
        figures.put("MFA connector", connectors.isEmpty() ? "none installed"
                : String.join(", ", connectors.stream().map(MfaConnector::name).toList()));
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
        response.sendError(HttpServletResponse.SC_NOT_FOUND, "no such action: " + subPath(request));
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

    void flash(HttpServletRequest request, String message) {
        request.getSession(true).setAttribute(FLASH_ATTRIBUTE, message);
    }

    private static String takeFlash(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return null;
        }
        Object message = session.getAttribute(FLASH_ATTRIBUTE);
        session.removeAttribute(FLASH_ATTRIBUTE);
        return message == null ? null : message.toString();
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
