package org.radmfa.mfa.entra.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.frames.Frame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.RateControl;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The emulator's HTTPS front with HTTP/2: Jetty, h2 and http/1.1 offered by ALPN, so a client that negotiates h2 (the
 * JDK's HttpClient does) sends every call as a stream of one connection, up to the advertised
 * {@code SETTINGS_MAX_CONCURRENT_STREAMS}. Whether Microsoft's service negotiates h2, and its stream limit, are not
 * known; both are choices of the test. Referenced only when the HTTP/2 mode is asked for, so EntraEmulator still
 * runs without Jetty (in a Pax Exam probe, or from the test-jar alone) over HTTP/1.1.
 */
final class Http2Front implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final AtomicLong streamResets = new AtomicLong();

    /** RST_STREAM frames the clients sent: a call they gave up on (or, wrongly, one already answered). */
    long streamResets() {
        return streamResets.get();
    }

    void resetCounters() {
        streamResets.set(0);
    }

    Http2Front(String host, int port, int threads, int maxConcurrentStreams, Path keyStore, String password,
            Consumer<EntraEmulator.EmulatorExchange> handler) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(Math.max(threads, 12), 4);
        pool.setName("entra-emulator-h2");
        pool.setDaemon(true);
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        HttpConnectionFactory http1 = new HttpConnectionFactory(http);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(http);
        http2.setMaxConcurrentStreams(maxConcurrentStreams);
        // A held Begin is an idle stream for as long as the user takes.
        http2.setStreamIdleTimeout(300_000);
        // Thousands of streams opened and reset in bursts are this test's load, not an attack.
        http2.setRateControlFactory(new RateControl.Factory() {
        });
        http2.addEventListener(new HTTP2Session.FrameListener() {
            @Override
            public void onIncomingFrame(Session session, Frame frame) {
                if (frame instanceof ResetFrame) {
                    streamResets.incrementAndGet();
                }
            }
        });
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol());
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keyStore.toString());
        tls.setKeyStorePassword(password);
        tls.setKeyStoreType("PKCS12");
        connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(tls, alpn.getProtocol()), alpn,
                http2, http1);
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(300_000);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Source.asStringAsync(request, StandardCharsets.UTF_8).whenComplete((body, failure) -> {
                    if (failure != null) {
                        callback.failed(failure);
                    } else {
                        handler.accept(new JettyExchange(request, response, callback, body));
                    }
                });
                return true;
            }
        });
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("entra-emulator: stopping Jetty: " + e);
        }
    }

    /** A Jetty request as the emulator sees it. */
    private record JettyExchange(Request request, Response response, Callback callback, String body)
            implements EntraEmulator.EmulatorExchange {
        @Override
        public String method() {
            return request.getMethod();
        }

        @Override
        public String path() {
            return request.getHttpURI().getPath();
        }

        @Override
        public String rawQuery() {
            return request.getHttpURI().getQuery();
        }

        @Override
        public String header(String name) {
            return request.getHeaders().get(name);
        }

        @Override
        public void responseHeader(String name, String value) {
            response.getHeaders().put(name, value);
        }

        @Override
        public void respond(int status, String contentType, String text) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            Content.Sink.write(response, true, text, callback);
        }

        @Override
        public void abort() {
            callback.failed(new IllegalStateException("emulator: broken on purpose"));
        }
    }
}
