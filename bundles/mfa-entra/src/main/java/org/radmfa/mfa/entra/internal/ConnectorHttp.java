package org.radmfa.mfa.entra.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.eclipse.jetty.alpn.java.client.JDK9ClientALPNProcessor;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.ConnectionPool;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The connector's HTTP client: Jetty's, speaking HTTP/2 or HTTP/1.1 as the server chooses by ALPN, on the connector's
 * own threads (its selector and completions on the given executor, its timeouts on the same scheduler), so that it
 * adds no thread of its own. Jetty's client was chosen over java.net.http for its cost: 0.4x the CPU per held call,
 * measured in docs/performance-history.md (session 23). Up to {@code maxConnections} connections to a host: an HTTP/2
 * connection whose streams are all in use gets a sibling rather than a refusal.
 *
 * <p>Jetty finds its ALPN processor with {@code ServiceLoader} through the thread context class loader when it opens a
 * TLS connection; Karaf has no SPI Fly, so every call, and every thread of the executor, runs with the loader of
 * Jetty's JDK ALPN bundle as context loader.
 */
final class ConnectorHttp {
    /** Answers larger than this are a failure: the MFA service, Graph and the token endpoint answer in a few KiB. */
    private static final int MAX_ANSWER_BYTES = 1 << 20;
    static final ClassLoader ALPN_LOADER = JDK9ClientALPNProcessor.class.getClassLoader();

    /** An answer: status, body, and over which protocol; {@code streams} is the connection's stream limit, or 0. */
    record Answer(int statusCode, String body, URI uri, boolean http2, int streams, HttpFields headers) {
    }

    private final HttpClient client;

    /**
     * @param maxConnections connections to one host at most
     * @param maxQueued calls waiting for a connection at most (more fail at once)
     * @param executor runs Jetty's selector (one thread, for good), the completions and Jetty's timeouts
     */
    ConnectorHttp(SSLContext ssl, Duration connectTimeout, int maxConnections, int maxQueued,
            ScheduledExecutorService executor) {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setSslContext(ssl);
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        connector.setSelectors(1);
        connector.setExecutor(executor);
        Scheduler timers = new SharedScheduler(executor);
        connector.setScheduler(timers);
        // A held call waits for the user without a byte on its connection; the RADIUS deadline ends it, not this.
        connector.setIdleTimeout(Duration.ofMinutes(5));
        // Both offered by ALPN, the server chooses; HTTP/1.1 first because a server that does not negotiate gets
        // the first (the JDK's HTTPS server, older front ends).
        client = new HttpClient(new HttpClientTransportDynamic(connector, HttpClientConnectionFactory.HTTP11,
                new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector))));
        client.setExecutor(executor);
        client.setScheduler(timers);
        client.setConnectTimeout(connectTimeout.toMillis());
        client.setFollowRedirects(false);
        client.setMaxConnectionsPerDestination(maxConnections);
        client.setMaxRequestsQueuedPerDestination(maxQueued);
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "radmfa"));
        withAlpnLoader(() -> {
            try {
                client.start();
            } catch (Exception e) {
                throw new IllegalStateException("the HTTP client does not start: " + e.getMessage(), e);
            }
        });
        // The answers as the services send them (the handlers are installed by start): a 401 is read by the connector
        // (AADSTS codes, a refused token), not taken for an HTTP authentication challenge, which Jetty's handler
        // would call a violation; no redirect is followed, no 100-continue is asked for.
        client.getProtocolHandlers().clear();
    }

    /** A request to build; send it with {@link #send}. */
    Request newRequest(URI uri) {
        return client.newRequest(uri);
    }

    /** Sends; the answer completes on the executor. A failure is Jetty's (TimeoutException, ConnectException...). */
    CompletableFuture<Answer> send(Request request) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        URI uri = request.getURI();
        withAlpnLoader(() -> request.send(new BufferingResponseListener(MAX_ANSWER_BYTES) {
            @Override
            public void onComplete(Result result) {
                if (result.isFailed()) {
                    answer.completeExceptionally(result.getFailure());
                    return;
                }
                Connection connection = result.getRequest().getConnection();
                int streams = connection instanceof ConnectionPool.MaxMultiplexable multiplexable
                        ? multiplexable.getMaxMultiplex() : 0;
                answer.complete(new Answer(result.getResponse().getStatus(), getContentAsString(
                        StandardCharsets.UTF_8), uri, result.getResponse().getVersion() == HttpVersion.HTTP_2,
                        streams, result.getResponse().getHeaders()));
            }
        }));
        return answer;
    }

    /** Stops the client: open calls fail. Not on one of the executor's threads: the selector is stopped from here. */
    void stop() {
        try {
            client.stop();
        } catch (Exception e) {
            // stopping anyway; nothing is left to answer
        }
    }

    private static void withAlpnLoader(Runnable action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ALPN_LOADER);
        try {
            action.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Jetty's timeouts on the connector's scheduler instead of a thread of Jetty's own. */
    private static final class SharedScheduler extends AbstractLifeCycle implements Scheduler {
        private final ScheduledExecutorService executor;

        SharedScheduler(ScheduledExecutorService executor) {
            this.executor = executor;
        }

        @Override
        public Task schedule(Runnable task, long delay, TimeUnit unit) {
            try {
                ScheduledFuture<?> future = executor.schedule(task, delay, unit);
                return () -> future.cancel(false);
            } catch (RejectedExecutionException stopped) {
                return () -> false;
            }
        }
    }
}
