package org.radmfa.directory.ldap.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running {@code ntlm_auth} helper process: a request written to its stdin, the answer read from its stdout by
 * a reader thread, so that waiting for it has a deadline. Used by one thread at a time (the pool hands it out). A
 * helper that misses a deadline, writes something unexpected or exits is closed and never used again: an answer
 * arriving late must not be taken for the next request's.
 */
final class NtlmAuthHelper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NtlmAuthHelper.class);

    /** What the reader thread hands over: an answer's lines, or the end of the process' output. */
    private record Event(List<String> answer, String end) {
    }

    private final String name;
    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean broken;

    private NtlmAuthHelper(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = process.getOutputStream();
    }

    /** Starts the process and its two reader threads (answers; stderr to the log). */
    static NtlmAuthHelper start(String name, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).start();
        NtlmAuthHelper helper = new NtlmAuthHelper(name, process);
        daemon(name + "-out", () -> helper.readAnswers(process.getInputStream())).start();
        daemon(name + "-err", () -> readLines(process.getErrorStream(),
                line -> LOG.warn("{} (pid {}): {}", name, process.pid(), line))).start();
        LOG.info("Started {} (pid {}): {}", name, process.pid(), String.join(" ", command));
        return helper;
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    private void readAnswers(InputStream stdout) {
        Answers reader = new Answers();
        String end = readLines(stdout, line -> {
            List<String> answer = reader.line(line);
            if (answer != null) {
                events.add(new Event(answer, null));
            }
        });
        events.add(new Event(null, end));
    }

    /** Reads lines until the end of the stream; says how it ended. */
    private static String readLines(InputStream stream, Consumer<String> sink) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                sink.accept(line);
            }
            return "ntlm_auth closed its output";
        } catch (IOException e) {
            return "reading from ntlm_auth failed: " + e.getMessage();
        }
    }

    /**
     * Sends one request and waits for its answer until the deadline.
     *
     * @throws IOException the helper exited, failed or missed the deadline; it is closed
     */
    List<String> exchange(String request, long deadlineNanos) throws IOException {
        if (broken || !process.isAlive()) {
            throw failed("ntlm_auth is not running");
        }
        // Anything left over belongs to no request: a helper that talks out of turn is not trusted.
        Event stray = events.poll();
        if (stray != null) {
            throw failed(stray.end() != null ? stray.end() : "ntlm_auth answered before it was asked");
        }
        try {
            stdin.write(request.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw failed("writing to ntlm_auth failed: " + e.getMessage());
        }
        Event event;
        try {
            event = events.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed("interrupted while waiting for ntlm_auth");
        }
        if (event == null) {
            throw failed("no answer from ntlm_auth in time");
        }
        if (event.answer() == null) {
            throw failed(event.end());
        }
        return event.answer();
    }

    /**
     * Cuts ntlm_auth's output into answers: {@code Key: value} lines up to a line with a single dot. After a refusal
     * ntlm_auth writes one more lone dot: an empty answer, skipped.
     */
    static final class Answers {
        private final List<String> lines = new java.util.ArrayList<>();

        /** Takes one line (without its line break); the answer it completes, or null. */
        List<String> line(String line) {
            if (!line.equals(".")) {
                lines.add(line);
                return null;
            }
            if (lines.isEmpty()) {
                return null;
            }
            List<String> answer = List.copyOf(lines);
            lines.clear();
            return answer;
        }
    }

    private IOException failed(String why) {
        close();
        return new IOException(why + " (" + name + ", pid " + process.pid() + ")");
    }

    boolean usable() {
        return !broken && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        broken = true;
        process.destroy();
    }
}
