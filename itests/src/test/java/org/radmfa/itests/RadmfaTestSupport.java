package org.radmfa.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;
import org.ops4j.pax.exam.options.MavenUrlReference;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Base of the Pax Exam tests: boots a <em>stock</em> Apache Karaf (the {@code apache-karaf} tar.gz, not our
 * assembly), adds the radmfa features repository and installs {@code radmfa} and {@code radmfa-demo}, exactly as an
 * operator would with {@code feature:repo-add} and {@code feature:install}.
 *
 * <p>Karaf runs offline from the local Maven repository (the one Maven itself uses, passed in as
 * {@code maven.repo.local} by failsafe), so everything it provisions must be a (copied) dependency of this module.
 * Every port is picked free at run time, so tests run while an appliance is up on the default ports.
 *
 * <p>Subclasses: {@code @RunWith(PaxExam.class) @ExamReactorStrategy(PerClass.class)}; one Karaf per class.
 * Add options with {@link #additionalOptions()}. The RADIUS ports are {@link #authPort()} and {@link #acctPort()}.
 * Methods annotated {@code @Test} run <em>inside</em> Karaf; {@link #config()} runs in the test JVM.
 */
public abstract class RadmfaTestSupport {

    /** System properties through which the ports picked in the test JVM reach the tests inside Karaf. */
    private static final String AUTH_PORT = "radmfa.itest.authPort";
    private static final String ACCT_PORT = "radmfa.itest.acctPort";

    /** Shared secret and users of the {@code radmfa-demo} feature. */
    protected static final String DEMO_SECRET = "testing123";
    protected static final String DEMO_USER = "demo";
    protected static final String DEMO_PASSWORD = "demo-password";

    /** The directory tests write what they leave behind to, in the test JVM and inside Karaf. */
    private static final String ITEST_DIR = "radmfa.itest.dir";

    /** How long {@link #shell} waits for a command Karaf's shell extender has not registered yet. */
    private static final java.time.Duration COMMAND_REGISTRATION_TIMEOUT = java.time.Duration.ofSeconds(30);

    /** A failed test inside Karaf leaves Karaf's log beside the reports: what CI saw is then there to read. */
    @org.junit.Rule
    public final KarafLogOnFailure karafLogOnFailure = new KarafLogOnFailure();

    /**
     * Karaf publishes BootFinished once its boot features (here radmfa, radmfa-demo and a test's extras) are
     * installed. Pax Exam starts a test as soon as its probe bundle is up, which may be before that (PAXEXAM-765):
     * injecting this makes the test wait, see {@link #onTheCurrentProbe()}.
     */
    @Inject
    @org.ops4j.pax.exam.util.Filter(timeout = 300_000)
    protected org.apache.karaf.features.BootFinished bootFinished;

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected FeaturesService featuresService;

    @Inject
    protected ConfigurationAdmin configurationAdmin;

    @Inject
    protected org.apache.karaf.shell.api.console.SessionFactory sessionFactory;

    /**
     * Runs the test again, on the probe as it is now, when the boot features' installation refreshed the probe
     * while this test waited for {@link #bootFinished}. The probe imports dynamically, so a refresh of a bundle it
     * had loaded a class from refreshes the probe too, and this instance is then left on a class loader whose
     * wiring is gone: every class it has not loaded yet is "not found" (seen in CI: {@code javax.security.auth.Subject
     * not found by PAXEXAM-PROBE}). Pax Exam looks its invoker up again and reruns the test once on a
     * {@link org.ops4j.pax.exam.RerunTestException}, which is what it is for.
     */
    @org.junit.Before
    public void onTheCurrentProbe() {
        boolean stale;
        try {
            org.osgi.framework.Bundle probe = org.osgi.framework.FrameworkUtil.getBundle(getClass());
            org.osgi.framework.wiring.BundleWiring wiring = probe == null ? null
                    : probe.adapt(org.osgi.framework.wiring.BundleWiring.class);
            stale = probe != null && (wiring == null || wiring.getClassLoader() != getClass().getClassLoader());
        } catch (LinkageError e) {
            // A class this check needs was not loaded before the refresh (seen in CI: "BundleWiring not found by
            // PAXEXAM-PROBE"): the class loader is the stale one.
            stale = true;
        }
        if (stale) {
            throw new org.ops4j.pax.exam.RerunTestException("the probe was refreshed while Karaf installed its boot "
                    + "features: rerun on the probe as it is now");
        }
    }

    /**
     * Loaded with this class, before a refresh can leave its class loader without wiring: what
     * {@link #onTheCurrentProbe} needs to see that it has.
     */
    @SuppressWarnings("unused")
    private static final Class<?>[] NEEDED_AFTER_A_REFRESH = {org.osgi.framework.FrameworkUtil.class,
            org.osgi.framework.wiring.BundleWiring.class, org.ops4j.pax.exam.RerunTestException.class};

    /**
     * Runs a shell command as the Karaf console would for a logged-in administrator (roles admin and viewer: the
     * radmfa command ACL lets no session without roles run anything) and returns what it printed.
     */
    protected String shell(String command) throws Exception {
        // Karaf's shell extender registers a bundle's commands a moment after the bundle starts, and a test may
        // begin before that (seen under load): a command not found yet is waited for, a while.
        long deadline = System.nanoTime() + COMMAND_REGISTRATION_TIMEOUT.toNanos();
        while (true) {
            try {
                return shellOnce(command);
            } catch (Exception e) {
                Throwable thrown = e instanceof java.security.PrivilegedActionException && e.getCause() != null
                        ? e.getCause() : e;
                if (!thrown.getClass().getName().endsWith("CommandNotFoundException")
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private String shellOnce(String command) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        javax.security.auth.Subject administrator = new javax.security.auth.Subject();
        administrator.getPrincipals().add(new org.apache.karaf.jaas.boot.principal.UserPrincipal("itest"));
        administrator.getPrincipals().add(new org.apache.karaf.jaas.boot.principal.RolePrincipal("admin"));
        administrator.getPrincipals().add(new org.apache.karaf.jaas.boot.principal.RolePrincipal("viewer"));
        javax.security.auth.Subject.doAs(administrator, (java.security.PrivilegedExceptionAction<Void>) () -> {
            org.apache.karaf.shell.api.console.Session session = sessionFactory.create(
                    new java.io.ByteArrayInputStream(new byte[0]), print, print);
            try {
                Object result = session.execute(command);
                if (result != null) {
                    print.println(result);
                }
            } finally {
                session.close();
            }
            return null;
        });
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Configuration
    public Option[] config() {
        String radmfaVersion = requiredProperty("radmfa.version");
        String karafVersion = requiredProperty("karaf.version");
        String localRepository = requiredProperty("maven.repo.local");
        File examDir = new File(requiredProperty(ITEST_DIR), "exam");

        MavenArtifactUrlReference karaf = onTheAssembly()
                ? maven().groupId("org.radmfa").artifactId("radmfa-assembly").version(radmfaVersion).type("tar.gz")
                : maven().groupId("org.apache.karaf").artifactId("apache-karaf").version(karafVersion).type("tar.gz");
        MavenUrlReference radmfaFeatures = maven().groupId("org.radmfa").artifactId("radmfa-features")
                .version(radmfaVersion).classifier("features").type("xml");

        int[] udp = FreePorts.udp(2);
        int[] tcp = FreePorts.tcp(3);
        String mvnCfg = "etc/org.ops4j.pax.url.mvn.cfg";

        List<Option> options = new ArrayList<>(Arrays.asList(
                karafDistributionConfiguration().frameworkUrl(karaf).name("Apache Karaf")
                        .unpackDirectory(examDir).useDeployFolder(false),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevel.WARN),
                // Offline: the local repository and Karaf's own system/ folder, nothing remote.
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.localRepository", localRepository),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.repositories", ""),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.offline", "true"),
                // Karaf's own ports: free ones, so a running appliance or a parallel test does not collide.
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(tcp[0])),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1"),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(tcp[1])),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(tcp[2])),
                // As the assembly: radmfa-config-support writes configurations back to etc/, not FileInstall.
                editConfigurationFilePut("etc/config.properties", "felix.fileinstall.enableConfigSave", "false"),
                // RADIUS on free UDP ports.
                editConfigurationFilePut("etc/org.radmfa.transport.cfg", "authPort", String.valueOf(udp[0])),
                editConfigurationFilePut("etc/org.radmfa.transport.cfg", "acctPort", String.valueOf(udp[1])),
                systemProperty(ITEST_DIR).value(requiredProperty(ITEST_DIR)),
                systemProperty(AUTH_PORT).value(String.valueOf(udp[0])),
                systemProperty(ACCT_PORT).value(String.valueOf(udp[1])),
                // = feature:repo-add + feature:install
                features(radmfaFeatures, java.util.stream.Stream.concat(java.util.stream.Stream.of("radmfa",
                        "radmfa-demo"), java.util.stream.Stream.of(extraFeatures())).toArray(String[]::new))));
        options.addAll(Arrays.asList(additionalOptions()));
        return options.toArray(new Option[0]);
    }

    /**
     * Whether to run on the appliance's own distribution instead of a stock Karaf: for what needs the assembly's
     * JVM setup (msal4j needs com.sun.net.httpserver, which the assembly exports and a stock Karaf does not).
     */
    protected boolean onTheAssembly() {
        return false;
    }

    /** Features to install besides radmfa and radmfa-demo, from the same repository. */
    protected String[] extraFeatures() {
        return new String[0];
    }

    /** More options for a subclass (configuration edits, extra features). */
    protected Option[] additionalOptions() {
        return new Option[0];
    }

    /** The RADIUS authentication port of the Karaf under test (call inside Karaf, i.e. from a test). */
    protected static int authPort() {
        return Integer.getInteger(AUTH_PORT);
    }

    /** The RADIUS accounting port of the Karaf under test (call inside Karaf, i.e. from a test). */
    protected static int acctPort() {
        return Integer.getInteger(ACCT_PORT);
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("system property " + name + " is not set: run the tests with Maven (failsafe sets it)");
        }
        return value;
    }

    /**
     * A probe holding the test and these classes with their nested, anonymous and synthetic ones, for tests that
     * run helpers (an emulator) inside Karaf. Once a probe is built by hand it holds only what is added.
     */
    protected static org.ops4j.pax.exam.TestProbeBuilder probeWith(org.ops4j.pax.exam.TestProbeBuilder probe,
            Class<?>... types) {
        for (Class<?> type : types) {
            probe.addTest(type);
            for (Class<?> nested : type.getDeclaredClasses()) {
                probe.addTest(nested);
            }
            // Anonymous and synthetic classes (an enum switch's map) are not "declared": found by name.
            for (int i = 1; i < 50; i++) {
                try {
                    probe.addTest(Class.forName(type.getName() + "$" + i));
                } catch (ClassNotFoundException e) {
                    break;
                }
            }
        }
        probe.setHeader("DynamicImport-Package", "*");
        return probe;
    }

    /** Copies Karaf's log to {@code <itest dir>/<class>.<method>-karaf.log} when a test fails (inside Karaf). */
    static final class KarafLogOnFailure extends org.junit.rules.TestWatcher {
        @Override
        protected void failed(Throwable e, org.junit.runner.Description description) {
            String logs = System.getProperty("karaf.log");
            String target = System.getProperty(ITEST_DIR);
            if (logs == null || target == null) {
                return; // not inside Karaf
            }
            java.nio.file.Path copy = java.nio.file.Path.of(target, description.getTestClass().getSimpleName() + "."
                    + description.getMethodName() + "-karaf.log");
            try {
                java.nio.file.Files.copy(java.nio.file.Path.of(logs, "karaf.log"), copy,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                System.err.println("Karaf's log of the failed test: " + copy);
            } catch (java.io.IOException failure) {
                System.err.println("Karaf's log could not be kept: " + failure);
            }
        }
    }

    /** Sets these values in a singleton configuration, keeping its other keys. */
    protected void configure(String pid, java.util.Map<String, Object> values) throws Exception {
        org.osgi.service.cm.Configuration configuration = configurationAdmin.getConfiguration(pid, "?");
        java.util.Dictionary<String, Object> properties = configuration.getProperties() == null
                ? new java.util.Hashtable<>() : configuration.getProperties();
        values.forEach(properties::put);
        configuration.update(properties);
    }

    /**
     * Every radmfa command the installed bundles declare (Karaf-Commands packages, @Command) has an entry in the
     * command ACL the features ship; {@code atLeast} keeps the check from passing on an empty list.
     */
    protected void assertEveryRadmfaCommandInTheAcl(int atLeast) throws Exception {
        org.osgi.service.cm.Configuration[] found = configurationAdmin.listConfigurations(
                "(service.pid=org.apache.karaf.command.acl.radmfa)");
        org.junit.Assert.assertTrue("the command ACL is installed with the feature", found != null && found.length == 1);
        java.util.Dictionary<String, Object> acl = found[0].getProperties();
        // The commands as the bundles declare them (Karaf-Commands packages, @Command), installed or not yet.
        List<String> commands = new java.util.ArrayList<>();
        for (org.osgi.framework.Bundle bundle : bundleContext.getBundles()) {
            String header = bundle.getHeaders().get("Karaf-Commands");
            if (header == null || !bundle.getSymbolicName().startsWith("org.radmfa.")) {
                continue;
            }
            org.osgi.framework.wiring.BundleWiring wiring = bundle.adapt(org.osgi.framework.wiring.BundleWiring.class);
            for (String commandPackage : header.split(",")) {
                for (String resource : wiring.listResources("/" + commandPackage.trim().replace('.', '/'), "*.class",
                        0)) {
                    Class<?> type = bundle.loadClass(resource.replace('/', '.').replaceAll("\\.class$", ""));
                    org.apache.karaf.shell.api.action.Command command = type.getAnnotation(
                            org.apache.karaf.shell.api.action.Command.class);
                    if (command != null && "radmfa".equals(command.scope())) {
                        commands.add(command.name());
                    }
                }
            }
        }
        org.junit.Assert.assertTrue("the radmfa commands are installed: " + commands, commands.size() >= atLeast);
        List<String> missing = commands.stream().filter(name -> acl.get(name) == null).toList();
        org.junit.Assert.assertTrue("radmfa commands without an ACL entry, open to every shell user: " + missing,
                missing.isEmpty());
    }

    /**
     * Sends this PAP login until it gets this code: a change through the admin services or the shell takes a moment
     * to apply. Late answers to earlier tries are skipped by {@link RadiusTestClient#receive}.
     */
    protected static void awaitCode(RadiusTestClient nas, String user, String password, int code) {
        Await.until(user + " gets code " + code, java.time.Duration.ofSeconds(30), () -> {
            try {
                RadiusTestClient.Sent sent = nas.sendPap(user, password, DEMO_SECRET, DEMO_SECRET);
                RadiusTestClient.Response response = nas.receive(sent, 5000);
                return response != null && response.code() == code;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
