/**
 * The appliance's page in Karaf's web console ({@code /system/console/radmfa}): a Felix web console plugin, that
 * is a plain {@link javax.servlet.Servlet} service with the {@code felix.webconsole.label} property, which the
 * console wraps in its header and navigation.
 *
 * <ul>
 * <li>{@link org.radmfa.webconsole.internal.RadmfaConsolePlugin}: the component; GET renders the page, GET
 * {@code state.json} feeds the live parts, POST changes things.</li>
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
