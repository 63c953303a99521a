package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.vmOption;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.radmfa.mfa.entra.internal.EntraEmulator;

/**
 * The other hot swap the issue names: under a steady stream of MFA logins, the Entra connector's feature is
 * uninstalled and the TOTP connector's installed. Every login is answered; logins pending on Entra end as approved
 * pushes or clear rejects; nothing is accepted without an approved push; once TOTP is there, logins get its
 * Access-Challenge. (EntraIT does the {@code bundle:update} swap.)
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConnectorSwapIT extends RadmfaTestSupport {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int ACCESS_CHALLENGE = 11;
    private static final long LOAD_INTERVAL_MILLIS = 100;
    private static final int MAX_LOGINS = 300;

    @Inject
    private FeaturesService features;

    @Override
    protected String[] extraFeatures() {
        return new String[] {"radmfa-mfa-entra"};
    }

    /** msal4j (and the emulator) use com.sun.net.httpserver, which the appliance's distribution exports. */
    @Override
    protected boolean onTheAssembly() {
        return true;
    }

    @Override
    protected Option[] additionalOptions() {
        return new Option[] {vmOption("-Djava.util.concurrent.ForkJoinPool.common.parallelism=2")};
    }

    /** The emulator runs inside Karaf with the test: its classes travel in the probe (see EntraIT). */
    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        return probeWith(probe, EntraEmulator.class, RadmfaTestSupport.class, RadiusTestClient.class, Await.class, Login.class);
    }

    /** One login of the steady load: when it was sent and what came back (-1: nothing within the timeout). */
    record Login(long sentNanos, CompletableFuture<Integer> code) {
    }

    private Login login(int number) {
        long sent = System.nanoTime();
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> {
            try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", authPort())) {
                RadiusTestClient.Sent request = client.sendPap("mfa-demo", "mfa-demo-password", DEMO_SECRET,
                        DEMO_SECRET, null, "10.9." + (number / 250) + "." + (number % 250));
                RadiusTestClient.Response response = client.receive(request, 30_000);
                return response == null ? -1 : response.code();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> new Thread(runnable, "swap-it-login-" + number).start());
        return new Login(sent, code);
    }

    @Test
    public void uninstallingEntraAndInstallingTotpUnderLoadLosesNothing() throws Exception {
        try (EntraEmulator emulator = EntraEmulator.start(0)) {
            emulator.addUser("mfa-demo", null, null, Set.of("push"), EntraEmulator.Outcome.APPROVE,
                    Duration.ofMillis(1500));
            Map<String, Object> entra = new java.util.LinkedHashMap<>(emulator.configuration());
            entra.put("userLookup", "upn");
            entra.put("pollIntervalMillis", "200");
            configure("org.radmfa.mfa.entra", entra);
            // Any connector (no target filter): whichever feature is installed serves.
            configure("org.radmfa.pipeline", Map.of("mfaTimeoutSeconds", "20", "mfaMaxPushes", "0"));
            Await.until("the Entra connector answers", TIMEOUT,
                    () -> login(0).code().join() == RadiusTestClient.ACCESS_ACCEPT);

            // A steady load, one login every 100 ms, on its own thread while the features change.
            List<Login> logins = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread load = new Thread(() -> {
                for (int i = 1; i <= MAX_LOGINS && loading.get(); i++) {
                    logins.add(login(i));
                    try {
                        Thread.sleep(LOAD_INTERVAL_MILLIS); // pacing of the load, not synchronisation
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "swap-it-load");
            int pushesBefore = emulator.authenticationsStarted();
            load.start();
            Await.until("Entra accepting logins of the steady load, more pending", TIMEOUT, () -> {
                synchronized (logins) {
                    return logins.stream().filter(l -> l.code().isDone()
                            && l.code().join() == RadiusTestClient.ACCESS_ACCEPT).count() >= 3
                            && logins.stream().filter(l -> !l.code().isDone()).count() >= 5;
                }
            });

            long uninstallStarted = System.nanoTime();
            features.uninstallFeature("radmfa-mfa-entra");
            long uninstalled = System.nanoTime();
            features.installFeature("radmfa-mfa-otp");
            Await.until("the TOTP enrollment command", TIMEOUT, () -> {
                try {
                    return shell("radmfa:otp-enroll --no-qr mfa-demo").contains("otpauth://");
                } catch (Exception e) {
                    return false;
                }
            });
            long enrolled = System.nanoTime();
            int challengesSeen = 0;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            // Keep the load on until TOTP has challenged a few logins sent after the enrollment.
            while (challengesSeen < 5 && System.nanoTime() < deadline) {
                List<Login> snapshot;
                synchronized (logins) {
                    snapshot = new ArrayList<>(logins);
                }
                challengesSeen = (int) snapshot.stream().filter(l -> l.sentNanos() > enrolled)
                        .filter(l -> l.code().isDone() && l.code().join() == ACCESS_CHALLENGE).count();
                Thread.sleep(200); // polling the outcomes gathered so far, bounded by the deadline
            }
            loading.set(false);
            load.join(TimeUnit.SECONDS.toMillis(10));

            int accepted = 0;
            int rejected = 0;
            int challenged = 0;
            int acceptedAfterUninstall = 0;
            int challengedBeforeInstall = 0;
            List<Login> all;
            synchronized (logins) {
                all = new ArrayList<>(logins);
            }
            List<String> unanswered = new ArrayList<>();
            for (Login login : all) {
                int code = login.code().get(40, TimeUnit.SECONDS);
                if (code != RadiusTestClient.ACCESS_ACCEPT && code != RadiusTestClient.ACCESS_REJECT
                        && code != ACCESS_CHALLENGE) {
                    // When it was sent says which step of the swap lost it.
                    unanswered.add("code " + code + ", sent " + TimeUnit.NANOSECONDS.toMillis(login.sentNanos()
                            - uninstallStarted) + " ms after the uninstall started");
                }
                accepted += code == RadiusTestClient.ACCESS_ACCEPT ? 1 : 0;
                rejected += code == RadiusTestClient.ACCESS_REJECT ? 1 : 0;
                challenged += code == ACCESS_CHALLENGE ? 1 : 0;
                acceptedAfterUninstall += code == RadiusTestClient.ACCESS_ACCEPT
                        && login.sentNanos() > uninstalled ? 1 : 0;
                challengedBeforeInstall += code == ACCESS_CHALLENGE && login.sentNanos() < uninstallStarted ? 1 : 0;
            }
            int pushes = emulator.authenticationsStarted() - pushesBefore;
            System.out.printf("feature swap under load: %d logins, %d accepted (Entra), %d rejected (pending on"
                    + " Entra when it went, or no connector / not enrolled yet), %d challenged (TOTP); %d pushes;"
                    + " uninstall %d ms, install + enroll %d ms%n", all.size(), accepted, rejected, challenged,
                    pushes, TimeUnit.NANOSECONDS.toMillis(uninstalled - uninstallStarted),
                    TimeUnit.NANOSECONDS.toMillis(enrolled - uninstalled));
            assertEquals("every login answered (uninstall took " + TimeUnit.NANOSECONDS.toMillis(uninstalled
                    - uninstallStarted) + " ms): " + unanswered, List.of(), unanswered);
            assertTrue("no accept without a push: " + accepted + " accepts, " + pushes + " pushes",
                    accepted <= pushes);
            assertEquals("nothing accepted once the Entra connector was gone", 0, acceptedAfterUninstall);
            assertEquals("no TOTP challenge before TOTP was installed", 0, challengedBeforeInstall);
            assertTrue("Entra served before the swap: " + accepted, accepted >= 3);
            assertTrue("TOTP challenges logins after the swap: " + challenged, challenged >= 5);
        }
    }
}
