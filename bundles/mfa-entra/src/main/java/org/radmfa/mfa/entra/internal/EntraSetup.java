package org.radmfa.mfa.entra.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What the NPS extension's setup script does, for this appliance: a self-signed certificate with the extension's
 * subject ({@code CN=<tenant id>, OU=Microsoft NPS Extension}) and lifetime (2 years), its private key kept here in a
 * PKCS#12 file readable by the appliance only, under a random password the caller seals with the vault; and the
 * commands the Entra administrator runs to add the certificate to the "Azure Multi-Factor Auth Client" service
 * principal's key credentials. The key pair is made by the Java runtime's own {@code keytool}, which the JDK offers no
 * API for; the password reaches keytool through its environment, never its command line.
 */
public final class EntraSetup {
    /** The extension's certificates live two years. */
    public static final int VALIDITY_DAYS = 730;
    private static final Pattern TENANT_ID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** The certificate made, where its key is, and the key store's password (to be sealed, never shown). */
    public record Made(Path keyStore, X509Certificate certificate, String password) {
        @Override
        public String toString() {
            return "Made[" + keyStore + ", " + certificate.getSubjectX500Principal() + "]";
        }
    }

    private EntraSetup() {
    }

    /** The subject the extension's setup script gives its certificate. */
    public static String subject(String tenantId) {
        return "CN=" + tenantId + ", OU=Microsoft NPS Extension";
    }

    /** Refuses what is not a tenant id (a GUID: the subject and the commands are built from it). */
    public static void checkTenantId(String tenantId) {
        if (tenantId == null || !TENANT_ID.matcher(tenantId).matches()) {
            throw new IllegalArgumentException("'" + tenantId + "' is not a tenant id (a GUID such as"
                    + " 72f988bf-86f1-41af-91ab-2d7cd011db47; Entra admin center, Overview, Tenant ID)");
        }
    }

    /** Makes the key pair and certificate into {@code keyStore} (which must not exist yet). */
    public static Made createCertificate(String tenantId, Path keyStore) throws IOException,
            GeneralSecurityException {
        checkTenantId(tenantId);
        if (Files.exists(keyStore)) {
            throw new IOException(keyStore + " exists already; remove it or choose another file");
        }
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IOException("the Java runtime has no keytool at " + keytool);
        }
        Files.createDirectories(keyStore.toAbsolutePath().getParent());
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        List<String> command = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", "nps-extension",
                "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA", "-dname", subject(tenantId),
                "-validity", Integer.toString(VALIDITY_DAYS), "-keystore", keyStore.toString(), "-storetype",
                "PKCS12", "-storepass:env", "RADMFA_KEYSTORE_PASSWORD"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("RADMFA_KEYSTORE_PASSWORD", password);
        Process process = builder.start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool failed: " + output.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
        try {
            Files.setPosixFilePermissions(keyStore, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: its own ACLs apply
        }
        KeyStore store = KeyStore.getInstance(keyStore.toFile(), password.toCharArray());
        X509Certificate certificate = (X509Certificate) store.getCertificate("nps-extension");
        return new Made(keyStore, certificate, password);
    }

    /**
     * What the Entra administrator runs: Microsoft Graph PowerShell, or the same with Graph REST calls. The service
     * principal is recreated when the tenant has lost it, as Microsoft's NPS documentation shows.
     */
    public static String instructions(String tenantId, X509Certificate certificate) throws GeneralSecurityException {
        String base64 = Base64.getEncoder().encodeToString(certificate.getEncoded());
        String thumbprint = HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(certificate.getEncoded()));
        String start = certificate.getNotBefore().toInstant().toString();
        String end = certificate.getNotAfter().toInstant().toString();
        String appId = EntraSettings.MFA_CLIENT_APP_ID;
        return """
                Certificate %s
                  thumbprint (SHA-1) %s, valid %s to %s

                An Entra administrator (Application Administrator or higher) attaches it to the service principal
                "Azure Multi-Factor Auth Client" (app id %s), as the NPS extension's setup script does.

                1. Microsoft Graph PowerShell (Install-Module Microsoft.Graph.Applications):

                Connect-MgGraph -TenantId %s -Scopes Application.ReadWrite.All
                $sp = Get-MgServicePrincipal -Filter "appId eq '%s'"
                if (-not $sp) { $sp = New-MgServicePrincipal -AppId %s -DisplayName "Azure Multi-Factor Auth Client" }
                $cert = [Convert]::FromBase64String("%s")
                $new = @{ Type = "AsymmetricX509Cert"; Usage = "Verify"; Key = $cert; DisplayName = "%s";
                          StartDateTime = "%s"; EndDateTime = "%s" }
                # keyCredentials is replaced as a whole: keep the ones there (other NPS servers) and add this one.
                $keys = @($sp.KeyCredentials | ForEach-Object { @{ KeyId = $_.KeyId; Type = $_.Type; Usage = $_.Usage;
                          Key = $_.Key; DisplayName = $_.DisplayName; StartDateTime = $_.StartDateTime;
                          EndDateTime = $_.EndDateTime } }) + $new
                Update-MgServicePrincipal -ServicePrincipalId $sp.Id -KeyCredentials $keys

                2. Or Microsoft Graph REST (Graph Explorer, az rest):

                GET  https://graph.microsoft.com/v1.0/servicePrincipals(appId='%s')?$select=id,keyCredentials
                     (404: POST https://graph.microsoft.com/v1.0/servicePrincipals {"appId":"%s"})
                PATCH https://graph.microsoft.com/v1.0/servicePrincipals/<id>
                     {"keyCredentials":[ <the ones there>, {"type":"AsymmetricX509Cert","usage":"Verify",
                      "displayName":"%s","startDateTime":"%s","endDateTime":"%s",
                      "key":"%s"} ]}

                Then, here: radmfa:entra-check (the token), radmfa:entra-check <user@domain> (a real push).
                Renew before %s: run radmfa:entra-setup --renew %s and attach the new certificate.
                """.formatted(subject(tenantId), thumbprint, start, end, appId, tenantId, appId, appId, base64,
                subject(tenantId), start, end, appId, appId, subject(tenantId), start, end, base64,
                LocalDate.ofInstant(certificate.getNotAfter().toInstant(), ZoneOffset.UTC), tenantId);
    }
}
