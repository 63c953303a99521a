package org.radmfa.mfa.entra.internal;

import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;

/**
 * MSAL's HTTP calls through the connector's own {@link HttpClient}, so that MSAL trusts exactly the configured trust
 * store (no JVM-wide {@code javax.net.ssl} setting, no default {@code HttpsURLConnection} factory touched). MSAL calls
 * this on its single token thread only, and only when its cache has no valid token.
 */
final class MsalHttpClient implements IHttpClient {
    /** Headers java.net.http sets itself and refuses to be given. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpClient http;
    private final Duration timeout;

    MsalHttpClient(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    @Override
    public IHttpResponse send(HttpRequest request) throws Exception {
        java.net.http.HttpRequest.Builder builder;
        try {
            builder = java.net.http.HttpRequest.newBuilder(request.url().toURI()).timeout(timeout);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("MSAL asked for a malformed URL " + request.url(), e);
        }
        if (request.headers() != null) {
            request.headers().forEach((name, value) -> {
                if (value != null && !RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                    builder.header(name, value);
                }
            });
        }
        String body = request.body();
        builder.method(request.httpMethod().methodName,
                body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(builder.build(), BodyHandlers.ofString());
        return new Response(response.statusCode(), response.headers().map(), response.body());
    }

    private record Response(int statusCode, Map<String, List<String>> headers, String body) implements IHttpResponse {
    }
}
