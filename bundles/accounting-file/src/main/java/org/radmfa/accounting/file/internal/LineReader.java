package org.radmfa.accounting.file.internal;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Lines of an audit file as UTF-8 bytes, one at a time, read in blocks: never the whole file in memory. A line longer
 * than {@link #MAX_LINE_BYTES} is not kept; it comes back as {@link #TOO_LONG}, to be counted as unreadable.
 */
interface LineReader extends Closeable {

    /** No decision line comes near this; a longer one is damage (a file without newlines). */
    int MAX_LINE_BYTES = 1 << 20;
    /** The line that was longer than {@link #MAX_LINE_BYTES}. */
    byte[] TOO_LONG = new byte[0];
    int BLOCK_BYTES = 64 << 10;

    /** The next line without its newline, {@link #TOO_LONG}, or null at the end. Empty lines are passed over. */
    byte[] next() throws IOException;

    /** Front to back, from a stream (a compressed file). */
    static LineReader forward(InputStream in) {
        return new Forward(in);
    }

    /** Back to front, from the end of a file as it was when this was made: newest line first. */
    static LineReader backward(FileChannel channel) throws IOException {
        return new Backward(channel, channel.size());
    }

    /** Back to front, from {@code end} (a line's start, or the file's size). */
    static LineReader backward(FileChannel channel, long end) {
        return new Backward(channel, end);
    }

    /** A growable line buffer that forgets what passes the limit. */
    final class Line extends ByteArrayOutputStream {
        private boolean tooLong;

        void add(byte[] bytes, int from, int to) {
            if (tooLong || count + (to - from) > MAX_LINE_BYTES) {
                tooLong = true;
                reset();
                return;
            }
            write(bytes, from, to - from);
        }

        /** The line so far, then empty again; null if it is empty. */
        byte[] take() {
            byte[] line = tooLong ? TOO_LONG : count == 0 ? null : toByteArray();
            tooLong = false;
            reset();
            return line;
        }
    }

    final class Forward implements LineReader {
        private final InputStream in;
        private final byte[] block = new byte[BLOCK_BYTES];
        private final Line line = new Line();
        private int position;
        private int length;
        private boolean ended;

        Forward(InputStream in) {
            this.in = in;
        }

        @Override
        public byte[] next() throws IOException {
            while (true) {
                if (position == length) {
                    if (ended) {
                        return null;
                    }
                    length = in.read(block);
                    position = 0;
                    if (length <= 0) {
                        ended = true;
                        length = 0;
                        // The last line, without a newline (cut short while written).
                        byte[] last = line.take();
                        if (last != null) {
                            return last;
                        }
                        return null;
                    }
                }
                int start = position;
                while (position < length && block[position] != '\n') {
                    position++;
                }
                line.add(block, start, position);
                if (position < length) {
                    position++;
                    byte[] taken = line.take();
                    if (taken != null) {
                        return taken;
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    final class Backward implements LineReader {
        private final FileChannel channel;
        private final ByteBuffer block = ByteBuffer.allocate(BLOCK_BYTES);
        /** Lines found in the last block read, newest first. */
        private final Deque<byte[]> ready = new ArrayDeque<>();
        /** The bytes of the line being gathered across blocks, in file order: the start of the block read after. */
        private byte[] partial = new byte[0];
        private boolean partialTooLong;
        private long position;

        Backward(FileChannel channel, long end) {
            this.channel = channel;
            this.position = end;
        }

        @Override
        public byte[] next() throws IOException {
            while (ready.isEmpty()) {
                if (position == 0) {
                    if (partial.length == 0 && !partialTooLong) {
                        return null;
                    }
                    // The file's first line.
                    ready.add(partialTooLong ? TOO_LONG : partial);
                    partial = new byte[0];
                    partialTooLong = false;
                    break;
                }
                readBlock();
            }
            return ready.poll();
        }

        private void readBlock() throws IOException {
            int size = (int) Math.min(BLOCK_BYTES, position);
            position -= size;
            block.clear().limit(size);
            while (block.hasRemaining()) {
                if (channel.read(block, position + block.position()) < 0) {
                    throw new IOException("the file shrank while it was read");
                }
            }
            byte[] bytes = block.array();
            int end = size;
            for (int i = size - 1; i >= 0; i--) {
                if (bytes[i] == '\n') {
                    byte[] line = join(bytes, i + 1, end);
                    if (line != null) {
                        ready.add(line);
                    }
                    end = i;
                }
            }
            // What precedes the first newline of the block belongs to a line that starts in an earlier block.
            if (partialTooLong || end + partial.length > MAX_LINE_BYTES) {
                partialTooLong = true;
                partial = new byte[0];
            } else {
                byte[] longer = Arrays.copyOf(bytes, end + partial.length);
                System.arraycopy(partial, 0, longer, end, partial.length);
                partial = longer;
            }
        }

        /** bytes[from, to) followed by the partial line gathered so far; null for an empty line. */
        private byte[] join(byte[] bytes, int from, int to) {
            byte[] line;
            if (partialTooLong || to - from + partial.length > MAX_LINE_BYTES) {
                line = TOO_LONG;
            } else if (to == from && partial.length == 0) {
                line = null;
            } else {
                line = Arrays.copyOfRange(bytes, from, to + partial.length);
                System.arraycopy(partial, 0, line, to - from, partial.length);
            }
            partial = new byte[0];
            partialTooLong = false;
            return line;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
