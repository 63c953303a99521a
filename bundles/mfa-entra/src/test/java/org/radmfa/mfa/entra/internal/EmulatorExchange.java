package org.radmfa.mfa.entra.internal;

import java.io.IOException;

/**
 * One HTTP request to the emulator and its response, whichever server carries it (the JDK's HTTP/1.1 server or
 * Jetty's HTTP/2 one). The response may be sent later, from another thread: a synchronous Begin is held until the
 * user answers.
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
