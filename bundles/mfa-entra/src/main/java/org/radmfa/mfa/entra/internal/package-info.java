/**
 * The Microsoft Entra ID MFA connector: component {@link org.radmfa.mfa.entra.internal.EntraConnector}, its strict
 * settings, the MSAL4J confidential client and the asynchronous Graph / MFA endpoint calls. Nothing here is exported.
 */
package org.radmfa.mfa.entra.internal;
