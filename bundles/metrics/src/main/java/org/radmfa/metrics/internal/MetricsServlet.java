package org.radmfa.metrics.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.AccountingSink;
import org.radmfa.api.ClusterMembership;
import org.radmfa.api.DecisionListener;
import org.radmfa.api.LoggingHealth;
import org.radmfa.api.MfaActivity;
import org.radmfa.api.MfaListener;
import org.radmfa.api.RadiusStatistics;
import org.radmfa.api.RemoteServerGroups;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * {@code GET /metrics} through the HTTP whiteboard (Karaf's {@code http} feature): OpenMetrics when the scraper asks
 * for it in Accept (Prometheus does), the Prometheus text format otherwise. A registry of its own, not the library's
 * static default one: the bundle can be updated or stopped without leaving series behind.
 */
@Component(service = Servlet.class, immediate = true, property = {
    "osgi.http.whiteboard.servlet.pattern=/metrics",
    "osgi.http.whiteboard.servlet.name=radmfa-metrics"})
public final class MetricsServlet extends HttpServlet implements ApplianceCollector.Sources {
    private static final long serialVersionUID = 1L;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile RadiusStatistics radius;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile MfaActivity mfa;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile ClusterMembership cluster;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile RemoteServerGroups forwarding;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final transient List<AccountingSink> accountingSinks = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final transient List<LoggingHealth> loggingSinks = new CopyOnWriteArrayList<>();

    private final transient PrometheusRegistry registry = new PrometheusRegistry();
    private final transient ExpositionFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();
    private final transient ExpositionFormatWriter prometheusText = PrometheusTextFormatWriter.create();

    private final transient DecisionLatency latency = new DecisionLatency();
    private final transient MfaLatency mfaLatency = new MfaLatency();
    private transient ServiceRegistration<DecisionListener> latencyRegistration;
    private transient ServiceRegistration<MfaListener> mfaLatencyRegistration;

    public MetricsServlet() {
        registry.register(new ApplianceCollector(this));
        registry.register(latency.histogram());
        registry.register(mfaLatency.histogram());
    }

    /**
     * The two latency listeners are this servlet's own objects, registered by hand under their API types only. The
     * pipeline that calls them is also what the servlet reads (optional, dynamic), so there is no static cycle. The
     * component is immediate: the HTTP whiteboard may take the servlet only at the first scrape, and decisions made
     * before it must be counted.
     */
    @Activate
    void activate(BundleContext context) {
        latencyRegistration = context.registerService(DecisionListener.class, latency, null);
        mfaLatencyRegistration = context.registerService(MfaListener.class, mfaLatency, null);
    }

    @Deactivate
    void deactivate() {
        unregister(latencyRegistration);
        unregister(mfaLatencyRegistration);
    }

    private static void unregister(ServiceRegistration<?> registration) {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping: the framework unregistered it first
            }
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String accept = request.getHeader("Accept");
        ExpositionFormatWriter writer = accept != null && openMetrics.accepts(accept) ? openMetrics : prometheusText;
        // Written to memory first: a failed scrape answers 500 instead of half a page that parses.
        ByteArrayOutputStream page = new ByteArrayOutputStream(16 * 1024);
        writer.write(page, registry.scrape());
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(writer.getContentType());
        response.setContentLength(page.size());
        page.writeTo(response.getOutputStream());
    }

    @Override
    public RadiusStatistics radius() {
        return radius;
    }

    @Override
    public MfaActivity mfa() {
        return mfa;
    }

    @Override
    public List<LoggingHealth> loggingSinks() {
        return List.copyOf(loggingSinks);
    }

    @Override
    public ClusterMembership cluster() {
        return cluster;
    }

    @Override
    public List<AccountingSink> accountingSinks() {
        return List.copyOf(accountingSinks);
    }

    @Override
    public RemoteServerGroups forwarding() {
        return forwarding;
    }
}
