/**
 * The appliance's page in Karaf's web console ({@code /system/console/radmfa}): a Felix web console plugin, that
 * is a plain {@link javax.servlet.Servlet} service with the {@code felix.webconsole.label} property, which the
 * console wraps in its header and navigation.
 *
 * <ul>
 * <li>{@link org.radmfa.webconsole.internal.RadmfaConsolePlugin}: the component and servlet; it copies its dynamic
 * references into a {@link org.radmfa.webconsole.internal.ConsoleServices} per request and dispatches.</li>
 * <li>{@link org.radmfa.webconsole.internal.Route}: what a request asks for, from its method and path.</li>
 * <li>Views, one per section of the page, composed by {@link org.radmfa.webconsole.internal.PageView}:
 * {@code DashboardView}, {@code ClientsView}, {@code PoliciesView}, {@code UsersView}, {@code NpsImportView},
 * {@code MfaView}, {@code DecisionsView}, {@code ChartsView}, {@code CheckView}, {@code AuditView};
 * {@link org.radmfa.webconsole.internal.Forms} renders their POST forms,
 * {@link org.radmfa.webconsole.internal.Html} escapes everything they did not write themselves.</li>
 * <li>{@link org.radmfa.webconsole.internal.JsonApi}: the JSON endpoints ({@code state.json}, {@code series.json},
 * {@code decisions.json}, {@code decision.json}), written by the bundle's one JSON writer,
 * {@link org.radmfa.webconsole.internal.Json}.</li>
 * <li>The charts' data: {@link org.radmfa.webconsole.internal.DecisionCounts} (counted by the decision listener,
 * lock-free, with {@link org.radmfa.webconsole.internal.LatencyBuckets}) sampled once per interval into the bounded
 * {@link org.radmfa.webconsole.internal.ChartSeries}; drawn by uPlot, which the bundle carries (no CDN).</li>
 * <li>{@link org.radmfa.webconsole.internal.PolicyForm}: the policy forms' fields to policy settings and back;
 * {@link org.radmfa.webconsole.internal.DecisionSearch}: the search of the decision log.</li>
 * <li>{@link org.radmfa.webconsole.internal.Flash}: the outcome of a change, shown once after the redirect.</li>
 * <li>{@link org.radmfa.webconsole.internal.ChangeHandler}: the forms' changes, made through the admin services
 * ({@code org.radmfa.api.admin}), which validate them and write them to etc/ as edited files would be.</li>
 * <li>{@link org.radmfa.webconsole.internal.CsrfGuard}: a per-session token every POST must echo.</li>
 * <li>{@link org.radmfa.webconsole.internal.CredentialExpiry}: an MFA connector's secret expiry, from its service
 * properties.</li>
 * <li>{@link org.radmfa.webconsole.internal.KarafRoles}: the roles of the user Karaf's console authenticated.</li>
 * <li>{@link org.radmfa.webconsole.internal.DecisionRate}: decisions per second, counted by a decision listener.</li>
 * </ul>
 *
 * Karaf's console itself authenticates (HTTP Basic against the JAAS realm {@code karaf}) and admits only the role in
 * {@code etc/org.apache.karaf.webconsole.cfg} ({@code admin} by default); this page checks the role again before any
 * change, so that a console opened to more roles still lets only {@code admin} change the appliance.
 */
package org.radmfa.webconsole.internal;
