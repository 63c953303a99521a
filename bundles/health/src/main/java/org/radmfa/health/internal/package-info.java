/**
 * The appliance's Apache Felix Health Checks: each is a {@code HealthCheck} service tagged {@code ready} that reads
 * one of the API's status services (listeners, directories, MFA activity, logging sinks, cluster membership). Felix HC
 * core runs them for {@code /health/ready}, {@code /health/live} and {@code hc:exec}; nothing here serves HTTP.
 */
package org.radmfa.health.internal;
