package org.radmfa.accounting.file.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

import org.radmfa.api.audit.AuditQuery;
import org.radmfa.api.audit.AuditSearchResult;
import org.radmfa.api.audit.AuditedDecision;

/**
 * The search of one audit directory's JSON-lines files, newest first: the current file and the rotated ones (and any
 * an operator compressed, {@code .jsonl.gz}). Only this sink's files of this directory are read: names are taken from
 * the directory's listing and must be the naming's, symbolic links are passed over. A file whose first and last
 * decisions lie outside the query's range is skipped; an uncompressed file is read from its end, so a search for
 * recent decisions stops after the newest ones. Every line read counts against {@code maxLines}: a search that reaches
 * it stops and says where.
 */
final class AuditTrail {

    /**
     * How far out of order decisions can be written: a decision is timed when made and written when the writer takes
     * it, so the boundary between two files, or a line among its neighbours, is not exact.
     */
    static final Duration SKEW = Duration.ofMinutes(1);
    private static final String COMPRESSED = ".gz";
    /** Lines looked at from a file's start or end to find its first or last decision's time. */
    private static final int SPAN_PROBE_LINES = 8;

    private final Path directory;
    private final LogFileNaming naming;
    private final long maxLines;

    /** One file of the trail; its span: the first decision's time (null unknown), the last's (null unknown). */
    private record TrailFile(Path path, boolean compressed, Instant first, Instant last) {
        String name() {
            return path.getFileName().toString();
        }
    }

    AuditTrail(Path directory, LogFileNaming naming, long maxLines) {
        this.directory = directory;
        this.naming = naming;
        this.maxLines = maxLines;
    }

    /** The newest decision with exactly this correlation id (not one that only starts with it). */
    Optional<AuditedDecision> decision(String correlationId) throws IOException {
        AuditSearchResult found = search(AuditQuery.all().withCorrelationId(correlationId).withLimit(1),
                decision -> correlationId.equals(decision.correlationId()));
        return found.decisions().stream().findFirst();
    }

    AuditSearchResult search(AuditQuery query) throws IOException {
        return search(query, decision -> true);
    }

    private AuditSearchResult search(AuditQuery query, Predicate<AuditedDecision> also) throws IOException {
        Search search = new Search(query, also);
        List<Path> newestFirst = files();
        for (int i = 0; i < newestFirst.size() && !search.done(); i++) {
            TrailFile file = span(newestFirst.get(i));
            if (outside(file, query)) {
                search.filesSkipped++;
                continue;
            }
            search.filesSearched++;
            if (file.compressed()) {
                search.forward(file);
            } else {
                search.backward(file);
            }
        }
        return new AuditSearchResult(search.found, search.filesSearched, search.filesSkipped, search.lines,
                search.unreadable, search.stoppedAt);
    }

    /** Whether every decision of the file lies outside [from, to), give or take the skew. */
    private static boolean outside(TrailFile file, AuditQuery query) {
        return query.to() != null && file.first() != null && !file.first().minus(SKEW).isBefore(query.to())
                || query.from() != null && file.last() != null && file.last().plus(SKEW).isBefore(query.from());
    }

    /** This sink's files in the directory, newest first; nothing else (no links, no other names, no directories). */
    private List<Path> files() throws IOException {
        TreeMap<LogFileNaming.Parsed, Path> byAge = new TreeMap<>(LogFileNaming.Parsed.OLDEST_FIRST);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory)) {
            for (Path path : listing) {
                String name = path.getFileName().toString();
                boolean compressed = name.endsWith(COMPRESSED);
                LogFileNaming.Parsed parsed = naming.parse(compressed ? name.substring(0, name.length()
                        - COMPRESSED.length()) : name);
                if (parsed != null && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    // Both audit-x.jsonl and audit-x.jsonl.gz (compressed while being listed): the plain one.
                    byAge.merge(parsed, path, (a, b) -> a.toString().endsWith(COMPRESSED) ? b : a);
                }
            }
        }
        List<Path> newestFirst = new ArrayList<>(byAge.values());
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    private static TrailFile span(Path path) throws IOException {
        boolean compressed = path.getFileName().toString().endsWith(COMPRESSED);
        Instant first;
        try (LineReader lines = open(path, compressed, true)) {
            first = firstTime(lines);
        }
        Instant last = null;
        if (!compressed) {
            try (LineReader lines = open(path, false, false)) {
                last = firstTime(lines);
            }
        }
        return new TrailFile(path, compressed, first, last);
    }

    private static Instant firstTime(LineReader lines) throws IOException {
        for (int i = 0; i < SPAN_PROBE_LINES; i++) {
            byte[] line = lines.next();
            if (line == null) {
                return null;
            }
            Instant time = AuditLine.timeOf(line);
            if (time != null) {
                return time;
            }
        }
        return null;
    }

    private static LineReader open(Path path, boolean compressed, boolean forward) throws IOException {
        if (compressed) {
            InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS);
            try {
                return LineReader.forward(new GZIPInputStream(in, LineReader.BLOCK_BYTES));
            } catch (IOException e) {
                in.close();
                throw e;
            }
        }
        if (forward) {
            return LineReader.forward(Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS));
        }
        return LineReader.backward(FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * A line start (or the file's size) after which every line was decided at or after {@code threshold}, found by
     * bisection over byte offsets; decisions are written in time order, give or take {@link #SKEW}. Where a probe
     * finds no readable time (a damaged or endless line), the bisection stops where it got to, which only means
     * reading more.
     */
    static long endBefore(FileChannel channel, Instant threshold) throws IOException {
        long low = 0;
        long high = channel.size();
        while (high - low > LineReader.BLOCK_BYTES) {
            long middle = low + (high - low) / 2;
            long[] line = lineAfter(channel, middle);
            if (line == null || line[0] >= high) {
                break;
            }
            Instant time = AuditLine.timeOf(bytes(channel, line[0], line[1]));
            if (time == null) {
                break;
            }
            if (time.isBefore(threshold)) {
                low = line[1];
            } else {
                high = line[0];
            }
        }
        return high;
    }

    /** {start, end} of the first whole line that starts after {@code position}, or null within one block. */
    private static long[] lineAfter(FileChannel channel, long position) throws IOException {
        byte[] block = bytes(channel, position, Math.min(channel.size(), position + LineReader.BLOCK_BYTES));
        int newline = indexOf(block, 0);
        int next = newline < 0 ? -1 : indexOf(block, newline + 1);
        return next < 0 ? null : new long[] {position + newline + 1, position + next};
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The bytes [from, to), fewer if the file ends first. */
    private static byte[] bytes(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) (to - from));
        boolean ended = false;
        while (buffer.hasRemaining() && !ended) {
            ended = channel.read(buffer, from + buffer.position()) < 0;
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** One search in progress. */
    private final class Search {
        private final AuditQuery query;
        private final Predicate<AuditedDecision> matches;
        private final boolean timed;
        private final List<AuditedDecision> found = new ArrayList<>();
        private int filesSearched;
        private int filesSkipped;
        private long lines;
        private long unreadable;
        private String stoppedAt;
        /** The time of the last decision read: where a search that stops has got to. */
        private Instant reached;
        /** Set once a line older than the range was read in a file read backwards: older files are older still. */
        private boolean pastTheRange;

        Search(AuditQuery query, Predicate<AuditedDecision> also) {
            this.query = query;
            this.matches = decision -> query.matches(decision) && also.test(decision);
            this.timed = query.from() != null || query.to() != null;
        }

        boolean done() {
            return found.size() >= query.limit() || stoppedAt != null || pastTheRange;
        }

        /**
         * Newest line first: stops at the limit, or at the first line older than the range. A file that goes on past
         * the range's end is read from where the range ends, found by bisection, not from its end.
         */
        void backward(TrailFile file) throws IOException {
            FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            long end;
            try {
                end = query.to() != null && file.last() != null && !file.last().isBefore(query.to().plus(SKEW))
                        ? endBefore(channel, query.to().plus(SKEW)) : channel.size();
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            try (LineReader reader = LineReader.backward(channel, end)) {
                byte[] line;
                while (!done() && (line = reader.next()) != null) {
                    AuditedDecision decision = read(file, line);
                    if (decision != null && matches.test(decision)) {
                        found.add(decision);
                    }
                }
            }
        }

        /** Oldest line first (compressed): keeps the newest matches, as many as are still wanted. */
        void forward(TrailFile file) throws IOException {
            int wanted = query.limit() - found.size();
            Deque<AuditedDecision> newest = new ArrayDeque<>(Math.min(wanted, 1024));
            try (LineReader reader = open(file.path(), true, true)) {
                byte[] line;
                while (stoppedAt == null && (line = reader.next()) != null) {
                    AuditedDecision decision = read(file, line);
                    if (decision != null && matches.test(decision)) {
                        if (newest.size() == wanted) {
                            newest.removeFirst();
                        }
                        newest.addLast(decision);
                    }
                }
            }
            newest.descendingIterator().forEachRemaining(found::add);
        }

        /**
         * The line's decision; null when it is unreadable (counted), outside the time range (read no further than its
         * time), or the line limit is reached (noted).
         */
        private AuditedDecision read(TrailFile file, byte[] line) {
            if (lines >= maxLines) {
                stoppedAt = file.name() + " after " + lines + " lines (searchMaxLines)" + (reached == null ? ""
                        : ", having looked back to " + reached);
                return null;
            }
            lines++;
            if (line == LineReader.TOO_LONG) {
                unreadable++;
                return null;
            }
            if (timed) {
                Instant time = AuditLine.timeOf(line);
                if (time != null && !query.inTimeRange(time)) {
                    reached = time;
                    if (query.from() != null && time.plus(SKEW).isBefore(query.from()) && !file.compressed()) {
                        // Read backwards: every line from here on, and every older file, is older still.
                        pastTheRange = true;
                    }
                    return null;
                }
            }
            try {
                AuditedDecision decision = AuditLine.parse(line, file.name());
                if (decision.time() != null) {
                    reached = decision.time();
                }
                return decision;
            } catch (AuditLine.UnreadableLineException e) {
                unreadable++;
                return null;
            }
        }
    }
}
