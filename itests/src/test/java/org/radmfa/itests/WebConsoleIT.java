package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console page in a real headless Chromium (Debian's chromium and chromedriver, driven by Selenium) against
 * the real assembly started as a process (no Pax Exam: the browser lives outside OSGi). The browser may resolve no
 * name and reach nothing but 127.0.0.1. Screenshots go to target/screenshots/.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class WebConsoleIT {

    private static final String INSTALL_HINT = "install chromium and chromium-driver (./test.sh does it when run as root)";
    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);
    /** A chart sample interval (10 s) and a poll of the page, on a busy machine. */
    private static final Duration CHART_TIMEOUT = Duration.ofSeconds(120);
    private static final String VIEWER = "operator";
    /** The client the test adds through the page; it sends from 127.0.0.3 (the demo client is 127.0.0.1). */
    private static final String CLIENT_NAME = "browser-added-gw";
    private static final String CLIENT_ADDRESS = "127.0.0.3";

    private static RunningAppliance appliance;
    private static WebDriver browser;
    private static Path screenshots;
    private static String viewerPassword;
    private static String clientSecret;
    private static String consoleUrl;
    private static HttpClient http;

    @BeforeClass
    public static void startApplianceAndBrowser() throws Exception {
        assertTrue("no " + CHROMIUM + ": " + INSTALL_HINT, Files.isExecutable(CHROMIUM));
        assertTrue("no " + CHROMEDRIVER + ": " + INSTALL_HINT, Files.isExecutable(CHROMEDRIVER));
        assertTrue("radclient not found: install freeradius-utils", Commands.onPath("radclient"));
        Path itestDir = Files.createDirectories(Paths.get(property("radmfa.itest.dir")));
        screenshots = Files.createDirectories(itestDir.getParent().resolve("screenshots"));
        viewerPassword = randomText(18);
        clientSecret = randomText(24);
        appliance = new RunningAppliance(Paths.get(property("radmfa.assembly.dir")).toRealPath(), itestDir,
                "webconsole", List.of(VIEWER + " = " + viewerPassword + ",viewer"));
        long started = System.nanoTime();
        appliance.start(START_TIMEOUT);
        consoleUrl = "http://127.0.0.1:" + appliance.httpPort + "/system/console/radmfa";
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // The features install after the HTTP port opens: wait (bounded) for the page itself.
        Await.until("the radmfa page at " + consoleUrl, START_TIMEOUT, () -> {
            if (!appliance.running()) {
                throw new AssertionError("Karaf stopped:\n" + appliance.logTail(40));
            }
            HttpResponse<String> page = get(http, consoleUrl, "admin", appliance.adminPassword);
            return page.statusCode() == 200 && page.body().contains("id='radmfa'");
        });
        System.out.printf("WebConsoleIT: bin/start -> radmfa page served: %d ms%n",
                (System.nanoTime() - started) / 1_000_000);
        browser = startBrowser();
    }

    @AfterClass
    public static void stopBrowserAndAppliance() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (appliance != null) {
                appliance.close();
            }
        }
    }

    @Test
    public void test1_wrongPasswordIsRefused() throws Exception {
        browser.get(withCredentials(consoleUrl, "admin", "not-the-password"));
        screenshot("01-wrong-password");
        assertTrue(browser.getPageSource(), browser.findElements(By.id("radmfa")).isEmpty());
        HttpResponse<String> response = get(http, consoleUrl, "admin", "not-the-password");
        assertEquals(401, response.statusCode());
        assertFalse(response.body().contains("radmfa"));
        assertEquals(401, get(http, consoleUrl, null, null).statusCode());
    }

    /** Karaf's console admits only the role in etc/org.apache.karaf.webconsole.cfg: admin. */
    @Test
    public void test2_userWithoutAdminRoleIsNotLetIntoTheConsole() throws Exception {
        HttpResponse<String> response = get(http, consoleUrl, VIEWER, viewerPassword);
        assertEquals(response.body(), 401, response.statusCode());
    }

    @Test
    public void test3_adminAddsAClientSeesItListedAndSeesItsDecisionWithTrace() throws Exception {
        logIn();
        screenshot("02-logged-in");

        WebElement form = browser.findElement(By.id("radmfa-client-form"));
        form.findElement(By.name("name")).sendKeys(CLIENT_NAME);
        form.findElement(By.name("address")).sendKeys(CLIENT_ADDRESS);
        form.findElement(By.name("secret")).sendKeys(clientSecret);
        screenshot("03-client-form-filled");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        WebElement flash = waitFor(By.id("radmfa-flash"));
        assertTrue(flash.getText(), flash.getText().contains(CLIENT_NAME));
        WebElement row = waitFor(By.cssSelector("#radmfa-clients tr[data-name='" + CLIENT_NAME + "']"));
        assertTrue(row.getText(), row.getText().contains(CLIENT_ADDRESS));
        screenshot("04-client-listed");
        assertFalse("the secret is never shown", browser.getPageSource().contains(clientSecret));

        // An Access-Request as that client: from 127.0.0.3, signed with the secret typed into the page.
        Commands.Result radclient = appliance.run("User-Name = demo\nUser-Password = demo-password\n"
                + "Message-Authenticator = 0x00\nPacket-Src-IP-Address = " + CLIENT_ADDRESS + "\n",
                "radclient", "-x", "-r", "3", "-t", "3", "127.0.0.1:" + appliance.authPort, "auth", clientSecret);
        assertTrue(radclient.toString(), radclient.output.contains("Received Access-Accept"));

        // The live list is rebuilt every refresh: rows are found again rather than held (stale otherwise).
        By decision = By.xpath("//table[@id='radmfa-decisions']//tr[contains(@class,'radmfa-decision')"
                + " and td[3][normalize-space()='" + CLIENT_NAME + "'] and td[4][normalize-space()='demo']]");
        String decisionText = live(driver -> driver.findElement(decision).getText());
        assertTrue(decisionText, decisionText.contains("ACCEPT"));
        String id = live(driver -> driver.findElement(decision).getAttribute("data-id"));
        live(driver -> {
            driver.findElement(By.cssSelector("#radmfa-decisions tr.radmfa-decision[data-id='" + id + "']")).click();
            return true;
        });
        String traceText = live(driver -> {
            WebElement trace = driver.findElement(By.cssSelector("#radmfa-decisions tr.radmfa-trace[data-id='"
                    + id + "']"));
            return trace.isDisplayed() ? trace.getText() : null;
        });
        assertTrue(traceText, traceText.contains("directory 'local': ACCEPTED"));
        assertTrue(traceText, traceText.contains("network policy 'Demo VPN users'"));
        screenshot("05-decision-with-trace");
    }

    @Test
    public void test4_changeWithoutCsrfTokenIsRefusedAndChangesNothing() throws Exception {
        String forged = "not-a-csrf-client";
        Map<String, String> form = new LinkedHashMap<>();
        form.put("action", "put");
        form.put("name", forged);
        form.put("address", "127.0.0.4");
        form.put("secret", randomText(20));
        // Authenticated as admin, with a session, but without the token.
        HttpClient session = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        assertEquals(200, get(session, consoleUrl, "admin", appliance.adminPassword).statusCode());
        HttpResponse<String> noToken = post(session, consoleUrl + "/clients", form, "admin", appliance.adminPassword);
        assertEquals(noToken.body(), 403, noToken.statusCode());
        assertTrue(noToken.body(), noToken.body().contains("CSRF"));
        form.put("csrfToken", "guessed-" + randomText(10));
        HttpResponse<String> wrongToken = post(session, consoleUrl + "/clients", form, "admin", appliance.adminPassword);
        assertEquals(wrongToken.body(), 403, wrongToken.statusCode());

        // The same from inside the logged-in browser: the session cookie alone does not make a change.
        logIn();
        Object status = ((JavascriptExecutor) browser).executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                + "var r = new XMLHttpRequest(); r.open('POST', arguments[0], true);"
                + "r.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');"
                + "r.onload = function () { done(r.status); }; r.onerror = function () { done(-1); };"
                + "r.send(arguments[1]);", consoleUrl + "/clients", "action=put&name=" + forged
                + "&address=127.0.0.4&secret=" + randomText(20));
        assertEquals(403L, ((Number) status).longValue());

        browser.navigate().refresh();
        waitFor(By.id("radmfa-clients"));
        assertTrue(browser.findElements(By.cssSelector("#radmfa-clients tr[data-name='" + forged + "']")).isEmpty());
        assertFalse(get(http, consoleUrl, "admin", appliance.adminPassword).body().contains(forged));
        assertFalse(Files.exists(appliance.home.resolve("etc/org.radmfa.client-" + forged + ".cfg")));
        screenshot("06-after-refused-csrf");
    }

    /**
     * With the console opened to the viewer role (etc/org.apache.karaf.webconsole.cfg, role = viewer), a viewer sees
     * the page but cannot change anything, even with a valid CSRF token of its own session.
     */
    @Test
    public void test5_viewerLetInByTheConsoleStillCannotChange() throws Exception {
        Path consoleConfig = appliance.home.resolve("etc/org.apache.karaf.webconsole.cfg");
        PropertiesFiles.put(consoleConfig, "role", "viewer");
        try {
            HttpClient session = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            Await.until("the console to admit role viewer", PAGE_TIMEOUT,
                    () -> get(session, consoleUrl, VIEWER, viewerPassword).statusCode() == 200);
            String page = get(session, consoleUrl, VIEWER, viewerPassword).body();
            assertTrue(page, page.contains("read only"));
            assertFalse("no change forms for a viewer", page.contains("id='radmfa-client-form'"));
            Matcher token = Pattern.compile("data-csrf='([^']+)'").matcher(page);
            assertTrue(page, token.find());
            Map<String, String> form = new LinkedHashMap<>();
            form.put("csrfToken", token.group(1));
            form.put("action", "remove");
            form.put("name", "localhost-demo");
            HttpResponse<String> change = post(session, consoleUrl + "/clients", form, VIEWER, viewerPassword);
            assertEquals(change.body(), 403, change.statusCode());
            assertTrue(change.body(), change.body().contains("role 'admin'"));
            assertTrue(get(http, consoleUrl, "admin", appliance.adminPassword).body().contains("localhost-demo"));
        } finally {
            PropertiesFiles.put(consoleConfig, "role", "admin");
        }
        Await.until("the console to admit admin only again", PAGE_TIMEOUT,
                () -> get(http, consoleUrl, VIEWER, viewerPassword).statusCode() == 401);
    }

    /** Reorder and disable a network policy from the page; the decision follows at once. */
    @Test
    public void test6_policiesAreReorderedAndDisabledFromThePage() throws Exception {
        logIn();
        clickInRow("radmfa-policies", "Demo VPN users", "Down");
        awaitFlash("'Demo VPN users' is now number 2");
        assertEquals("Demo MFA users", policyAt(1));
        assertEquals("Demo VPN users", policyAt(2));
        clickInRow("radmfa-policies", "Demo VPN users", "Up");
        awaitFlash("'Demo VPN users' is now number 1");
        assertEquals("Demo VPN users", policyAt(1));

        clickInRow("radmfa-policies", "Demo VPN users", "Disable");
        awaitFlash("'Demo VPN users' disabled");
        screenshot("07-policy-disabled");
        assertEquals("false", browser.findElement(
                By.cssSelector("#radmfa-policies tr[data-name='Demo VPN users']")).getAttribute("data-enabled"));
        Await.until("the demo user rejected once its policy is disabled", PAGE_TIMEOUT,
                () -> demoLogin().contains("Received Access-Reject"));
        waitFor(By.xpath("//table[@id='radmfa-decisions']//tr[contains(@class,'radmfa-decision')"
                + " and td[4][normalize-space()='demo'] and td[5][normalize-space()='REJECT']]"));

        clickInRow("radmfa-policies", "Demo VPN users", "Enable");
        awaitFlash("'Demo VPN users' enabled");
        Await.until("the demo user accepted again", PAGE_TIMEOUT,
                () -> demoLogin().contains("Received Access-Accept"));
    }

    /** A user added through the page logs in with PAP; the page never shows the password. */
    @Test
    public void test7_aUserAddedFromThePageLogsIn() throws Exception {
        logIn();
        String password = randomText(12);
        WebElement form = browser.findElement(By.id("radmfa-user-form"));
        form.findElement(By.name("name")).sendKeys("web-user");
        form.findElement(By.name("password")).sendKeys(password);
        form.findElement(By.name("groups")).sendKeys("vpn-users");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        awaitFlash("User 'web-user' added");
        WebElement row = waitFor(By.cssSelector("#radmfa-users tr[data-name='web-user']"));
        assertTrue(row.getText(), row.getText().contains("vpn-users"));
        assertFalse(browser.getPageSource().contains(password));
        screenshot("08-user-added");
        try (var files = Files.list(appliance.home.resolve("etc"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse("clear password in " + file, Files.readString(file).contains(password));
            }
        }
        Commands.Result login = appliance.run("User-Name = web-user\nUser-Password = " + password + "\n",
                "radclient", "-r", "3", "-t", "3", "127.0.0.1:" + appliance.authPort, "auth", "testing123");
        assertTrue(login.toString(), login.output.contains("Received Access-Accept"));
    }

    /** An MFA connector installed while the page is open shows up in its MFA section and on the dashboard. */
    @Test
    public void test8_anInstalledMfaConnectorIsShown() throws Exception {
        logIn();
        assertTrue(browser.findElement(By.id("radmfa-mfa")).getText().contains("No MFA connector installed"));
        // Hot deployment: the connector's bundle dropped into deploy/ (the assembly runs offline, and its
        // dependencies, vault and shell, are already there).
        Path bundle = Paths.get(property("maven.repo.local"), "org", "radmfa", "radmfa-mfa-otp",
                property("radmfa.version"), "radmfa-mfa-otp-" + property("radmfa.version") + ".jar");
        assertTrue("build bundles/mfa-otp first: " + bundle, Files.isRegularFile(bundle));
        Files.copy(bundle, appliance.home.resolve("deploy").resolve(bundle.getFileName()));
        Await.until("the otp connector on the page", PAGE_TIMEOUT, () -> {
            String page = get(http, consoleUrl, "admin", appliance.adminPassword).body();
            return page.contains("<td>otp</td>") && page.contains("(connector=otp)");
        });
        browser.navigate().refresh();
        WebElement mfa = waitFor(By.cssSelector("table#radmfa-mfa"));
        assertTrue(mfa.getText(), mfa.getText().contains("otp"));
        new WebDriverWait(browser, PAGE_TIMEOUT).until(driver -> driver.findElement(
                By.cssSelector("#radmfa-dashboard td[data-key='MFA connector']")).getText().equals("otp"));

        // A second factor waiting for its code is pending: the dashboard counts it.
        String enrolled = appliance.shell("radmfa:otp-enroll mfa-demo");
        assertTrue("enrolled (URI not shown here: it holds the seed)", enrolled.contains("otpauth://"));
        Commands.Result challenge = appliance.run("User-Name = mfa-demo\nUser-Password = mfa-demo-password\n",
                "radclient", "-r", "1", "-t", "3", "127.0.0.1:" + appliance.authPort, "auth", "testing123");
        assertTrue(challenge.output, challenge.output.contains("Received Access-Challenge"));
        new WebDriverWait(browser, PAGE_TIMEOUT).until(driver -> driver.findElement(
                By.cssSelector("#radmfa-dashboard td[data-key='Pending MFA']")).getText().equals("1"));
        assertEquals("otp", browser.findElement(
                By.cssSelector("#radmfa-dashboard td[data-key='MFA connector in use']")).getText());
        screenshot("09-mfa-connector");
    }

    /** A User-Name is whatever a NAS sends: markup in it is shown as text, never run or rendered. */
    @Test
    public void test9_markupInAUserNameStaysText() throws Exception {
        logIn();
        String hostile = "<img id=radmfa-xss src=x onerror=document.title='owned'>";
        Commands.Result reject = appliance.run("User-Name = \"" + hostile + "\"\nUser-Password = x\n", "radclient",
                "-r", "3", "-t", "3", "127.0.0.1:" + appliance.authPort, "auth", "testing123");
        assertTrue(reject.output, reject.output.contains("Received Access-Reject"));
        By row = By.cssSelector("#radmfa-decisions tr.radmfa-decision[data-user='" + hostile.replace("'", "\\'")
                + "'] td.radmfa-user");
        assertEquals(hostile, live(driver -> driver.findElement(row).getText()));
        assertTrue(browser.findElements(By.id("radmfa-xss")).isEmpty());
        assertFalse("owned".equals(browser.getTitle()));
        browser.navigate().refresh(); // the server-rendered parts too
        waitFor(By.cssSelector("#radmfa-decisions tr.radmfa-decision"));
        assertTrue(browser.findElements(By.id("radmfa-xss")).isEmpty());
    }

    /** Every component's configuration carries metatype: the console's Configuration page names it. */
    @Test
    public void testA_configurationsAreReadableOnTheConsolesConfigurationPage() {
        String url = consoleUrl.replace("/radmfa", "/configMgr");
        String page = get(http, url, "admin", appliance.adminPassword).body();
        for (String name : List.of("radmfa RADIUS client", "radmfa RADIUS transport", "radmfa network policy",
                "radmfa connection request policy", "radmfa local user", "radmfa request pipeline",
                "radmfa secret vault", "radmfa audit file", "radmfa web console page")) {
            assertTrue(name + " on " + url, page.contains(name));
        }
    }

    /**
     * The charts of the last hour, drawn by the uPlot the bundle serves (the browser reaches nothing but the
     * appliance): a sample interval after a few decisions, every chart has a canvas and series.json counts them.
     */
    @Test
    public void testB_chartsShowTheLastIntervals() throws Exception {
        HttpResponse<String> uplot = get(http, consoleUrl + "/uPlot.iife.min.js", "admin", appliance.adminPassword);
        assertEquals(200, uplot.statusCode());
        assertTrue("uPlot served by the appliance", uplot.body().contains("uPlot"));
        logIn();
        assertTrue(demoLogin().contains("Received Access-Accept"));
        Commands.Result wrong = appliance.run("User-Name = demo\nUser-Password = not-the-password\n", "radclient",
                "-r", "1", "-t", "3", "127.0.0.1:" + appliance.authPort, "auth", "testing123");
        assertTrue(wrong.output, wrong.output.contains("Received Access-Reject"));
        // One sample interval (10 s by default) and one poll of the page later; bounded generously.
        Await.until("series.json to count the reject", CHART_TIMEOUT, () -> {
            String series = get(http, consoleUrl + "/series.json", "admin", appliance.adminPassword).body();
            return series.contains("\"rejects\":{\"");
        });
        new WebDriverWait(browser, CHART_TIMEOUT).until(driver -> Integer.parseInt(driver.findElement(
                By.id("radmfa-charts")).getAttribute("data-points")) > 0);
        new WebDriverWait(browser, CHART_TIMEOUT).until(driver -> driver.findElements(
                By.cssSelector("#radmfa-charts .radmfa-chart canvas")).size() == 5);
        new WebDriverWait(browser, CHART_TIMEOUT).until(driver -> !driver.findElement(By.id("radmfa-chart-rejects"))
                .getText().contains("none"));
        ((JavascriptExecutor) browser).executeScript("document.getElementById('charts').scrollIntoView();");
        screenshot("10-charts");
    }

    /**
     * A network policy created and edited in the form, checked by the same validation as the files: a regular
     * expression that does not compile is refused with the key and the reason, and nothing is stored.
     */
    @Test
    public void testC_aPolicyIsCreatedAndEditedInTheForm() throws Exception {
        logIn();
        WebElement form = browser.findElement(By.id("radmfa-policy-form"));
        form.findElement(By.name("name")).sendKeys("Browser policy");
        form.findElement(By.name("conditions")).sendKeys("userName = ^(browser-nobody$");
        screenshot("11-policy-form-filled");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        awaitFlash("Refused");
        String refusal = browser.findElement(By.id("radmfa-flash")).getText();
        assertTrue(refusal, refusal.contains("condition.userName"));
        assertTrue(browser.findElements(By.cssSelector("#radmfa-policies tr[data-name='Browser policy']")).isEmpty());
        assertFalse(Files.exists(appliance.home.resolve("etc/org.radmfa.policy-browser-policy.cfg")));

        form = browser.findElement(By.id("radmfa-policy-form"));
        form.findElement(By.name("name")).sendKeys("Browser policy");
        new org.openqa.selenium.support.ui.Select(form.findElement(By.name("access"))).selectByValue("deny");
        form.findElement(By.name("conditions")).sendKeys("userName = ^browser-nobody$");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        awaitFlash("Network policy 'Browser policy' added");
        WebElement row = waitFor(By.cssSelector("#radmfa-policies tr[data-name='Browser policy']"));
        assertTrue(row.getText(), row.getText().contains("condition.userName = ^browser-nobody$"));
        assertEquals("Demo VPN users", policyAt(1));

        row.findElement(By.xpath(".//button[normalize-space()='Edit']")).click();
        form = browser.findElement(By.id("radmfa-policy-form"));
        assertEquals("Browser policy", form.findElement(By.name("name")).getAttribute("value"));
        assertEquals("deny", form.findElement(By.name("access")).getAttribute("value"));
        assertTrue(form.findElement(By.name("conditions")).getAttribute("value").contains("^browser-nobody$"));
        form.findElement(By.name("constraints")).sendKeys("sessionTimeout = 600");
        form.findElement(By.name("replies")).sendKeys("Reply-Message = from the browser");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        awaitFlash("Network policy 'Browser policy' changed");
        row = waitFor(By.cssSelector("#radmfa-policies tr[data-name='Browser policy']"));
        assertTrue(row.getText(), row.getText().contains("constraint.sessionTimeout = 600"));
        assertTrue(row.getText(), row.getText().contains("reply.Reply-Message = from the browser"));
        screenshot("12-policy-edited");
        assertTrue("the demo user still gets in", demoLogin().contains("Received Access-Accept"));
    }

    /**
     * The audit trail searched by user and by correlation id; a result opens its full trace. The first decision is
     * pushed out of the in-memory decision log (decisionLogSize 2) before it is searched: only the audit files have it.
     */
    @Test
    public void testD_theAuditTrailIsSearchedAndADecisionOpened() throws Exception {
        String ghost = "ghost-" + randomText(4);
        assertTrue(login(ghost, "no-such-password").contains("Received Access-Reject"));
        appliance.shell("config:property-set -p org.radmfa.pipeline decisionLogSize 2");
        try {
            // Three decisions after the change: the ghost's is no longer in memory (radmfa:decisions reads memory).
            Await.until("the ghost's decision out of the in-memory log", PAGE_TIMEOUT, () -> {
                for (int i = 0; i < 3; i++) {
                    assertTrue(demoLogin().contains("Received Access-Accept"));
                }
                return !appliance.shell("radmfa:decisions -n 100 --no-format").contains(ghost);
            });
            logIn();
            WebElement search = browser.findElement(By.id("radmfa-search"));
            assertTrue(browser.findElement(By.id("radmfa-search-scope")).getText().contains("Searches the audit files"));
            search.findElement(By.name("user")).sendKeys(ghost);
            search.findElement(By.name("reason")).sendKeys("reject");
            search.findElement(By.cssSelector("button[type=submit]")).click();
            new WebDriverWait(browser, PAGE_TIMEOUT).until(driver -> driver.findElement(By.id("radmfa-search-status"))
                    .getText().equals("1 found in the audit files"));
            assertTrue(browser.findElement(By.id("radmfa-search-notice")).getText().startsWith("1 found; searched"));
            WebElement old = waitFor(By.cssSelector("#radmfa-search-results tr.radmfa-found"));
            assertEquals(ghost, old.findElement(By.xpath("td[4]")).getText());
            assertEquals("REJECT", old.findElement(By.xpath("td[5]")).getText());
            String oldCorrelationId = old.findElement(By.xpath("td[9]")).getText();
            old.click();
            assertFalse(traceOf(oldCorrelationId).isBlank());
            screenshot("13-audit-search-from-files");
            String shell = appliance.shell("radmfa:audit-search --user " + ghost + " --from -1h --trace --no-format");
            assertTrue(shell, shell.contains(oldCorrelationId) && shell.contains("1 found; searched"));

            search = browser.findElement(By.id("radmfa-search"));
            search.findElement(By.name("user")).clear();
            search.findElement(By.name("reason")).clear();
            search.findElement(By.name("user")).sendKeys("demo");
            search.findElement(By.name("client")).sendKeys("localhost");
            search.findElement(By.cssSelector("button[type=submit]")).click();
            new WebDriverWait(browser, PAGE_TIMEOUT).until(driver -> driver.findElement(By.id("radmfa-search-status"))
                    .getText().endsWith("found in the audit files") && !driver.findElements(
                            By.cssSelector("#radmfa-search-results tr.radmfa-found")).isEmpty());
            WebElement first = waitFor(By.cssSelector("#radmfa-search-results tr.radmfa-found"));
            for (WebElement found : browser.findElements(By.cssSelector("#radmfa-search-results tr.radmfa-found"))) {
                assertTrue(found.getText(), found.findElement(By.xpath("td[4]")).getText().contains("demo"));
            }
            String correlationId = first.findElement(By.xpath("td[9]")).getText();
            search.findElement(By.name("user")).clear();
            search.findElement(By.name("client")).clear();
            search.findElement(By.name("correlationId")).sendKeys(correlationId);
            search.findElement(By.cssSelector("button[type=submit]")).click();
            new WebDriverWait(browser, PAGE_TIMEOUT).until(driver -> driver.findElement(By.id("radmfa-search-status"))
                    .getText().equals("1 found in the audit files") && driver.findElements(
                            By.cssSelector("#radmfa-search-results tr.radmfa-found")).size() == 1);
            waitFor(By.cssSelector("#radmfa-search-results tr.radmfa-found")).click();
            String trace = traceOf(correlationId);
            assertTrue(trace, trace.contains("directory 'local': ACCEPTED"));
            screenshot("13-audit-search-trace");
            HttpResponse<String> badTime = get(http, consoleUrl + "/decisions.json?from=yesterday", "admin",
                    appliance.adminPassword);
            assertEquals(400, badTime.statusCode());
        } finally {
            appliance.shell("config:property-set -p org.radmfa.pipeline decisionLogSize 1000");
        }
    }

    /**
     * The configuration check on the page and in the shell: the demo assembly still has the demo client, its secret
     * and users, and its client sends no NAS timeout; each finding comes with its fix.
     */
    @Test
    public void testE_theConfigurationCheckNamesTheDemoValuesWithTheirFix() throws Exception {
        logIn();
        WebElement check = waitFor(By.cssSelector("table#radmfa-check"));
        WebElement demoClient = check.findElement(By.xpath(".//tr[@data-rule='demo-values' and td[2][normalize-space()"
                + "=\"client 'localhost-demo'\"]]"));
        assertTrue(demoClient.getText(), demoClient.getText().contains("ERROR"));
        assertTrue(demoClient.getText(), demoClient.getText().contains("radmfa:clients-remove"));
        assertFalse(check.findElements(By.xpath(".//tr[td[2][normalize-space()=\"local user 'demo'\"]]")).isEmpty());
        assertFalse("the secret never appears", check.getText().contains("testing123"));
        ((JavascriptExecutor) browser).executeScript("document.getElementById('check').scrollIntoView();");
        screenshot("14-configuration-check");

        String shell = appliance.shell("radmfa:check --no-format");
        assertTrue(shell, shell.contains("client 'localhost-demo'") && shell.contains("the demo client is still"));
        assertTrue(shell, shell.matches("(?s).*\\d+ error\\(s\\), \\d+ warning\\(s\\).*"));
        assertFalse(shell, shell.contains("testing123"));
    }

    /** A remote RADIUS server added, listed with its live state, edited, refused with its key, removed. */
    @Test
    public void testF_aRemoteServerIsAddedEditedAndRemovedInTheForm() throws Exception {
        String group = "browser-group";
        String name = "browser-srv";
        String secret = randomText(20);
        By row = By.cssSelector("#radmfa-servers tr[data-name='" + name + "']");
        logIn();
        WebElement form = browser.findElement(By.id("radmfa-server-form"));
        form.findElement(By.name("group")).sendKeys(group);
        form.findElement(By.name("name")).sendKeys(name);
        form.findElement(By.name("address")).sendKeys("127.0.0.1");
        form.findElement(By.name("authPort")).sendKeys("11812");
        form.findElement(By.name("acctPort")).sendKeys("11813");
        form.findElement(By.name("weight")).sendKeys("30");
        form.findElement(By.name("secret")).sendKeys(secret);
        form.findElement(By.cssSelector("button[type=submit]")).click();
        awaitFlash("Remote server '" + name + "' of group '" + group + "' added");
        Path file = appliance.home.resolve("etc/org.radmfa.proxy.server-" + group + "-" + name + ".cfg");
        Await.until(file + " written", PAGE_TIMEOUT, () -> Files.exists(file));
        // The proxy picks the new file up on its own: reload until it reports the server's state.
        new WebDriverWait(browser, PAGE_TIMEOUT).ignoring(StaleElementReferenceException.class).until(driver -> {
            driver.get(consoleUrl);
            List<WebElement> found = driver.findElements(row);
            return !found.isEmpty() && found.get(0).findElement(By.xpath("td[9]")).getText().startsWith("up");
        });
        String listed = waitFor(row).getText();
        assertTrue(listed, listed.contains(group) && listed.contains("127.0.0.1") && listed.contains("11812 / 11813"));
        assertTrue(listed, listed.contains("yes"));
        ((JavascriptExecutor) browser).executeScript("document.getElementById('servers').scrollIntoView();");
        screenshot("15-remote-server-listed");
        assertFalse("the secret is never shown", browser.getPageSource().contains(secret));

        waitFor(row).findElement(By.xpath(".//button[normalize-space()='Edit']")).click();
        form = browser.findElement(By.id("radmfa-server-form"));
        assertEquals(name, form.findElement(By.name("name")).getAttribute("value"));
        assertEquals("30", form.findElement(By.name("weight")).getAttribute("value"));
        assertEquals("", form.findElement(By.name("secret")).getAttribute("value"));
        form.findElement(By.name("weight")).clear();
        form.findElement(By.name("weight")).sendKeys("500");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        awaitFlash("Refused");
        String refusal = browser.findElement(By.id("radmfa-flash")).getText();
        assertTrue(refusal, refusal.contains("key 'weight'"));
        assertEquals("30", waitFor(row).findElement(By.xpath("td[6]")).getText());

        waitFor(row).findElement(By.xpath(".//button[normalize-space()='Edit']")).click();
        form = browser.findElement(By.id("radmfa-server-form"));
        form.findElement(By.name("weight")).clear();
        form.findElement(By.name("weight")).sendKeys("80");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        awaitFlash("Remote server '" + name + "' of group '" + group + "' changed");
        assertEquals("80", waitFor(row).findElement(By.xpath("td[6]")).getText());
        String shell = appliance.shell("radmfa:proxy-groups");
        assertFalse(shell, shell.contains(secret));

        waitFor(row).findElement(By.xpath(".//button[normalize-space()='Remove']")).click();
        new WebDriverWait(browser, PAGE_TIMEOUT).until(ExpectedConditions.alertIsPresent()).accept();
        awaitFlash("Remote server '" + name + "' of group '" + group + "' removed");
        assertTrue(browser.findElements(row).isEmpty());
        Await.until(file + " removed", PAGE_TIMEOUT, () -> !Files.exists(file));
    }

    // ---------------------------------------------------------------------------------------------------------

    private static String demoLogin() {
        return login("demo", "demo-password");
    }

    private static String login(String user, String password) {
        return appliance.run("User-Name = " + user + "\nUser-Password = " + password + "\n", "radclient", "-r", "1",
                "-t", "3", "127.0.0.1:" + appliance.authPort, "auth", "testing123").output;
    }

    private static void clickInRow(String table, String name, String button) {
        waitFor(By.cssSelector("#" + table + " tr[data-name='" + name + "']"))
                .findElement(By.xpath(".//button[normalize-space()='" + button + "']")).click();
    }

    private static void awaitFlash(String text) {
        new WebDriverWait(browser, PAGE_TIMEOUT).ignoring(StaleElementReferenceException.class).until(driver -> {
            List<WebElement> flash = driver.findElements(By.id("radmfa-flash"));
            return !flash.isEmpty() && flash.get(0).getText().contains(text);
        });
    }

    private static String policyAt(int position) {
        return browser.findElement(By.xpath("//table[@id='radmfa-policies']/tbody/tr[" + position + "]/td[2]"))
                .getText();
    }

    /** HTTP Basic through the URL once; then the page without credentials in its URL, on the session cookie. */
    private static void logIn() {
        browser.get(withCredentials(consoleUrl, "admin", appliance.adminPassword));
        waitFor(By.id("radmfa"));
        browser.get(consoleUrl);
        WebElement user = waitFor(By.id("radmfa-user"));
        assertEquals("admin", user.getText());
        new WebDriverWait(browser, PAGE_TIMEOUT)
                .until(driver -> driver.findElement(By.id("radmfa-live")).getText().startsWith("live"));
    }

    /** A value read from the live part of the page, read again when a refresh replaced the element under it. */
    private static <T> T live(java.util.function.Function<WebDriver, T> read) {
        return new WebDriverWait(browser, PAGE_TIMEOUT).ignoring(StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.NoSuchElementException.class).until(read::apply);
    }

    /**
     * The text of the opened decision's trace once it is this decision's: the one opened before stays on the page
     * until the new one replaces it, so an element found at once may be the old one, or gone a moment later.
     */
    private static String traceOf(String correlationId) {
        return new WebDriverWait(browser, PAGE_TIMEOUT).ignoring(StaleElementReferenceException.class).until(driver -> {
            String panel = driver.findElement(By.id("radmfa-search-trace")).getText();
            List<WebElement> trace = driver.findElements(By.cssSelector("#radmfa-search-trace ol.radmfa-trace"));
            return panel.contains(correlationId) && !trace.isEmpty() ? trace.get(0).getText() : null;
        });
    }

    private static WebElement waitFor(By locator) {
        return new WebDriverWait(browser, PAGE_TIMEOUT).ignoring(StaleElementReferenceException.class).until(driver -> {
            List<WebElement> found = driver.findElements(locator);
            return found.isEmpty() ? null : found.get(0);
        });
    }

    private static WebDriver startBrowser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1600",
                // Nothing but loopback: no name resolves, no background traffic.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "--no-proxy-server",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
                "--metrics-recording-only", "--disable-domain-reliability");
        if ("root".equals(System.getProperty("user.name"))) {
            options.addArguments("--no-sandbox"); // Chromium's sandbox refuses to run as root
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(String name) throws IOException {
        Path file = screenshots.resolve(name + ".png");
        Path taken = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(taken, file, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("WebConsoleIT: screenshot " + file.toAbsolutePath());
    }

    private static String withCredentials(String url, String user, String password) {
        return url.replace("http://", "http://" + user + ":" + password + "@");
    }

    private static HttpResponse<String> get(HttpClient client, String url, String user, String password) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(PAGE_TIMEOUT).GET();
        return send(client, authorized(request, user, password).build());
    }

    private static HttpResponse<String> post(HttpClient client, String url, Map<String, String> form, String user,
            String password) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(PAGE_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(client, authorized(request, user, password).build());
    }

    private static HttpRequest.Builder authorized(HttpRequest.Builder request, String user, String password) {
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String randomText(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            fail("system property " + name + " (set by failsafe): run with Maven");
        }
        return value;
    }
}
