package org.radmfa.mfa.entra.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Serves a number of logins (a token, then held Begins approved at once) to the emulator from inside its own JVM, so
 * that its code is compiled before a benchmark measures the appliance: Microsoft's service is never a cold JVM, and
 * an emulator that is one would take the CPU a just-started appliance needs. The emulator is {@link
 * EntraEmulator#reset() reset} afterwards.
 */
final class EmulatorWarmUp {
    private static final String USER = "warm-up@emulator.invalid";
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");

    private EmulatorWarmUp() {
    }

    /** @throws IOException when a call fails or is not answered as a login would be (the first failure) */
    static void run(EntraEmulator emulator, int logins, int concurrency) throws IOException, InterruptedException {
        emulator.addUser(USER, "warm-up", USER, Set.of("push"), EntraEmulator.Outcome.APPROVE, Duration.ofMillis(5));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trusting(emulator))
                .connectTimeout(Duration.ofSeconds(10)).build();
        String token = token(client, emulator);
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        for (int i = 0; i < logins; i++) {
            inFlight.acquire();
            HttpRequest begin = HttpRequest.newBuilder(URI.create(emulator.serviceUrl()
                    + "/BeginTwoWayAuthentication")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/xml; charset=utf-8").header("Accept", "application/xml")
                    .POST(HttpRequest.BodyPublishers.ofString(begin(i), StandardCharsets.UTF_8)).build();
            client.sendAsync(begin, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                String problem = failure != null ? failure.toString() : response.statusCode() != 200
                        || !response.body().contains("<AuthenticationResult>true</AuthenticationResult>")
                                ? "HTTP " + response.statusCode() + ": " + response.body() : null;
                if (problem != null) {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet(null, problem);
                }
                inFlight.release();
            });
        }
        if (!inFlight.tryAcquire(concurrency, 2, TimeUnit.MINUTES)) {
            throw new IOException("warm-up: logins unanswered after 2 minutes");
        }
        if (failures.get() > 0) {
            throw new IOException("warm-up: " + failures.get() + " of " + logins + " logins failed, the first: "
                    + firstFailure.get());
        }
        emulator.reset();
    }

    private static SSLContext trusting(EntraEmulator emulator) throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance(emulator.trustStore().toFile(),
                    emulator.trustStorePassword().toCharArray());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, trustManagers.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IOException("warm-up: the emulator's trust store: " + e, e);
        }
    }

    private static String token(HttpClient client, EntraEmulator emulator) throws IOException, InterruptedException {
        String form = "client_id=" + EntraEmulator.CLIENT_ID + "&client_secret=" + EntraEmulator.CLIENT_SECRET
                + "&grant_type=client_credentials&scope=" + URLEncoder.encode(EntraEmulator.CONNECTOR_RESOURCE
                        + "/.default", StandardCharsets.UTF_8);
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/"
                + EntraEmulator.TENANT + "/oauth2/v2.0/token")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher token = ACCESS_TOKEN.matcher(response.body());
        if (response.statusCode() != 200 || !token.find()) {
            throw new IOException("warm-up: no token (HTTP " + response.statusCode() + ")");
        }
        return token.group(1);
    }

    /** A held Begin, written by the connector's own encoder. */
    private static String begin(int i) {
        return ConnectorXml.begin(new ConnectorXml.Begin(USER, "en-US", null,
                Map.of("OverrideNumberMatchingWithOTP", "false"), UUID.randomUUID().toString(), true, true, "radmfa",
                "192.0.2." + (i % 250 + 1)));
    }
}
