/**
 * Prometheus exposition of the appliance's counters: {@link org.radmfa.metrics.internal.ApplianceCollector} turns the
 * API's statistics services into metric snapshots at each scrape (nothing is copied between scrapes),
 * {@link org.radmfa.metrics.internal.DecisionLatency} and {@link org.radmfa.metrics.internal.MfaLatency} keep the
 * histograms the services cannot give (plain objects the servlet registers as listeners), and
 * {@link org.radmfa.metrics.internal.MetricsServlet} writes both in the Prometheus or OpenMetrics text format.
 * Labels are client names, outcomes and reason codes: never user names.
 */
package org.radmfa.metrics.internal;
