package org.radmfa.mfa.entra.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.io.StringReader;
import java.util.Base64;
import java.util.UUID;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A local stand-in for Microsoft Entra ID and its MFA connector service, with nothing but the JDK: an HTTPS server on
 * 127.0.0.1 with a self-signed certificate made by {@code keytool} at start, and a trust store holding that
 * certificate for the connector ({@link #trustStore()}, password {@link #trustStorePassword()}).
 * <p>
 * It answers exactly what the connector calls, all under {@link #baseUrl()}, and checks what the real services would:
 * <ul>
 * <li>{@code GET /{tenant}/v2.0/.well-known/openid-configuration}, {@code GET /common/discovery/instance}: the
 * metadata MSAL4J may ask for;</li>
 * <li>{@code POST /{tenant}/oauth2/v2.0/token}: client credentials for the "Azure Multi-Factor Auth Client" app id,
 * with {@link #CLIENT_SECRET} or a certificate assertion (RS256, signed by a key {@link #addKeyCredential
 * registered} as the service principal's key credential, named by its x5t); the scope must be the MFA connector
 * resource's (or Graph's) {@code /.default}; the token is a JWT whose {@code aud} is that resource. Counted
 * ({@link #tokenRequests()}); {@link #rejectTokens(String)} makes it answer an AADSTS error;</li>
 * <li>{@code POST /StrongAuthenticationService.svc/Connector/BeginTwoWayAuthentication} and
 * {@code .../EndTwoWayAuthentication}: the MFA connector protocol (see ConnectorXml) with {@code application/xml}
 * bodies, element names and order checked, a bearer token for the connector resource required, results scripted per
 * user; Begin names an AffinityUrl ({@code ?dc=EMU}) and End is accepted only there;</li>
 * <li>{@code GET /v1.0/users?$filter=onPremisesSamAccountName|mail eq '...'}: Graph, with a Graph token.</li>
 * </ul>
 * Run {@link #main} for a demo.
 */
public final class EntraEmulator implements AutoCloseable {
    /** A tenant id is a GUID (radmfa:entra-setup insists). */
    public static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd0e1a7e5";
    /** "Azure Multi-Factor Auth Client", the app id the NPS extension signs in as. */
    public static final String CLIENT_ID = "981f26a1-7f43-403b-a875-f8b09b8cd720";
    public static final String CLIENT_SECRET = "emulator-secret";
    public static final String CONNECTOR_RESOURCE = "https://adnotifications.windowsazure.com"
            + "/StrongAuthenticationService.svc/Connector";
    public static final String CONNECTOR_PATH = "/StrongAuthenticationService.svc/Connector";
    /** The code every user's authenticator shows unless {@link #setOneTimeCode} says otherwise. */
    public static final String DEFAULT_CODE = "123456";
    private static final String STORE_PASSWORD = "emulator";
    private static final String ARRAYS_NS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";
    private static final List<String> BEGIN_ORDER = List.of("Version", "UserPrincipalName", "Lcid",
            "AuthenticationMethodId", "AuthenticationMethodProperties", "ContextId", "SyncCall", "RequireUserMatch",
            "CallerName", "CallerIP");
    private static final List<String> END_ORDER = List.of("Version", "SessionId", "ContextId", "AdditionalAuthData",
            "UserPrincipalName");

    /** What the MFA service does with a user's push or call. */
    public enum Outcome {
        /** AuthenticationPending, then Success once the delay has passed. */
        APPROVE,
        /** PhoneAppDenied (after the delay). */
        DENY,
        /** AuthenticationPending for ever: the user never answers. */
        NEVER,
        /** PhoneAppNoResponse (after the delay): the service gave up. */
        TIMEOUT,
        /** Begin answers HTTP 500. */
        HTTP_500
    }

    /**
     * A user of the emulated tenant.
     *
     * @param methods "push", "phone" and/or "otp" (a code is the default method); none: not set up for MFA
     * @param result a Result/Value End answers after the delay instead of the outcome's (null: the outcome's)
     */
    private record User(String upn, String samAccountName, String mail, Set<String> methods, Outcome outcome,
            Duration delay, String result, String code) {
    }

    /** A Begin as the emulator read it. */
    public record Begin(String userPrincipalName, String lcid, String authenticationMethodId,
            Map<String, String> properties, String contextId, boolean syncCall, boolean requireUserMatch,
            String callerName, String callerIp) {
    }

    /** @param spread added to the user's delay for this session ({@link #spreadApprovals}) */
    private record Session(User user, String contextId, Instant created, boolean codeExpected, Duration spread) {
        Instant answeredAt(User current) {
            return created.plus(current.delay()).plus(spread);
        }
    }

    /** Threads serving requests when no other number is asked for: enough for the tests' few connections. */
    static final int DEFAULT_THREADS = 4;

    /** The JDK's HTTP/1.1 server, or null when {@link #front} (HTTP/2) serves. */
    private final HttpsServer server;
    private final Http2Front front;
    private final ExecutorService executor;
    /** Answers synchronous Begins when their user answers. */
    private final ScheduledExecutorService holds;
    private final AtomicInteger held = new AtomicInteger();
    private volatile Duration approvalSpread = Duration.ZERO;
    private final Random spreadRandom = new Random(21);
    private volatile boolean loginRecording;
    private final ConcurrentLinkedQueue<String> loginLines = new ConcurrentLinkedQueue<>();
    private final Path directory;
    private final Path trustStore;
    private final Map<String, User> users = new ConcurrentHashMap<>();
    /** Other names Begin resolves to a user's UPN (lower case): {@link #aliasUser}. */
    private final Map<String, String> aliases = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Issued tokens and their audience. */
    private final Map<String, String> issuedTokens = new ConcurrentHashMap<>();
    /** Signs the access tokens it issues: made at the first token. */
    private java.security.PrivateKey tokenSigningKey;
    private final Set<X509Certificate> keyCredentials = ConcurrentHashMap.newKeySet();
    private final Set<String> usedCodes = ConcurrentHashMap.newKeySet();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Begin> begins = new ArrayList<>();
    private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong served = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean recording = true;
    private final Object startedMonitor = new Object();
    private volatile String tokenError;
    /** Seconds the tokens it issues live (expires_in). */
    private volatile long tokenSeconds = DEFAULT_TOKEN_SECONDS;
    private static final long DEFAULT_TOKEN_SECONDS = 3599;
    /** While set, token requests wait for it: a slow token endpoint. */
    private volatile CountDownLatch tokenGate;
    private volatile String lastClientAuthentication;
    private static final String LOOPBACK = "127.0.0.1";
    /** The IP address it listens on, in its URLs and its certificate. */
    private final String host;

    private EntraEmulator(int port, int threads, String host, int http2MaxStreams) throws IOException,
            GeneralSecurityException {
        this.host = host;
        directory = Files.createTempDirectory("entra-emulator");
        Path serverStore = directory.resolve("server.p12");
        keytool(serverStore, "emulator", "EC", "CN=localhost", "SAN=ip:" + host + ",dns:localhost", null, 30);
        KeyStore keys = KeyStore.getInstance(serverStore.toFile(), STORE_PASSWORD.toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("emulator", keys.getCertificate("emulator"));
        trustStore = directory.resolve("truststore.p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trust.store(out, STORE_PASSWORD.toCharArray());
        }
        AtomicInteger counter = new AtomicInteger();
        holds = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "entra-emulator-hold");
            thread.setDaemon(true);
            return thread;
        });
        if (http2MaxStreams > 0) {
            server = null;
            executor = null;
            try {
                front = new Http2Front(host, port, threads, http2MaxStreams, serverStore, STORE_PASSWORD,
                        this::handle);
            } catch (Exception e) {
                holds.shutdownNow();
                throw new IOException("emulator: Jetty did not start: " + e, e);
            }
            return;
        }
        front = null;
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, STORE_PASSWORD.toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(keyManagers.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 1000);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        // A handler never blocks but on its own connection's socket, so a few threads serve many connections.
        executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "entra-emulator-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(new JdkExchange(exchange)));
        server.start();
    }

    /** Starts an emulator on 127.0.0.1 at the port (0: any free port). */
    public static EntraEmulator start(int port) throws IOException, GeneralSecurityException {
        return new EntraEmulator(port, DEFAULT_THREADS, LOOPBACK, 0);
    }

    /** Starts an emulator on 127.0.0.1 at the port (0: any free port) served by this many threads. */
    public static EntraEmulator start(int port, int threads) throws IOException, GeneralSecurityException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        return new EntraEmulator(port, threads, LOOPBACK, 0);
    }

    /**
     * Starts an emulator on this IP address (e.g. one in a network namespace a test made), its certificate made
     * for that address.
     */
    public static EntraEmulator start(int port, int threads, String host) throws IOException,
            GeneralSecurityException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        return new EntraEmulator(port, threads, host, 0);
    }

    /**
     * Starts an emulator that speaks HTTP/2 (and HTTP/1.1) by ALPN, on Jetty, advertising this
     * {@code SETTINGS_MAX_CONCURRENT_STREAMS}; what the service's real limit is, is not known.
     */
    public static EntraEmulator startHttp2(int port, int threads, String host, int maxConcurrentStreams)
            throws IOException, GeneralSecurityException {
        if (threads < 1 || maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("threads and streams must be at least 1");
        }
        return new EntraEmulator(port, threads, host, maxConcurrentStreams);
    }

    /**
     * Each new push is answered after its user's delay plus a uniformly random part of {@code spread} (a fixed
     * seed: runs repeat), so that approvals arrive spread over time as in a morning's rush.
     */
    public void spreadApprovals(Duration spread) {
        approvalSpread = spread;
    }

    /**
     * Keeps one line per Begin for {@link #writeLogins}: when it arrived and when its user answers (or answered).
     */
    public void recordLogins(boolean record) {
        loginRecording = record;
    }

    /**
     * Writes the recorded Begins, one a line: {@code contextId callerIp upn syncCall beginArrivalMicros
     * answeredAtMicros} (microseconds since the epoch on this machine's clock; answeredAt -1 for a user who never
     * answers), after a header line starting with #.
     */
    public void writeLogins(Path file) throws IOException {
        StringBuilder text = new StringBuilder("# contextId callerIp upn syncCall beginArrivalMicros answeredAtMicros\n");
        for (String line : loginLines) {
            text.append(line).append('\n');
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, text, StandardCharsets.UTF_8);
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** HTTP/2 streams the client reset (RST_STREAM) since the last {@link #reset()}; 0 over HTTP/1.1. */
    public long streamResets() {
        return front != null ? front.streamResets() : 0;
    }

    /** Synchronous Begins held now, waiting for their user. */
    public int heldBegins() {
        return held.get();
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    /**
     * Whether every request and MFA body is kept for {@link #requests()} and {@link #bodies()} (default true).
     * A long load run turns it off, so that its memory does not grow with every poll.
     */
    public void recordRequests(boolean record) {
        recording = record;
    }

    /** Polls of a pending push answered (End without a code). */
    public long polls() {
        return polls.get();
    }

    /** HTTP requests answered, of every kind. */
    public long requestsServed() {
        return served.get();
    }

    public int port() {
        return front != null ? front.port() : server.getAddress().getPort();
    }

    /** https://127.0.0.1:port: the authority, and the Graph base URL. */
    public String baseUrl() {
        return "https://" + host + ":" + port();
    }

    /** The MFA connector service's base URL on this emulator (serviceUrl). */
    public String serviceUrl() {
        return baseUrl() + CONNECTOR_PATH;
    }

    /** PKCS#12 trust store with the emulator's certificate. */
    public Path trustStore() {
        return trustStore;
    }

    public String trustStorePassword() {
        return STORE_PASSWORD;
    }

    /** The connector's configuration against this emulator, with the client secret. */
    public Map<String, Object> configuration() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tenantId", TENANT);
        config.put(".clientSecret", CLIENT_SECRET);
        config.put("authority", baseUrl());
        config.put("serviceUrl", serviceUrl());
        config.put("graphBaseUrl", baseUrl());
        config.put("trustStore", trustStore.toString());
        config.put("trustStorePassword", STORE_PASSWORD);
        return config;
    }

    /**
     * Adds (or replaces) a user of the tenant.
     *
     * @param methods "push" (Microsoft Authenticator notification), "phone", "otp" (a code is the default method);
     *     none: no method registered
     * @param outcome what the service does with this user's push or call
     * @param delay how long the answer stays AuthenticationPending
     */
    public void addUser(String upn, String samAccountName, String mail, Set<String> methods, Outcome outcome,
            Duration delay) {
        users.put(upn.toLowerCase(Locale.ROOT), new User(upn, samAccountName, mail, Set.copyOf(methods), outcome,
                delay, null, DEFAULT_CODE));
    }

    /** Makes End answer this Result/Value for the user once the delay has passed (PhoneAppFraudReported, ...). */
    public void scriptResult(String upn, String resultValue) {
        users.computeIfPresent(upn.toLowerCase(Locale.ROOT), (key, user) -> new User(user.upn(),
                user.samAccountName(), user.mail(), user.methods(), user.outcome(), user.delay(), resultValue,
                user.code()));
    }

    /**
     * Makes Begin for {@code alias} start the push of the user {@code upn} and answer with that user's
     * UserPrincipalName, as a service resolving another name of the account would. Graph does not know the alias.
     */
    public void aliasUser(String alias, String upn) {
        aliases.put(alias.toLowerCase(Locale.ROOT), upn.toLowerCase(Locale.ROOT));
    }

    /** The one-time code the user's authenticator shows now. */
    public void setOneTimeCode(String upn, String code) {
        users.computeIfPresent(upn.toLowerCase(Locale.ROOT), (key, user) -> new User(user.upn(),
                user.samAccountName(), user.mail(), user.methods(), user.outcome(), user.delay(), user.result(),
                code));
    }

    /** Registers a certificate as a key credential of the service principal (what the setup's Graph call does). */
    public void addKeyCredential(X509Certificate certificate) {
        keyCredentials.add(certificate);
    }

    /** Makes the token endpoint refuse every request with this AADSTS error (null: accept again). */
    public void rejectTokens(String aadsts) {
        tokenError = aadsts;
    }

    /**
     * How long the tokens issued from now on live. Less than five minutes: MSAL and the connector ask the token
     * endpoint again at every login.
     */
    public void tokenLifetime(Duration lifetime) {
        tokenSeconds = lifetime.toSeconds();
    }

    /** Token requests wait (a minute at most) until {@link #releaseTokenRequests()}: a slow token endpoint. */
    public void holdTokenRequests() {
        tokenGate = new CountDownLatch(1);
    }

    /** Answers the token requests waiting, and the next ones at once. */
    public void releaseTokenRequests() {
        CountDownLatch gate = tokenGate;
        tokenGate = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** Pushes, calls or code sessions started (Begin answered with a SessionId). */
    public int authenticationsStarted() {
        return started.get();
    }

    /** Waits until at least this many were started; false when the time ran out. */
    public boolean awaitAuthenticationsStarted(int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (startedMonitor) {
            while (started.get() < count) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(startedMonitor, left);
            }
            return true;
        }
    }

    /** "METHOD path" of every request so far. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Every Begin received, as read. */
    public List<Begin> begins() {
        synchronized (begins) {
            return List.copyOf(begins);
        }
    }

    /** The raw Begin and End bodies received, in order. */
    public List<String> bodies() {
        synchronized (bodies) {
            return List.copyOf(bodies);
        }
    }

    /** "secret" or "certificate": how the last token request authenticated the client. */
    public String lastClientAuthentication() {
        return lastClientAuthentication;
    }

    /** Forgets users, sessions, counters, key credentials and scripted errors; tokens already issued stay valid. */
    public void reset() {
        users.clear();
        aliases.clear();
        sessions.clear();
        requests.clear();
        begins.clear();
        bodies.clear();
        keyCredentials.clear();
        usedCodes.clear();
        tokenRequests.set(0);
        started.set(0);
        loginLines.clear();
        tokenError = null;
        tokenSeconds = DEFAULT_TOKEN_SECONDS;
        releaseTokenRequests();
        if (front != null) {
            front.resetCounters();
        }
    }

    @Override
    public void close() {
        // Once: a test may stop the service in the middle and still close it at the end.
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (front != null) {
            front.close();
        } else {
            server.stop(0);
            executor.shutdownNow();
        }
        holds.shutdownNow();
        // Its key stores live as long as it does: nothing of a test run stays in the temporary directory.
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (java.io.IOException e) {
            System.err.println("entra-emulator: cannot remove " + directory + ": " + e);
        }
    }

    private void handle(EmulatorExchange exchange) {
        try {
            String path = exchange.path();
            String method = exchange.method();
            String query = exchange.rawQuery();
            served.incrementAndGet();
            if (recording) {
                requests.add(method + " " + path + (query == null ? "" : "?" + query));
            }
            String correlation = exchange.header("client-request-id");
            if (correlation != null) {
                exchange.responseHeader("client-request-id", correlation);
            }
            String body = exchange.body();
            String tenant = "/" + TENANT;
            if (method.equals("GET") && (path.equals(tenant + "/v2.0/.well-known/openid-configuration")
                    || path.equals(tenant + "/.well-known/openid-configuration"))) {
                String base = baseUrl() + tenant;
                send(exchange, 200, "{\"issuer\":\"" + base + "/v2.0\",\"token_endpoint\":\"" + base
                        + "/oauth2/v2.0/token\",\"authorization_endpoint\":\"" + base + "/oauth2/v2.0/authorize\","
                        + "\"device_authorization_endpoint\":\"" + base + "/oauth2/v2.0/devicecode\","
                        + "\"jwks_uri\":\"" + base + "/discovery/v2.0/keys\",\"response_types_supported\":[\"code\"],"
                        + "\"token_endpoint_auth_methods_supported\":[\"client_secret_post\",\"private_key_jwt\"]}");
            } else if (method.equals("GET") && path.endsWith("/discovery/instance")) {
                String host = this.host + ":" + port();
                send(exchange, 200, "{\"tenant_discovery_endpoint\":\"" + baseUrl() + tenant
                        + "/v2.0/.well-known/openid-configuration\",\"api-version\":\"1.1\",\"metadata\":[{"
                        + "\"preferred_network\":\"" + host + "\",\"preferred_cache\":\"" + host
                        + "\",\"aliases\":[\"" + host + "\"]}]}");
            } else if (method.equals("POST") && path.equals(tenant + "/oauth2/v2.0/token")) {
                token(exchange, form(body));
            } else if (path.startsWith(CONNECTOR_PATH + "/")) {
                connector(exchange, method, path.substring(CONNECTOR_PATH.length() + 1), query, body);
            } else if (path.equals("/v1.0/users")) {
                if (!authorized(exchange, baseUrl())) {
                    send(exchange, 401, "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Access"
                            + " token is empty or invalid, or not for Graph.\"}}");
                } else {
                    graph(exchange, method);
                }
            } else {
                send(exchange, 404, "{\"error\":\"not_found\",\"error_description\":\"emulator: no " + path + "\"}");
            }
        } catch (RuntimeException | IOException e) {
            // The client sees a broken connection, which is what a failing server does.
            System.err.println("entra-emulator: " + e);
            exchange.abort();
        }
    }

    /**
     * One HTTP request to the emulator and its response, whichever server carries it (the JDK's HTTP/1.1 server or
     * Jetty's HTTP/2 one). The response may be sent later, from another thread: a synchronous Begin is held until the
     * user answers. Nested, so that a Pax Exam probe that adds EntraEmulator's declared classes carries it.
     */
    interface EmulatorExchange {
        String method();

        String path();

        /** The raw query, or null. */
        String rawQuery();

        /** The first value of a request header, or null. */
        String header(String name);

        String body();

        void responseHeader(String name, String value);

        /** Sends the response and ends the exchange. */
        void respond(int status, String contentType, String text) throws IOException;

        /** Ends the exchange without a response (a broken connection, as a failing server gives). */
        void abort();
    }

    /** A JDK HttpServer exchange; ended by {@link #respond} or {@link #abort}. */
    private record JdkExchange(com.sun.net.httpserver.HttpExchange exchange) implements EmulatorExchange {
        @Override
        public String method() {
            return exchange.getRequestMethod();
        }

        @Override
        public String path() {
            return exchange.getRequestURI().getPath();
        }

        @Override
        public String rawQuery() {
            return exchange.getRequestURI().getRawQuery();
        }

        @Override
        public String header(String name) {
            return exchange.getRequestHeaders().getFirst(name);
        }

        @Override
        public String body() {
            try (InputStream in = exchange.getRequestBody()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void responseHeader(String name, String value) {
            exchange.getResponseHeaders().set(name, value);
        }

        @Override
        public void respond(int status, String contentType, String text) throws IOException {
            try (exchange) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", contentType);
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }

        @Override
        public void abort() {
            exchange.close();
        }
    }

    private void token(EmulatorExchange exchange, Map<String, String> form) throws IOException {
        tokenRequests.incrementAndGet();
        CountDownLatch gate = tokenGate;
        if (gate != null) {
            try {
                gate.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String error = tokenError;
        if (error == null && !CLIENT_ID.equals(form.get("client_id"))) {
            error = "AADSTS700016";
        }
        if (error == null) {
            if (form.containsKey("client_assertion")) {
                lastClientAuthentication = "certificate";
                if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get(
                        "client_assertion_type")) || !assertionVerifies(form.get("client_assertion"))) {
                    error = "AADSTS700027";
                }
            } else {
                lastClientAuthentication = "secret";
                if (!CLIENT_SECRET.equals(form.get("client_secret"))) {
                    error = "AADSTS7000215";
                }
            }
        }
        if (error == null && !"client_credentials".equals(form.get("grant_type"))) {
            error = "AADSTS70003";
        }
        String scope = form.getOrDefault("scope", "");
        String audience = null;
        for (String asked : scope.split(" ")) {
            if (asked.equals(CONNECTOR_RESOURCE + "/.default")) {
                audience = CONNECTOR_RESOURCE;
            } else if (asked.equals(baseUrl() + "/.default")) {
                audience = baseUrl();
            }
        }
        if (error == null && audience == null) {
            error = "AADSTS500011";
        }
        if (error != null) {
            send(exchange, error.equals("AADSTS500011") ? 400 : 401, "{\"error\":\"" + (error.equals(
                    "AADSTS500011") ? "invalid_resource" : "invalid_client") + "\",\"error_description\":\"" + error
                    + ": Rejected by the emulator. Trace ID: 0 Correlation ID: 0 Timestamp: " + Instant.now()
                    + "\",\"error_codes\":[" + error.substring("AADSTS".length()) + "],\"timestamp\":\""
                    + Instant.now() + "\",\"trace_id\":\"0\",\"correlation_id\":\"0\"}");
            return;
        }
        String token = accessToken(audience);
        issuedTokens.put(token, audience);
        long lifetime = tokenSeconds;
        send(exchange, 200, "{\"token_type\":\"Bearer\",\"expires_in\":" + lifetime + ",\"ext_expires_in\":"
                + lifetime + ",\"access_token\":\"" + token + "\"}");
    }

    /**
     * An access token of the shape and size Entra issues for the client credentials grant (v1.0, app-only): RS256
     * over header {@code typ, alg, x5t, kid} and the claims {@code aud, iss, iat, nbf, exp, aio, appid, appidacr, idp,
     * idtyp, oid, rh, sub, tid, uti, ver}, about 1.3 KB. The connector treats it as opaque; its size matters because
     * it travels in every call's Authorization header (and the JDK's HPACK encoder sends it in full each time).
     */
    private String accessToken(String audience) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String thumbprint = base64.encodeToString(randomBytes(20));
        String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5t\":\"" + thumbprint + "\",\"kid\":\"" + thumbprint
                + "\"}";
        String servicePrincipal = UUID.nameUUIDFromBytes(CLIENT_ID.getBytes(StandardCharsets.UTF_8)).toString();
        String claims = "{\"aud\":\"" + audience + "\",\"iss\":\"https://sts.windows.net/" + TENANT + "/\",\"iat\":"
                + now + ",\"nbf\":" + now + ",\"exp\":" + (now + tokenSeconds) + ",\"aio\":\""
                + Base64.getEncoder().encodeToString(randomBytes(60)) + "\",\"appid\":\"" + CLIENT_ID
                + "\",\"appidacr\":\"" + ("certificate".equals(lastClientAuthentication) ? 2 : 1)
                + "\",\"idp\":\"https://sts.windows.net/" + TENANT + "/\",\"idtyp\":\"app\",\"oid\":\""
                + servicePrincipal + "\",\"rh\":\"0." + base64.encodeToString(randomBytes(48)) + ".\",\"sub\":\""
                + servicePrincipal + "\",\"tid\":\"" + TENANT + "\",\"uti\":\"" + base64.encodeToString(randomBytes(16))
                + "\",\"ver\":\"1.0\",\"n\":" + tokenRequests.get() + "}";
        String signingInput = base64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(tokenSigningKey());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("emulator: cannot sign an access token", e);
        }
    }

    private synchronized java.security.PrivateKey tokenSigningKey() throws GeneralSecurityException {
        if (tokenSigningKey == null) {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            tokenSigningKey = generator.generateKeyPair().getPrivate();
        }
        return tokenSigningKey;
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** An RS256 client assertion signed by a registered key credential, named by its x5t (or x5t#S256). */
    private boolean assertionVerifies(String assertion) {
        String[] parts = assertion == null ? new String[0] : assertion.split("\\.");
        if (parts.length != 3) {
            return false;
        }
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        Matcher sha1 = Pattern.compile("\"x5t\"\\s*:\\s*\"([^\"]+)\"").matcher(header);
        Matcher sha256 = Pattern.compile("\"x5t#S256\"\\s*:\\s*\"([^\"]+)\"").matcher(header);
        String wanted1 = sha1.find() ? sha1.group(1) : null;
        String wanted256 = sha256.find() ? sha256.group(1) : null;
        for (X509Certificate certificate : keyCredentials) {
            try {
                byte[] der = certificate.getEncoded();
                // Entra takes the thumbprint base64url-encoded; MSAL4J sends it in plain base64: both name the key.
                if (!thumbprint(MessageDigest.getInstance("SHA-1").digest(der), wanted1)
                        && !thumbprint(MessageDigest.getInstance("SHA-256").digest(der), wanted256)) {
                    continue;
                }
                Signature signature = Signature.getInstance("SHA256withRSA");
                signature.initVerify(certificate.getPublicKey());
                signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                return signature.verify(Base64.getUrlDecoder().decode(parts[2]));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }

    private static boolean thumbprint(byte[] digest, String named) {
        return named != null && (named.equals(Base64.getUrlEncoder().withoutPadding().encodeToString(digest))
                || named.equals(Base64.getEncoder().encodeToString(digest)));
    }

    private boolean authorized(EmulatorExchange exchange, String audience) {
        String header = exchange.header("Authorization");
        return header != null && header.startsWith("Bearer ")
                && audience.equals(issuedTokens.get(header.substring(7)));
    }

    private void graph(EmulatorExchange exchange, String method) throws IOException {
        if (!method.equals("GET")) {
            send(exchange, 405, "{\"error\":{\"code\":\"Request_BadRequest\",\"message\":\"GET only\"}}");
            return;
        }
        Map<String, String> query = form(exchange.rawQuery());
        Matcher filter = Pattern.compile("(onPremisesSamAccountName|mail) eq '((?:[^']|'')*)'")
                .matcher(query.getOrDefault("$filter", ""));
        if (!filter.matches()) {
            send(exchange, 400, "{\"error\":{\"code\":\"Request_UnsupportedQuery\",\"message\":\"emulator\"}}");
            return;
        }
        if (filter.group(1).equals("onPremisesSamAccountName") && !"eventual".equals(exchange
                .header("ConsistencyLevel"))) {
            send(exchange, 400, "{\"error\":{\"code\":\"Request_UnsupportedQuery\",\"message\":\"advanced query"
                    + " needs ConsistencyLevel: eventual\"}}");
            return;
        }
        String value = filter.group(2).replace("''", "'");
        List<String> found = new ArrayList<>();
        for (User user : users.values()) {
            String field = filter.group(1).equals("mail") ? user.mail() : user.samAccountName();
            if (value.equalsIgnoreCase(field)) {
                found.add("{\"id\":\"id-" + Integer.toHexString(user.upn().hashCode()) + "\",\"userPrincipalName\":\""
                        + user.upn().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
            }
        }
        send(exchange, 200, "{\"@odata.count\":" + found.size() + ",\"value\":[" + String.join(",", found) + "]}");
    }

    private void connector(EmulatorExchange exchange, String method, String operation, String query, String body)
            throws IOException {
        if (!method.equals("POST")) {
            send(exchange, 405, "text/plain", "POST only");
            return;
        }
        if (!authorized(exchange, CONNECTOR_RESOURCE)) {
            send(exchange, 401, "text/plain", "token missing, unknown, or not for " + CONNECTOR_RESOURCE);
            return;
        }
        String contentType = exchange.header("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/xml")) {
            send(exchange, 415, "text/plain", "application/xml expected, not " + contentType);
            return;
        }
        if (recording) {
            bodies.add(body);
        }
        Element root;
        try {
            root = parse(body);
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "text/plain", "emulator: " + e.getMessage());
            return;
        }
        if (operation.equals("BeginTwoWayAuthentication")) {
            begin(exchange, root);
        } else if (operation.equals("EndTwoWayAuthentication")) {
            if (query == null || !query.contains("dc=EMU")) {
                answer(exchange, "End", "InvalidSession", "End must go to Begin's AffinityUrl", null, null, null, null);
                return;
            }
            end(exchange, root);
        } else {
            send(exchange, 404, "text/plain", "no operation " + operation);
        }
    }

    private void begin(EmulatorExchange exchange, Element root) throws IOException {
        Map<String, String> fields;
        Map<String, String> properties = new LinkedHashMap<>();
        try {
            fields = children(root, "BeginTwoWayAuthenticationRequest", BEGIN_ORDER);
            for (Element pair : elements(child(root, "AuthenticationMethodProperties"))) {
                if (!ARRAYS_NS.equals(pair.getNamespaceURI()) || !"KeyValueOfstringstring".equals(
                        pair.getLocalName())) {
                    throw new IllegalArgumentException("AuthenticationMethodProperties holds " + pair.getTagName());
                }
                List<Element> keyValue = elements(pair);
                if (keyValue.size() != 2 || !"Key".equals(keyValue.get(0).getLocalName())
                        || !"Value".equals(keyValue.get(1).getLocalName())) {
                    throw new IllegalArgumentException("a KeyValueOfstringstring without Key then Value");
                }
                properties.put(keyValue.get(0).getTextContent(), keyValue.get(1).getTextContent());
            }
            for (String required : List.of("Version", "UserPrincipalName", "ContextId", "SyncCall",
                    "RequireUserMatch")) {
                if (!fields.containsKey(required)) {
                    throw new IllegalArgumentException("no " + required);
                }
            }
            UUID.fromString(fields.get("ContextId"));
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "text/plain", "emulator: bad Begin: " + e.getMessage());
            return;
        }
        Begin begin = new Begin(fields.get("UserPrincipalName"), fields.get("Lcid"),
                fields.get("AuthenticationMethodId"), properties, fields.get("ContextId"),
                Boolean.parseBoolean(fields.get("SyncCall")), Boolean.parseBoolean(fields.get("RequireUserMatch")),
                fields.get("CallerName"), fields.get("CallerIP"));
        synchronized (begins) {
            begins.add(begin);
        }
        String name = begin.userPrincipalName().toLowerCase(Locale.ROOT);
        User user = users.get(aliases.getOrDefault(name, name));
        if (user == null) {
            answer(exchange, "Begin", "UserNotFound", null, null, null, begin.userPrincipalName(), null);
            return;
        }
        if (user.methods().isEmpty()) {
            answer(exchange, "Begin", "AuthenticationMethodNotConfigured", null, null, null, user.upn(), null);
            return;
        }
        if (user.outcome() == Outcome.HTTP_500) {
            send(exchange, 500, "text/plain", "scripted internal server error");
            return;
        }
        boolean code = user.methods().contains("otp") && (begin.authenticationMethodId() == null
                || begin.authenticationMethodId().contains("OTP"))
                || "true".equalsIgnoreCase(properties.get("OverrideNumberMatchingWithOTP"))
                && user.methods().contains("push");
        String sessionId = UUID.randomUUID().toString();
        Instant arrived = Instant.now();
        Duration spread = approvalSpread;
        if (!spread.isZero()) {
            synchronized (spreadRandom) {
                spread = Duration.ofNanos((long) (spreadRandom.nextDouble() * spread.toNanos()));
            }
        }
        Session session = new Session(user, begin.contextId(), arrived, code, spread);
        sessions.put(sessionId, session);
        if (loginRecording) {
            loginLines.add(begin.contextId() + " " + begin.callerIp() + " " + user.upn() + " " + begin.syncCall()
                    + " " + micros(arrived) + " " + (user.outcome() == Outcome.NEVER ? -1
                            : micros(session.answeredAt(user))));
        }
        String affinity = serviceUrl() + "/EndTwoWayAuthentication?dc=EMU";
        if (begin.syncCall() && !code) {
            // The push has left; Begin answers once the user has (the service's own timeout aside).
            synchronized (startedMonitor) {
                started.incrementAndGet();
                startedMonitor.notifyAll();
            }
            holdUntilAnswered(exchange, sessionId, session, affinity);
            return;
        }
        answer(exchange, "Begin", "Success", null, sessionId, code ? "challenge" : null, user.upn(), affinity);
        synchronized (startedMonitor) {
            started.incrementAndGet();
            startedMonitor.notifyAll();
        }
    }

    /**
     * A synchronous Begin (SyncCall=true) answers when the user answers: Success with AuthenticationResult true, or
     * the outcome's value with false. A user who never answers keeps it open until the client gives up.
     */
    private void holdUntilAnswered(EmulatorExchange exchange, String sessionId, Session session, String affinity) {
        if (session.user().outcome() == Outcome.NEVER) {
            held.incrementAndGet();
            return;
        }
        held.incrementAndGet();
        answerWhenDue(exchange, sessionId, session, affinity);
    }

    private void answerWhenDue(EmulatorExchange exchange, String sessionId, Session session, String affinity) {
        User user = users.getOrDefault(session.user().upn().toLowerCase(Locale.ROOT), session.user());
        long nanos = Duration.between(Instant.now(), session.answeredAt(user)).toNanos();
        if (nanos > 0) {
            // a timer may fire a little early: look again then
            holds.schedule(() -> answerWhenDue(exchange, sessionId, session, affinity), nanos / 1_000_000 + 1,
                    TimeUnit.MILLISECONDS);
            return;
        }
        held.decrementAndGet();
        String value = verdict(user, session);
        try {
            answer(exchange, "Begin", value, null, sessionId, value.equals("Success") ? "true" : "false", user.upn(),
                    affinity);
        } catch (IOException | RuntimeException e) {
            // the client went away (its deadline): nothing to answer
        }
    }

    /** What the user's push has come to by now. */
    private static String verdict(User user, Session session) {
        boolean answered = !Instant.now().isBefore(session.answeredAt(user));
        if (!answered || user.outcome() == Outcome.NEVER) {
            return "AuthenticationPending";
        }
        if (user.result() != null) {
            return user.result();
        }
        return switch (user.outcome()) {
            case APPROVE -> "Success";
            case DENY -> "PhoneAppDenied";
            case TIMEOUT -> "PhoneAppNoResponse";
            default -> "AuthenticationPending";
        };
    }

    private void end(EmulatorExchange exchange, Element root) throws IOException {
        Map<String, String> fields;
        try {
            fields = children(root, "EndTwoWayAuthenticationRequest", END_ORDER);
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "text/plain", "emulator: bad End: " + e.getMessage());
            return;
        }
        Session session = fields.get("SessionId") == null ? null : sessions.get(fields.get("SessionId"));
        if (session == null || !session.contextId().equals(fields.get("ContextId"))
                || !session.user().upn().equalsIgnoreCase(fields.get("UserPrincipalName"))) {
            answer(exchange, "End", "InvalidSession", "no such session for this context and user", null, null,
                    null, null);
            return;
        }
        User user = users.getOrDefault(session.user().upn().toLowerCase(Locale.ROOT), session.user());
        String code = fields.get("AdditionalAuthData");
        if (session.codeExpected()) {
            if (code == null || code.isEmpty()) {
                answer(exchange, "End", "AuthenticationPending", "waiting for the code", null, null, null, null);
            } else if (!code.equals(user.code())) {
                answer(exchange, "End", "OathCodeIncorrect", null, null, "false", null, null);
            } else if (!usedCodes.add(user.upn() + ":" + code)) {
                answer(exchange, "End", "OathCodeDuplicate", null, null, "false", null, null);
            } else {
                sessions.remove(fields.get("SessionId"));
                answer(exchange, "End", "Success", null, null, "true", null, null);
            }
            return;
        }
        polls.incrementAndGet();
        String value = verdict(user, session);
        answer(exchange, "End", value, value.equals("AuthenticationPending") ? "The authentication has not been"
                + " completed yet, please try again." : null, null, value.equals("Success") ? "true" : null, null,
                null);
    }

    /** A Begin or End response in the service's shape, nil elements and all. */
    private static void answer(EmulatorExchange exchange, String operation, String value, String message,
            String sessionId, String authenticationResult, String upn, String affinityUrl) throws IOException {
        StringBuilder xml = new StringBuilder("<").append(operation).append("TwoWayAuthenticationResponse"
                + " xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"><Version>1</Version><Result><Value>")
                .append(value).append("</Value>").append(nil("Message", message))
                .append("<Retry>").append(value.equals("AuthenticationPending")).append("</Retry>")
                .append("<Error i:nil=\"true\"/><Exception i:nil=\"true\"/><RenewCert>false</RenewCert></Result>");
        if (operation.equals("Begin")) {
            xml.append(nil("SessionId", sessionId)).append(nil("AuthenticationResult", authenticationResult))
                    .append(nil("UserPrincipalName", upn)).append(nil("AffinityUrl", affinityUrl))
                    .append("<ValidEntropyNumber>0</ValidEntropyNumber>");
        } else {
            xml.append(nil("AuthenticationResult", authenticationResult)).append("<LocationData i:nil=\"true\"/>")
                    .append("<CompletedInteractively>").append(authenticationResult != null)
                    .append("</CompletedInteractively>");
        }
        xml.append("</").append(operation).append("TwoWayAuthenticationResponse>");
        send(exchange, 200, "application/xml; charset=utf-8", xml.toString());
    }

    private static String nil(String name, String value) {
        return value == null ? "<" + name + " i:nil=\"true\"/>" : "<" + name + ">" + value.replace("&", "&amp;")
                .replace("<", "&lt;") + "</" + name + ">";
    }

    /**
     * One parser per serving thread, reset between bodies: a factory and a parser made per request cost the emulator
     * more CPU than the rest of a Begin, on the machine that measures the appliance beside it.
     */
    private static final ThreadLocal<DocumentBuilder> PARSERS = ThreadLocal.withInitial(EntraEmulator::newParser);

    /** DTDs refused, as a service that will not expand entities. */
    private static DocumentBuilder newParser() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a body with DTDs refused. */
    private static Element parse(String body) {
        DocumentBuilder builder = PARSERS.get();
        try {
            return builder.parse(new InputSource(new StringReader(body))).getDocumentElement();
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage());
        } finally {
            builder.reset();
        }
    }

    /** The root's children by name, checked to be in the protocol's order, each at most once, none unknown. */
    private static Map<String, String> children(Element root, String rootName, List<String> order) {
        if (!rootName.equals(root.getLocalName()) || root.getNamespaceURI() != null) {
            throw new IllegalArgumentException("root " + root.getTagName() + ", expected " + rootName);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        int last = -1;
        for (Element child : elements(root)) {
            int position = order.indexOf(child.getLocalName());
            if (position < 0) {
                throw new IllegalArgumentException("unknown element " + child.getTagName());
            }
            if (position <= last) {
                throw new IllegalArgumentException(child.getLocalName() + " out of order (order: " + order + ")");
            }
            last = position;
            boolean nil = "true".equals(child.getAttributeNS("http://www.w3.org/2001/XMLSchema-instance", "nil"));
            fields.put(child.getLocalName(), nil ? null : child.getTextContent());
        }
        return fields;
    }

    private static Element child(Element parent, String name) {
        for (Element child : elements(parent)) {
            if (name.equals(child.getLocalName())) {
                return child;
            }
        }
        throw new IllegalArgumentException("no " + name);
    }

    private static List<Element> elements(Element parent) {
        List<Element> result = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                result.add(element);
            }
        }
        return result;
    }

    private static Map<String, String> form(String text) {
        Map<String, String> result = new HashMap<>();
        if (text == null || text.isEmpty()) {
            return result;
        }
        for (String pair : text.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                result.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return result;
    }

    private static void send(EmulatorExchange exchange, int status, String json) throws IOException {
        send(exchange, status, "application/json; charset=utf-8", json);
    }

    private static void send(EmulatorExchange exchange, int status, String contentType, String text)
            throws IOException {
        exchange.respond(status, contentType, text);
    }

    /**
     * Makes a key pair and self-signed certificate in a new PKCS#12 file with keytool, password
     * {@link #trustStorePassword()}.
     *
     * @param keyAlgorithm "RSA" or "EC"
     * @param san the -ext value (SAN=ip:...,dns:...), or null
     * @param startDate keytool's -startdate ("-30d"), or null for now
     */
    public static void keytool(Path file, String alias, String keyAlgorithm, String dname, String san,
            String startDate, int validityDays) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-genkeypair", "-alias", alias, "-keyalg", keyAlgorithm, "-dname", dname, "-validity",
                Integer.toString(validityDays), "-keystore", file.toString(), "-storetype", "PKCS12", "-storepass",
                STORE_PASSWORD, "-keypass", STORE_PASSWORD));
        command.addAll(keyAlgorithm.equals("EC") ? List.of("-groupname", "secp256r1") : List.of("-keysize", "2048"));
        if (san != null) {
            command.addAll(List.of("-ext", san));
        }
        if (startDate != null) {
            command.addAll(List.of("-startdate", startDate));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
    }

    /**
     * Starts an emulator for a demo: {@code java -cp <test-jar> org.radmfa.mfa.entra.internal.EntraEmulator [port]}.
     * Users: mfa-demo (the appliance's demo user) and alice@example.com approve after 5 s, bob@example.com denies,
     * carol@example.com never answers, dave@example.com gets HTTP 500, erin@example.com has no method, and
     * frank@example.com types a one-time code.
     */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8443;
        try (EntraEmulator emulator = start(port)) {
            Duration five = Duration.ofSeconds(5);
            emulator.addUser("alice@example.com", "alice", "alice@example.com", Set.of("push"), Outcome.APPROVE,
                    five);
            emulator.addUser("bob@example.com", "bob", "bob@example.com", Set.of("push"), Outcome.DENY, five);
            emulator.addUser("carol@example.com", "carol", "carol@example.com", Set.of("push"), Outcome.NEVER, five);
            emulator.addUser("dave@example.com", "dave", "dave@example.com", Set.of("push"), Outcome.HTTP_500, five);
            emulator.addUser("erin@example.com", "erin", "erin@example.com", Set.of(), Outcome.APPROVE, five);
            emulator.addUser("frank@example.com", "frank", "frank@example.com", Set.of("otp"), Outcome.APPROVE,
                    five);
            // the appliance's demo user (etc/org.radmfa.user-mfa-demo.cfg), as upn, samAccountName and mail
            emulator.addUser("mfa-demo", "mfa-demo", "mfa-demo", Set.of("push", "phone"), Outcome.APPROVE, five);
            System.out.println("Entra emulator on " + emulator.baseUrl());
            System.out.println("  authority    " + emulator.baseUrl() + "/" + TENANT);
            System.out.println("  MFA service  " + emulator.serviceUrl());
            System.out.println("  Graph        " + emulator.baseUrl() + "/v1.0");
            System.out.println("  trust store  " + emulator.trustStore() + " (password " + STORE_PASSWORD + ")");
            System.out.println();
            System.out.println("# etc/org.radmfa.mfa.entra.cfg for this emulator:");
            emulator.configuration().forEach((key, value) -> System.out.println(key + " = " + value));
            System.out.println();
            System.out.println("users: mfa-demo and alice approve after 5 s, bob denies, carol never answers, dave:"
                    + " HTTP 500, erin has no method, frank types the code " + DEFAULT_CODE + " (all @example.com but mfa-demo)."
                    + " Ctrl-C stops.");
            new CountDownLatch(1).await();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
