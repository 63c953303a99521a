package org.radmfa.mfa.entra.internal;

import java.util.Map;

/**
 * What an administrator does about the Entra sign-in errors the connector's token request meets most, in the words of
 * the NPS extension's setup: the client is the "Azure Multi-Factor Auth Client" service principal, the resource the
 * "Azure Multi-Factor Auth Connector".
 */
final class SignInErrors {
    private static final Map<String, String> MEANINGS = Map.ofEntries(
            Map.entry("AADSTS7000112", "the client application (the service principal 'Azure Multi-Factor Auth"
                    + " Client', " + EntraSettings.MFA_CLIENT_APP_ID + ") is disabled in the tenant; enable it"
                    + " (Update-MgServicePrincipal -ServicePrincipalId <its object id> -AccountEnabled)"),
            Map.entry("AADSTS500014", "the resource 'Azure Multi-Factor Auth Connector' ("
                    + EntraSettings.MFA_CONNECTOR_APP_ID + ") is disabled in the tenant; enable that service"
                    + " principal"),
            Map.entry("AADSTS700016", "the tenant has no service principal for the client id; recreate it"
                    + " (New-MgServicePrincipal -AppId " + EntraSettings.MFA_CLIENT_APP_ID
                    + " -DisplayName \"Azure Multi-Factor Auth Client\")"),
            Map.entry("AADSTS700027", "the certificate is not among the service principal's key credentials, or"
                    + " its signature does not verify; run the commands radmfa:entra-setup printed"),
            Map.entry("AADSTS700024", "the certificate assertion is outside its validity time; check the"
                    + " appliance's clock"),
            Map.entry("AADSTS7000215", "the client secret is wrong"),
            Map.entry("AADSTS7000222", "the client secret has expired; add a new one"),
            Map.entry("AADSTS90002", "the tenant does not exist; check tenantId"),
            Map.entry("AADSTS500011", "the resource (the MFA service) is not known in the tenant; check resource"),
            Map.entry("AADSTS70011", "the scope asked for is not valid; check resource"));

    private SignInErrors() {
    }

    /** What to do about an AADSTS code, or null when the connector knows no advice for it. */
    static String meaning(String aadsts) {
        return MEANINGS.get(aadsts);
    }
}
