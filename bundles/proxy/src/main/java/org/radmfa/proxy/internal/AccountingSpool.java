package org.radmfa.proxy.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.radmfa.api.AccountingRecord;
import org.radmfa.api.RequestAttribute;

/**
 * Accounting-Requests that no server of their remote group acknowledged, kept on disk until one does: one file per
 * record under {@code data/proxy-spool/}, written to a temporary file, forced to disk and renamed, so that a crash
 * leaves a record whole or absent. Replayed oldest first. Bounded: beyond {@code maxRecords} a record is refused
 * (the caller logs it), so that a group down for days cannot fill the disk. The records of a group that no server
 * takes accounting for any more are moved aside ({@link SpoolOrphans}), so that they do not stay for ever.
 */
final class AccountingSpool {
    private static final String SUFFIX = ".acct";
    private static final Base64.Encoder ENCODE = Base64.getEncoder();
    private static final Base64.Decoder DECODE = Base64.getDecoder();

    /** What {@link #moveAside} did: the records moved, and why it stopped early (null when it did not). */
    record MovedAside(int count, IOException failure) {
    }

    /** A spooled record, where it goes, and the file that holds it. */
    record Entry(Path file, String group, String userName, AccountingRecord record) {
    }

    private final Path directory;
    private final int maxRecords;
    private final AtomicInteger depth = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    /** The group of each spooled record, and how many each group has: a new record must not overtake them. */
    private final Map<Path, String> groupOf = new ConcurrentHashMap<>();
    private final Map<String, Integer> perGroup = new HashMap<>();

    /** An empty spool in a new directory, for when the old one cannot be read. */
    AccountingSpool(Path directory, int maxRecords, boolean fresh) {
        this.directory = directory;
        this.maxRecords = maxRecords;
    }

    AccountingSpool(Path directory, int maxRecords) throws IOException {
        this.directory = directory;
        this.maxRecords = maxRecords;
        if (!Files.isDirectory(directory)) {
            return;
        }
        List<Path> existing = files();
        depth.set(existing.size());
        for (Path file : existing) {
            sequence.set(Math.max(sequence.get(), Long.parseLong(file.getFileName().toString().replace(SUFFIX, ""))));
            try {
                spooled(file, read(file).group());
            } catch (IOException | RuntimeException e) {
                // Set aside when the replay comes to it; it holds back no group meanwhile.
            }
        }
        try (Stream<Path> temporary = Files.list(directory)) {
            for (Path file : temporary.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    int depth() {
        return depth.get();
    }

    int maxRecords() {
        return maxRecords;
    }

    Path directory() {
        return directory;
    }

    /** Where records that can never be forwarded are moved aside, one directory per group and time. */
    Path orphanedDirectory() {
        return directory.resolve("orphaned");
    }

    /** How many records each group has in the spool. */
    synchronized Map<String, Integer> groups() {
        return Map.copyOf(perGroup);
    }

    /**
     * Moves the group's records, oldest first, into {@code into} (made if needed), whole as they were spooled; they
     * leave the spool. One delivered meanwhile is skipped.
     */
    MovedAside moveAside(String group, Path into) {
        List<Path> records = groupOf.entrySet().stream().filter(entry -> entry.getValue().equals(group))
                .map(Map.Entry::getKey).sorted().toList();
        int moved = 0;
        try {
            Files.createDirectories(into);
            for (Path file : records) {
                try {
                    Files.move(file, into.resolve(file.getFileName()));
                } catch (NoSuchFileException delivered) {
                    continue;
                }
                forget(file);
                moved++;
            }
        } catch (IOException e) {
            return new MovedAside(moved, e);
        }
        return new MovedAside(moved, null);
    }

    /** @return false when the spool is full */
    boolean add(String group, String userName, AccountingRecord record) throws IOException {
        if (depth.incrementAndGet() > maxRecords) {
            depth.decrementAndGet();
            return false;
        }
        try {
            StringBuilder text = new StringBuilder();
            line(text, "group", group);
            line(text, "userName", userName);
            line(text, "id", record.id());
            line(text, "client", record.clientName());
            line(text, "source", record.source().getAddress().getHostAddress() + " " + record.source().getPort());
            line(text, "received", record.received().toString());
            for (RequestAttribute attribute : record.attributes()) {
                line(text, "attribute", attribute.vendorId() + "\t" + attribute.type() + "\t" + attribute.name()
                        + "\t" + attribute.value());
            }
            Files.createDirectories(directory);
            Path file = directory.resolve(String.format("%020d", sequence.incrementAndGet()) + SUFFIX);
            Path temporary = directory.resolve(file.getFileName() + ".tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            spooled(file, group);
            return true;
        } catch (IOException | RuntimeException e) {
            depth.decrementAndGet();
            throw e;
        }
    }

    /** The spooled records' files, oldest first. */
    List<Path> files() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
    }

    Entry read(Path file) throws IOException {
        String group = null;
        String userName = null;
        String id = null;
        String client = null;
        InetSocketAddress source = null;
        Instant received = null;
        List<RequestAttribute> attributes = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            int equals = line.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String value = new String(DECODE.decode(line.substring(equals + 1)), StandardCharsets.UTF_8);
            switch (line.substring(0, equals)) {
                case "group" -> group = value;
                case "userName" -> userName = value;
                case "id" -> id = value;
                case "client" -> client = value;
                case "source" -> {
                    String[] parts = value.split(" ");
                    source = new InetSocketAddress(InetAddress.getByName(parts[0]), Integer.parseInt(parts[1]));
                }
                case "received" -> received = Instant.parse(value);
                case "attribute" -> {
                    String[] parts = value.split("\t", 4);
                    attributes.add(new RequestAttribute(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                            parts[2], parts[3]));
                }
                default -> {
                    // A key of a later version: ignored.
                }
            }
        }
        if (group == null || userName == null || id == null || client == null || source == null
                || received == null) {
            throw new IOException(file + " is not a whole spooled accounting record");
        }
        return new Entry(file, group, userName, new AccountingRecord(id, client, source, attributes, received));
    }

    /** Whether records of this group are spooled: a new one of the group must then join them, not overtake them. */
    synchronized boolean holds(String group) {
        return perGroup.containsKey(group);
    }

    private synchronized void spooled(Path file, String group) {
        groupOf.put(file, group);
        perGroup.merge(group, 1, Integer::sum);
    }

    private synchronized void gone(Path file) {
        String group = groupOf.remove(file);
        if (group != null) {
            perGroup.computeIfPresent(group, (g, count) -> count == 1 ? null : count - 1);
        }
    }

    /** A record file that went away other than by {@link #remove} (set aside). */
    void forget(Path file) {
        depth.decrementAndGet();
        gone(file);
    }

    void remove(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            depth.decrementAndGet();
            gone(file);
        }
    }

    private static void line(StringBuilder text, String key, String value) {
        text.append(key).append('=').append(ENCODE.encodeToString(value.getBytes(StandardCharsets.UTF_8)))
                .append('\n');
    }
}
