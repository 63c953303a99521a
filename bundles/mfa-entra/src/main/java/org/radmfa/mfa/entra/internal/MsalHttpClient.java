package org.radmfa.mfa.entra.internal;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpField;

import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;

/**
 * MSAL's HTTP calls through the connector's own {@link ConnectorHttp}, so that MSAL trusts exactly the configured
 * trust store (no JVM-wide {@code javax.net.ssl} setting, no default {@code HttpsURLConnection} factory touched). MSAL
 * calls this on its single token thread only, and only when its cache has no valid token; that thread waits here.
 */
final class MsalHttpClient implements IHttpClient {
    /** Headers the HTTP client sets itself from the request. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final ConnectorHttp http;
    private final Duration timeout;

    MsalHttpClient(ConnectorHttp http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    @Override
    public IHttpResponse send(HttpRequest request) throws Exception {
        Request call;
        try {
            call = http.newRequest(request.url().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("MSAL asked for a malformed URL " + request.url(), e);
        }
        call.method(request.httpMethod().methodName).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        String contentType = "application/x-www-form-urlencoded";
        if (request.headers() != null) {
            for (Map.Entry<String, String> header : request.headers().entrySet()) {
                String name = header.getKey().toLowerCase(Locale.ROOT);
                if (header.getValue() == null || RESTRICTED.contains(name)) {
                    continue;
                }
                if (name.equals("content-type")) {
                    contentType = header.getValue();
                } else {
                    call.headers(headers -> headers.put(header.getKey(), header.getValue()));
                }
            }
        }
        if (request.body() != null) {
            call.body(new StringRequestContent(contentType, request.body(), StandardCharsets.UTF_8));
        }
        ConnectorHttp.Answer answer;
        try {
            answer = http.send(call).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : answer.headers()) {
            headers.computeIfAbsent(field.getName(), name -> new ArrayList<>()).add(field.getValue());
        }
        return new Response(answer.statusCode(), headers, answer.body());
    }

    private record Response(int statusCode, Map<String, List<String>> headers, String body) implements IHttpResponse {
    }
}
