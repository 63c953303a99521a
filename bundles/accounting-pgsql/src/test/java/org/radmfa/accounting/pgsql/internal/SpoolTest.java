package org.radmfa.accounting.pgsql.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.RequestAttribute;

class SpoolTest {

    private static AccountingRecord record(int n) {
        return new AccountingRecord("id-" + n, "gw", new InetSocketAddress("2001:db8::1", 1813),
                List.of(new RequestAttribute(0, 44, "Acct-Session-Id", "s" + n),
                        new RequestAttribute(311, 1, "MS-CHAP-Response", "\u00e9\u0000x")),
                Instant.parse("2026-11-25T12:00:00.123456789Z").plusSeconds(n));
    }

    @Test
    void recordsComeBackAsTheyWentInAndInOrderAcrossARestart(@TempDir Path dir) throws Exception {
        try (Spool spool = new Spool(dir)) {
            spool.append(List.of(record(0), record(1)), "node-a");
            spool.append(List.of(record(2)), "node-a");
        }
        try (Spool spool = new Spool(dir)) {
            List<AccountingRecord> read = new ArrayList<>();
            for (int round = 0; round < 10 && !spool.isEmpty(); round++) {
                List<Spool.Entry> entries = spool.read(2);
                if (entries.isEmpty()) {
                    spool.dropExhaustedSegment();
                } else {
                    entries.forEach(e -> read.add(e.record()));
                    spool.commitRead(entries.get(entries.size() - 1));
                }
            }
            assertEquals(List.of(record(0), record(1), record(2)), read);
            assertTrue(spool.isEmpty());
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "segments are deleted once read and committed");
        }
    }

    @Test
    void aTornTailIsIgnored(@TempDir Path dir) throws Exception {
        try (Spool spool = new Spool(dir)) {
            spool.append(List.of(record(0), record(1)), "node-a");
        }
        Path segment;
        try (var files = Files.list(dir)) {
            segment = files.findFirst().orElseThrow();
        }
        long size = Files.size(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(size - 3); // a crash in the middle of writing the second record
        }
        try (Spool spool = new Spool(dir)) {
            List<Spool.Entry> entries = spool.read(10);
            assertEquals(List.of(record(0)), entries.stream().map(Spool.Entry::record).toList());
        }
    }

    @Test
    void recordsSpooledBeforeTheServerNameStillReadAndABatchHasOneServer(@TempDir Path dir) throws Exception {
        try (Spool spool = new Spool(dir)) {
            spool.append(List.of(record(0), record(1)), null); // format 1, as spooled by an older version
            spool.append(List.of(record(2)), "node-a");
            spool.append(List.of(record(3)), "node-b");
        }
        List<List<String>> batches = new ArrayList<>();
        List<AccountingRecord> read = new ArrayList<>();
        try (Spool spool = new Spool(dir)) {
            for (int round = 0; round < 10 && !spool.isEmpty(); round++) {
                List<Spool.Entry> entries = spool.read(10);
                if (entries.isEmpty()) {
                    spool.dropExhaustedSegment();
                } else {
                    batches.add(entries.stream().map(e -> String.valueOf(e.server())).toList());
                    entries.forEach(e -> read.add(e.record()));
                    spool.commitRead(entries.get(entries.size() - 1));
                }
            }
        }
        assertEquals(List.of(record(0), record(1), record(2), record(3)), read);
        assertEquals(List.of(List.of("null", "null"), List.of("node-a"), List.of("node-b")), batches,
                "a read stops where the server changes");
    }
}
