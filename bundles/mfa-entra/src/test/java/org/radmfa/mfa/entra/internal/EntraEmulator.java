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
import java.time.Duration;
import java.time.Instant;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A local stand-in for Microsoft Entra ID, Microsoft Graph and the MFA endpoint, with nothing but the JDK: an HTTPS
 * server on 127.0.0.1 with a self-signed certificate made by {@code keytool} at start, and a trust store holding that
 * certificate for the connector ({@link #trustStore()}, password {@link #trustStorePassword()}).
 * <p>
 * It answers exactly what the connector calls, all under {@link #baseUrl()}:
 * <ul>
 * <li>{@code GET /{tenant}/v2.0/.well-known/openid-configuration}, {@code GET /common/discovery/instance}: the
 * metadata MSAL4J may ask for;</li>
 * <li>{@code POST /{tenant}/oauth2/v2.0/token}: client credentials, with {@link #CLIENT_SECRET} or a certificate
 * assertion; counted ({@link #tokenRequests()}); {@link #rejectTokens(String)} makes it answer an AADSTS error;</li>
 * <li>{@code GET /v1.0/users/{upn}}, {@code GET /v1.0/users?$filter=onPremisesSamAccountName|mail eq '...'},
 * {@code GET /v1.0/users/{id}/authentication/methods}: Graph, for the users {@link #addUser added};</li>
 * <li>{@code POST /mfa/v1/authentications}, {@code GET /mfa/v1/authentications/{id}}: the MFA endpoint contract (see
 * EntraClient), with an {@link Outcome} scripted per user.</li>
 * </ul>
 * Graph and the MFA endpoint want a token the emulator issued. Run {@link #main} for a demo.
 */
public final class EntraEmulator implements AutoCloseable {
    public static final String TENANT = "radmfa-emulated-tenant";
    public static final String CLIENT_ID = "11111111-2222-3333-4444-555555555555";
    public static final String CLIENT_SECRET = "emulator-secret";
    private static final String STORE_PASSWORD = "emulator";
    private static final Pattern FIELD = Pattern.compile("\"(userId|method)\"\\s*:\\s*\"([^\"]*)\"");

    /** What the MFA endpoint does with a user's push or call. */
    public enum Outcome {
        /** "pending", then "approved" once the delay has passed. */
        APPROVE,
        /** "denied" (after the delay). */
        DENY,
        /** "pending" for ever: the user never answers. */
        NEVER,
        /** "timeout" (after the delay): the service gave up. */
        TIMEOUT,
        /** The POST answers HTTP 500. */
        HTTP_500
    }

    private record User(String upn, String id, String samAccountName, String mail, Set<String> methods,
            Outcome outcome, Duration delay) {
    }

    private record Transaction(User user, Instant created) {
    }

    /** Threads serving requests when no other number is asked for: enough for the tests' few connections. */
    static final int DEFAULT_THREADS = 4;

    private final HttpsServer server;
    private final ExecutorService executor;
    private final Path directory;
    private final Path trustStore;
    private final Map<String, User> users = new ConcurrentHashMap<>();
    /** The same users by Entra object id: the MFA endpoint and Graph look them up so, once per call. */
    private final Map<String, User> usersById = new ConcurrentHashMap<>();
    private final Map<String, Transaction> transactions = new ConcurrentHashMap<>();
    private final Set<String> issuedTokens = ConcurrentHashMap.newKeySet();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> mfaBodies = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicLong transactionIds = new AtomicLong();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong served = new AtomicLong();
    private volatile boolean recording = true;
    private final Object startedMonitor = new Object();
    private volatile String tokenError;
    private volatile String lastClientAuthentication;
    private static final String LOOPBACK = "127.0.0.1";
    /** The IP address it listens on, in its URLs and its certificate. */
    private final String host;

    private EntraEmulator(int port, int threads, String host) throws IOException, GeneralSecurityException {
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
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, STORE_PASSWORD.toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(keyManagers.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 1000);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        AtomicInteger counter = new AtomicInteger();
        // A handler never blocks but on its own connection's socket, so a few threads serve many connections.
        executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "entra-emulator-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts an emulator on 127.0.0.1 at the port (0: any free port). */
    public static EntraEmulator start(int port) throws IOException, GeneralSecurityException {
        return new EntraEmulator(port, DEFAULT_THREADS, LOOPBACK);
    }

    /** Starts an emulator on 127.0.0.1 at the port (0: any free port) served by this many threads. */
    public static EntraEmulator start(int port, int threads) throws IOException, GeneralSecurityException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        return new EntraEmulator(port, threads, LOOPBACK);
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
        return new EntraEmulator(port, threads, host);
    }

    /**
     * Whether every request and MFA body is kept for {@link #requests()} and {@link #mfaBodies()} (default true).
     * A long load run turns it off, so that its memory does not grow with every poll.
     */
    public void recordRequests(boolean record) {
        recording = record;
    }

    /** Status polls answered ({@code GET /mfa/v1/authentications/{id}}). */
    public long polls() {
        return polls.get();
    }

    /** HTTP requests answered, of every kind. */
    public long requestsServed() {
        return served.get();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** https://127.0.0.1:port: the authority, and the Graph base URL. */
    public String baseUrl() {
        return "https://" + host + ":" + port();
    }

    public String mfaEndpoint() {
        return baseUrl() + "/mfa";
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
        config.put("clientId", CLIENT_ID);
        config.put("clientSecret", CLIENT_SECRET);
        config.put("authority", baseUrl());
        config.put("graphBaseUrl", baseUrl());
        config.put("mfaEndpoint", mfaEndpoint());
        config.put("trustStore", trustStore.toString());
        config.put("trustStorePassword", STORE_PASSWORD);
        return config;
    }

    /**
     * Adds (or replaces) a Graph user.
     *
     * @param methods "push" (Microsoft Authenticator) and/or "phone"; none: not enrolled
     * @param outcome what the MFA endpoint does with this user's push or call
     * @param delay how long the answer stays "pending"
     */
    public void addUser(String upn, String samAccountName, String mail, Set<String> methods, Outcome outcome,
            Duration delay) {
        User user = new User(upn, "id-" + upn.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "-"),
                samAccountName, mail, Set.copyOf(methods), outcome, delay);
        users.put(upn.toLowerCase(Locale.ROOT), user);
        usersById.put(user.id(), user);
    }

    /** Makes the token endpoint refuse every request with this AADSTS error (null: accept again). */
    public void rejectTokens(String aadsts) {
        tokenError = aadsts;
    }

    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** Pushes or calls started (POSTs answered 202). */
    public int authenticationsStarted() {
        return started.get();
    }

    /** Waits until at least this many pushes or calls were started; false when the time ran out. */
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

    /** The JSON bodies POSTed to the MFA endpoint. */
    public List<String> mfaBodies() {
        synchronized (mfaBodies) {
            return List.copyOf(mfaBodies);
        }
    }

    /** "secret" or "certificate": how the last token request authenticated the client. */
    public String lastClientAuthentication() {
        return lastClientAuthentication;
    }

    /** Forgets users, transactions, counters and scripted errors; tokens already issued stay valid. */
    public void reset() {
        users.clear();
        usersById.clear();
        transactions.clear();
        requests.clear();
        mfaBodies.clear();
        tokenRequests.set(0);
        started.set(0);
        tokenError = null;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            String query = exchange.getRequestURI().getRawQuery();
            served.incrementAndGet();
            if (recording) {
                requests.add(method + " " + exchange.getRequestURI().getRawPath() + (query == null ? "" : "?"
                        + query));
            }
            String correlation = exchange.getRequestHeaders().getFirst("client-request-id");
            if (correlation != null) {
                exchange.getResponseHeaders().set("client-request-id", correlation);
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
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
            } else if (path.startsWith("/v1.0/users") || path.startsWith("/mfa/")) {
                if (!authorized(exchange)) {
                    send(exchange, 401, "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Access"
                            + " token is empty or invalid.\"}}");
                } else if (path.startsWith("/mfa/")) {
                    mfa(exchange, method, path.substring("/mfa".length()), body);
                } else {
                    graph(exchange, method, path);
                }
            } else {
                send(exchange, 404, "{\"error\":\"not_found\",\"error_description\":\"emulator: no " + path + "\"}");
            }
        } catch (RuntimeException | IOException e) {
            // The exchange is closed; the client sees a broken connection, which is what a failing server does.
            System.err.println("entra-emulator: " + e);
        }
    }

    private void token(HttpExchange exchange, Map<String, String> form) throws IOException {
        tokenRequests.incrementAndGet();
        String error = tokenError;
        if (error == null && !CLIENT_ID.equals(form.get("client_id"))) {
            error = "AADSTS700016";
        }
        if (error == null) {
            if (form.containsKey("client_assertion")) {
                lastClientAuthentication = "certificate";
                if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get(
                        "client_assertion_type")) || form.get("client_assertion").split("\\.").length != 3) {
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
        if (error != null) {
            send(exchange, 401, "{\"error\":\"invalid_client\",\"error_description\":\"" + error
                    + ": Rejected by the emulator. Trace ID: 0 Correlation ID: 0 Timestamp: " + Instant.now()
                    + "\",\"error_codes\":[" + error.substring("AADSTS".length()) + "],\"timestamp\":\""
                    + Instant.now() + "\",\"trace_id\":\"0\",\"correlation_id\":\"0\"}");
            return;
        }
        String token = "emu-token-" + tokenRequests.get() + "-" + Long.toHexString(System.nanoTime());
        issuedTokens.add(token);
        send(exchange, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
                + "\"access_token\":\"" + token + "\"}");
    }

    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && header.startsWith("Bearer ") && issuedTokens.contains(header.substring(7));
    }

    private void graph(HttpExchange exchange, String method, String path) throws IOException {
        if (!method.equals("GET")) {
            send(exchange, 405, "{\"error\":{\"code\":\"Request_BadRequest\",\"message\":\"GET only\"}}");
            return;
        }
        String rest = path.substring("/v1.0/users".length());
        if (rest.isEmpty()) {
            Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
            Matcher filter = Pattern.compile("(onPremisesSamAccountName|mail) eq '((?:[^']|'')*)'")
                    .matcher(query.getOrDefault("$filter", ""));
            if (!filter.matches()) {
                send(exchange, 400, "{\"error\":{\"code\":\"Request_UnsupportedQuery\",\"message\":\"emulator\"}}");
                return;
            }
            if (filter.group(1).equals("onPremisesSamAccountName") && !"eventual".equals(exchange
                    .getRequestHeaders().getFirst("ConsistencyLevel"))) {
                send(exchange, 400, "{\"error\":{\"code\":\"Request_UnsupportedQuery\",\"message\":\"advanced query"
                        + " needs ConsistencyLevel: eventual\"}}");
                return;
            }
            String value = filter.group(2).replace("''", "'");
            List<String> found = new ArrayList<>();
            for (User user : users.values()) {
                String field = filter.group(1).equals("mail") ? user.mail() : user.samAccountName();
                if (value.equalsIgnoreCase(field)) {
                    found.add(userJson(user));
                }
            }
            send(exchange, 200, "{\"@odata.count\":" + found.size() + ",\"value\":[" + String.join(",", found) + "]}");
            return;
        }
        String[] parts = rest.substring(1).split("/");
        User user = users.get(parts[0].toLowerCase(Locale.ROOT));
        if (user == null) {
            user = usersById.get(parts[0]);
        }
        if (user == null) {
            send(exchange, 404, "{\"error\":{\"code\":\"Request_ResourceNotFound\",\"message\":\"Resource '"
                    + parts[0] + "' does not exist or one of its queried reference-property objects are not"
                    + " present.\"}}");
        } else if (parts.length == 1) {
            send(exchange, 200, userJson(user));
        } else if (parts.length == 3 && parts[1].equals("authentication") && parts[2].equals("methods")) {
            List<String> methods = new ArrayList<>();
            methods.add("{\"@odata.type\":\"#microsoft.graph.passwordAuthenticationMethod\",\"id\":\"pw\"}");
            if (user.methods().contains("push")) {
                methods.add("{\"@odata.type\":\"#microsoft.graph.microsoftAuthenticatorAuthenticationMethod\","
                        + "\"id\":\"ma\",\"displayName\":\"Phone of " + user.upn() + "\"}");
            }
            if (user.methods().contains("phone")) {
                methods.add("{\"@odata.type\":\"#microsoft.graph.phoneAuthenticationMethod\",\"id\":\"ph\","
                        + "\"phoneNumber\":\"+1 5555550100\",\"phoneType\":\"mobile\"}");
            }
            send(exchange, 200, "{\"value\":[" + String.join(",", methods) + "]}");
        } else {
            send(exchange, 404, "{\"error\":{\"code\":\"Request_ResourceNotFound\",\"message\":\"emulator\"}}");
        }
    }

    private static String userJson(User user) {
        return "{\"id\":\"" + user.id() + "\",\"userPrincipalName\":\"" + user.upn() + "\"}";
    }

    private void mfa(HttpExchange exchange, String method, String path, String body) throws IOException {
        if (method.equals("POST") && path.equals("/v1/authentications")) {
            if (recording) {
                mfaBodies.add(body);
            }
            Map<String, String> fields = new HashMap<>();
            Matcher matcher = FIELD.matcher(body);
            while (matcher.find()) {
                fields.put(matcher.group(1), matcher.group(2));
            }
            User user = fields.get("userId") == null ? null : usersById.get(fields.get("userId"));
            if (user == null || !Set.of("push", "phone").contains(fields.get("method"))) {
                send(exchange, 400, "{\"error\":{\"code\":\"badRequest\",\"message\":\"unknown userId or method\"}}");
                return;
            }
            if (user.outcome() == Outcome.HTTP_500) {
                send(exchange, 500, "{\"error\":{\"code\":\"internalServerError\",\"message\":\"scripted\"}}");
                return;
            }
            String id = "tx-" + Long.toHexString(System.nanoTime()) + "-" + transactionIds.incrementAndGet();
            transactions.put(id, new Transaction(user, Instant.now()));
            send(exchange, 202, "{\"id\":\"" + id + "\"}");
            synchronized (startedMonitor) {
                started.incrementAndGet();
                startedMonitor.notifyAll();
            }
        } else if (method.equals("GET") && path.startsWith("/v1/authentications/")) {
            polls.incrementAndGet();
            Transaction transaction = transactions.get(path.substring("/v1/authentications/".length()));
            if (transaction == null) {
                send(exchange, 404, "{\"error\":{\"code\":\"notFound\",\"message\":\"no such transaction\"}}");
                return;
            }
            boolean answered = !Instant.now().isBefore(transaction.created().plus(transaction.user().delay()));
            String status = switch (transaction.user().outcome()) {
                case APPROVE -> answered ? "approved" : "pending";
                case DENY -> answered ? "denied" : "pending";
                case TIMEOUT -> answered ? "timeout" : "pending";
                default -> "pending";
            };
            send(exchange, 200, "{\"status\":\"" + status + "\"}");
        } else {
            send(exchange, 404, "{\"error\":{\"code\":\"notFound\",\"message\":\"emulator\"}}");
        }
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

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
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
     * Users: mfa-demo (the appliance's demo user) and alice@example.com approve after 5 s, bob@example.com denies, carol@example.com never answers,
     * dave@example.com gets HTTP 500, erin@example.com is not enrolled (phone only for frank@example.com).
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
            emulator.addUser("frank@example.com", "frank", "frank@example.com", Set.of("phone"), Outcome.APPROVE,
                    five);
            // the appliance's demo user (etc/org.radmfa.user-mfa-demo.cfg), as upn, samAccountName and mail
            emulator.addUser("mfa-demo", "mfa-demo", "mfa-demo", Set.of("push", "phone"), Outcome.APPROVE, five);
            System.out.println("Entra emulator on " + emulator.baseUrl());
            System.out.println("  authority    " + emulator.baseUrl() + "/" + TENANT);
            System.out.println("  Graph        " + emulator.baseUrl() + "/v1.0");
            System.out.println("  MFA endpoint " + emulator.mfaEndpoint());
            System.out.println("  trust store  " + emulator.trustStore() + " (password " + STORE_PASSWORD + ")");
            System.out.println();
            System.out.println("# etc/org.radmfa.mfa.entra.cfg for this emulator:");
            emulator.configuration().forEach((key, value) -> System.out.println(key + " = " + value));
            System.out.println();
            System.out.println("users: mfa-demo and alice approve after 5 s, bob denies, carol never answers, dave:"
                    + " HTTP 500, erin not enrolled, frank phone only (all @example.com but mfa-demo). Ctrl-C stops.");
            new CountDownLatch(1).await();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
