package org.radmfa.accounting.pgsql.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

import org.radmfa.api.AccountingRecord;
import org.radmfa.api.RequestAttribute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local durable queue in front of the database: append-only segment files {@code spool-<n>.seg} in one
 * directory, read back oldest first. Each record is one frame {@code [length][crc32c][payload]}; an append is forced
 * to disk before it returns. A segment is deleted only once every record in it has been committed to the database.
 * <p>
 * A segment that a write failed on (a full disk) is never appended to again: the half-written frame at its end is
 * cut off when possible, and otherwise read back as a torn tail and ignored (its stage failed, so the NAS retries
 * it). Not thread-safe: only the writer thread uses it.
 */
final class Spool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final String PREFIX = "spool-";
    private static final String SUFFIX = ".seg";
    /** Format 1: the record. Format 2 (schema version 2): the record, then the name of the appliance that got it. */
    private static final int FORMAT_WITHOUT_SERVER = 1;
    private static final int FORMAT = 2;
    private static final int MAX_FRAME = 1 << 20;
    static final long SEGMENT_BYTES = 8L << 20;

    /**
     * A record read back, the appliance that received it (null for a record spooled in format 1, before the server
     * name existed), and where the segment continues after it.
     */
    record Entry(AccountingRecord record, String server, long segment, long end) {
    }

    private final Path directory;
    /** Segment numbers, oldest first. */
    private final Deque<Long> segments = new ArrayDeque<>();
    private long nextNumber;
    private FileChannel appendChannel;
    private long appendNumber = -1;
    /** Where reading continues in the oldest segment. */
    private long readPosition;

    Spool(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
        List<Long> found = new ArrayList<>();
        try (var files = Files.list(directory)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(PREFIX) && n.endsWith(SUFFIX))
                    .forEach(n -> {
                        try {
                            found.add(Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length())));
                        } catch (NumberFormatException e) {
                            LOG.warn("Ignoring {} in the accounting spool {}: not a segment name", n, directory);
                        }
                    });
        }
        found.sort(null);
        segments.addAll(found);
        nextNumber = found.isEmpty() ? 1 : found.get(found.size() - 1) + 1;
    }

    Path directory() {
        return directory;
    }

    /** True when no segment is left: everything spooled has been committed. */
    boolean isEmpty() {
        return segments.isEmpty();
    }

    int segmentCount() {
        return segments.size();
    }

    /**
     * Appends the records, received by the appliance {@code server}, in order and forces them to disk; on failure
     * none of them counts as spooled.
     */
    void append(List<AccountingRecord> records, String server) throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream(records.size() * 512);
        for (AccountingRecord record : records) {
            frame(frames, record, server);
        }
        if (appendChannel == null || appendChannel.size() >= SEGMENT_BYTES) {
            openNewSegment();
        }
        FileChannel channel = appendChannel;
        long before = channel.size();
        try {
            ByteBuffer buffer = ByteBuffer.wrap(frames.toByteArray());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            abandonAppendSegment(before);
            throw e;
        }
    }

    /**
     * Up to {@code max} records from the oldest segment, from where the last {@link #commitRead} left off, all
     * received by the same appliance (so that one batch has one server name). Reading stops at the first frame that
     * is incomplete or does not verify (a torn tail).
     */
    List<Entry> read(int max) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (segments.isEmpty()) {
            return entries;
        }
        long number = segments.peekFirst();
        Path file = segmentPath(number);
        if (!Files.exists(file)) {
            return entries;
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = readPosition;
            long size = in.size();
            ByteBuffer header = ByteBuffer.allocate(8);
            while (entries.size() < max && position + 8 <= size) {
                header.clear();
                readFully(in, header, position);
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                if (length <= 0 || length > MAX_FRAME || position + 8 + length > size) {
                    break;
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                readFully(in, payload, position + 8);
                CRC32C check = new CRC32C();
                check.update(payload.array());
                if ((int) check.getValue() != crc) {
                    break;
                }
                Entry entry = decode(payload.array(), number, position + 8 + length);
                if (!entries.isEmpty() && !Objects.equals(entries.get(0).server(), entry.server())) {
                    break;
                }
                position = entry.end();
                entries.add(entry);
            }
            if (entries.isEmpty() && position < size && number != appendNumber) {
                LOG.error("Accounting spool segment {} has {} unreadable bytes at offset {} (a write that failed, "
                        + "whose records were refused to the NAS); they are skipped", file, size - position,
                        position);
            }
        }
        return entries;
    }

    /** Records that everything up to and including {@code entry} is committed: reading continues after it. */
    void commitRead(Entry entry) {
        readPosition = entry.end();
    }

    /**
     * Deletes the oldest segment when everything in it has been read and committed: called after {@link #read}
     * returned nothing for it.
     */
    void dropExhaustedSegment() throws IOException {
        if (segments.isEmpty()) {
            return;
        }
        long number = segments.peekFirst();
        if (number == appendNumber) {
            closeAppendChannel();
        }
        Files.deleteIfExists(segmentPath(number));
        segments.removeFirst();
        readPosition = 0;
        forceDirectory();
    }

    @Override
    public void close() {
        closeAppendChannel();
    }

    private void openNewSegment() throws IOException {
        closeAppendChannel();
        long number = nextNumber++;
        Path file = segmentPath(number);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        segments.addLast(number);
        appendChannel = channel;
        appendNumber = number;
        try {
            forceDirectory();
        } catch (IOException e) {
            abandonAppendSegment(0);
            throw e;
        }
    }

    /** After a failed write: cut the segment back, and never append to it again. */
    private void abandonAppendSegment(long goodSize) {
        FileChannel channel = appendChannel;
        long number = appendNumber;
        appendChannel = null;
        appendNumber = -1;
        if (channel == null) {
            return;
        }
        try {
            if (channel.size() > goodSize) {
                channel.truncate(goodSize);
                channel.force(false);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not cut back accounting spool segment {} after a failed write: {}", segmentPath(number),
                    e.toString());
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("Closing accounting spool segment {} failed: {}", segmentPath(number), e.toString());
        }
        if (goodSize == 0 && segments.size() > 0 && segments.peekLast() == number) {
            // Nothing acknowledged lives in it: remove it rather than leave an empty or torn file behind.
            segments.removeLast();
            try {
                Files.deleteIfExists(segmentPath(number));
            } catch (IOException e) {
                LOG.warn("Could not remove accounting spool segment {}: {}", segmentPath(number), e.toString());
            }
        }
    }

    private void closeAppendChannel() {
        if (appendChannel != null) {
            try {
                appendChannel.close();
            } catch (IOException e) {
                LOG.warn("Closing accounting spool segment {} failed: {}", segmentPath(appendNumber), e.toString());
            }
            appendChannel = null;
            appendNumber = -1;
        }
    }

    private void forceDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    Path segmentPath(long number) {
        return directory.resolve(String.format("%s%016d%s", PREFIX, number, SUFFIX));
    }

    private static void readFully(FileChannel in, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = in.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of spool segment");
            }
            at += n;
        }
    }

    static void frame(ByteArrayOutputStream out, AccountingRecord record, String server) {
        byte[] payload = encode(record, server);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer header = ByteBuffer.allocate(8).putInt(payload.length).putInt((int) crc.getValue());
        out.writeBytes(header.array());
        out.writeBytes(payload);
    }

    /** The record in format 2 with the server's name, or in format 1 (as spooled before) when it is null. */
    static byte[] encode(AccountingRecord record, String server) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(server == null ? FORMAT_WITHOUT_SERVER : FORMAT);
            text(out, record.id());
            text(out, record.clientName());
            InetSocketAddress source = record.source();
            out.writeBoolean(source != null);
            if (source != null) {
                byte[] address = source.getAddress().getAddress();
                out.writeByte(address.length);
                out.write(address);
                out.writeShort(source.getPort());
            }
            out.writeLong(record.received().getEpochSecond());
            out.writeInt(record.received().getNano());
            out.writeInt(record.attributes().size());
            for (RequestAttribute attribute : record.attributes()) {
                out.writeInt(attribute.vendorId());
                out.writeInt(attribute.type());
                text(out, attribute.name());
                text(out, attribute.value());
            }
            if (server != null) {
                text(out, server);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Entry decode(byte[] payload, long segment, long end) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
        int format = in.readUnsignedByte();
        if (format != FORMAT && format != FORMAT_WITHOUT_SERVER) {
            throw new IOException("unknown accounting spool record format " + format);
        }
        String id = text(in);
        String client = text(in);
        InetSocketAddress source = null;
        if (in.readBoolean()) {
            byte[] address = new byte[in.readUnsignedByte()];
            in.readFully(address);
            source = new InetSocketAddress(InetAddress.getByAddress(address), in.readUnsignedShort());
        }
        Instant received = Instant.ofEpochSecond(in.readLong(), in.readInt());
        int count = in.readInt();
        List<RequestAttribute> attributes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            attributes.add(new RequestAttribute(in.readInt(), in.readInt(), text(in), text(in)));
        }
        String server = format == FORMAT ? text(in) : null;
        return new Entry(new AccountingRecord(id, client, source, attributes, received), server, segment, end);
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String text(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        if (length > MAX_FRAME) {
            throw new IOException("spool text too long: " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
