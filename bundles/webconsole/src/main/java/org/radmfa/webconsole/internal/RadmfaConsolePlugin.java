package org.radmfa.webconsole.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.DecisionListener;
import org.radmfa.api.DecisionLog;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.MfaActivity;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.RadiusStatistics;
import org.radmfa.api.RemoteServerGroups;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ConfigurationCheck;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.NpsImport;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.RemoteServerAdmin;
import org.radmfa.api.audit.AuditSearch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's page in Karaf's web console, {@code /system/console/radmfa}. Every service it shows is optional
 * and dynamic: the page works with whatever parts are installed and follows their updates. This class is the
 * component and the servlet: it copies its references once per request ({@link ConsoleServices}), asks
 * {@link Route} what the request is for, and hands it to a view ({@link PageView}), the JSON API ({@link JsonApi})
 * or the change handler ({@link ChangeHandler}, only for the configured role and only with the session's CSRF token).
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

        @AttributeDefinition(name = "Chart sample interval",
                description = "Seconds between two samples of the charts (decisions per second, rejects by reason, "
                        + "MFA outcomes, latency percentiles, pending MFA); an hour of samples is kept in memory.",
                min = "1", max = "600")
        int chartSampleSeconds() default 10;
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

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationCheck configurationCheck;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RemoteServerAdmin remoteServerAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RemoteServerGroups remoteServerGroups;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AuditSearch auditSearch;

    private final transient CsrfGuard csrf = new CsrfGuard();
    private final transient DecisionRate rate = new DecisionRate(System::currentTimeMillis);
    private volatile String changeRole = "admin";
    private volatile int decisionCount = 50;
    private volatile int refreshMillis = 2000;
    private final transient ChartSampler charts = new ChartSampler(Clock.systemUTC(), () -> {
        MfaActivity activity = mfaActivity;
        return activity == null ? null : activity.status();
    });

    @Activate
    @Modified
    void configure(Config config) {
        changeRole = config.changeRole().trim();
        decisionCount = Math.max(1, Math.min(1000, config.decisionCount()));
        refreshMillis = Math.max(500, config.refreshMillis());
        charts.start(Math.max(1, Math.min(600, config.chartSampleSeconds())));
    }

    @Deactivate
    void deactivate() {
        charts.stop();
    }

    @Override
    public void decided(DecisionRecord record) {
        rate.count();
        charts.count(record);
    }

    private ConsoleServices services() {
        return new ConsoleServices(clientRegistry, statistics, decisionLog, mfaConnectors, mfaActivity, clientAdmin,
                policyAdmin, userAdmin, npsImport, configurationCheck, remoteServerAdmin, remoteServerGroups,
                auditSearch);
    }

    // ------------------------------------------------------------------------------------------------- reading

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        Route route = Route.of("GET", subPath(request));
        switch (route.target()) {
            case PAGE -> page(request, response);
            case STATE -> json(response, JsonApi.state(services(), rate, decisionCount, Instant.now()));
            case SERIES -> json(response, charts.series().json());
            case DECISIONS -> search(request, response);
            case DECISION -> {
                Object decision = JsonApi.decision(services(), request.getParameter("id"),
                        request.getParameter("correlationId"));
                if (decision == null) {
                    response.sendError(HttpServletResponse.SC_NOT_FOUND);
                } else {
                    json(response, decision);
                }
            }
            case ASSET -> asset(response, route.name());
            default -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    private void page(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Forms forms = new Forms(pluginRoot(request), csrf.tokenFor(request), mayChange(request));
        // The console has already written its header and set the content type; this is the content part.
        new PageView(forms.root(), user(request), changeRole, refreshMillis, charts.series().intervalSeconds())
                .render(response.getWriter(), services(), forms, Flash.take(request), rate, Instant.now());
    }

    private void search(HttpServletRequest request, HttpServletResponse response) throws IOException {
        DecisionSearch search;
        try {
            search = DecisionSearch.of(request::getParameter);
        } catch (IllegalArgumentException e) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            response.setContentType("text/plain");
            response.setCharacterEncoding("UTF-8");
            response.getWriter().println(e.getMessage());
            return;
        }
        json(response, JsonApi.search(services(), search));
    }

    private static void json(HttpServletResponse response, Object body) throws IOException {
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Json.write(body));
    }

    private static void asset(HttpServletResponse response, String name) throws IOException {
        try (InputStream in = RadmfaConsolePlugin.class.getResourceAsStream(name)) {
            if (in == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            response.setContentType(name.endsWith(".css") ? "text/css"
                    : name.endsWith(".js") ? "text/javascript" : "text/plain");
            response.setCharacterEncoding("UTF-8");
            // As text through the writer: the console may already have asked for it (never for the stream).
            response.getWriter().write(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    // ------------------------------------------------------------------------------------------------ changing

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
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
        Route route = Route.of("POST", subPath(request));
        switch (route.target()) {
            case NPS_IMPORT -> npsUpload(request, response);
            case CHANGE -> change(request, response, route.name());
            default -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    private void change(HttpServletRequest request, HttpServletResponse response, String path) {
        ChangeHandler handler = new ChangeHandler(clientAdmin, policyAdmin, userAdmin, remoteServerAdmin);
        String anchor = "";
        try {
            ChangeHandler.Done done = handler.handle(path, request::getParameter);
            LOG.info("Web console: {} by user '{}' from {}", done.message(), user(request), request.getRemoteAddr());
            new Flash(done.message(), false).keepFor(request);
            anchor = "#" + done.anchor();
        } catch (AdminException | IllegalArgumentException | IllegalStateException e) {
            // The admin services name the key and the reason; never a secret's value.
            new Flash("Refused: " + e.getMessage(), true).keepFor(request);
        }
        // Post/redirect/get: a reload of the page does not repeat the change.
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", pluginRoot(request) + anchor);
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
        return KarafRoles.of(request).contains(changeRole);
    }

    private static String user(HttpServletRequest request) {
        String user = KarafRoles.user(request);
        return user == null ? "(unknown)" : user;
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
