package org.radmfa.accounting.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.RequestAttribute;

class FileAccountingSinkTest {

    private static FileAccountingSink sink(Path directory, int capacity) throws Exception {
        return new FileAccountingSink(new FileAccountingSink.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return FileAccountingSink.Config.class;
            }

            @Override
            public String directory() {
                return directory.toString();
            }

            @Override
            public int queueCapacity() {
                return capacity;
            }
        });
    }

    private static AccountingRecord record(int n) {
        return new AccountingRecord("ac-" + n, "gw", new InetSocketAddress("10.1.255.4", 1646),
                List.of(new RequestAttribute(0, 40, "Acct-Status-Type", "Start"),
                        new RequestAttribute(0, 44, "Acct-Session-Id", "s\"" + n),
                        new RequestAttribute(0, 25, "Class", "a"), new RequestAttribute(0, 25, "Class", "b")),
                Instant.parse("2026-11-25T12:00:00Z"));
    }

    @Test
    void everyStoredRecordIsOneLineOnDiskWhenItsStageCompletes(@TempDir Path directory) throws Exception {
        FileAccountingSink sink = sink(directory, 10_000);
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            stages.add(sink.store(record(i)).toCompletableFuture());
        }
        CompletableFuture.allOf(stages.toArray(new CompletableFuture[0])).join();
        List<String> lines;
        try (var files = Files.list(directory)) {
            Path file = files.findFirst().orElseThrow();
            lines = Files.readAllLines(file);
        }
        assertEquals(2000, lines.size());
        assertEquals("{\"id\":\"ac-7\",\"received\":\"2026-11-25T12:00:00Z\",\"client\":\"gw\",\"source\":"
                + "\"10.1.255.4:1646\",\"attributes\":{\"Acct-Status-Type\":\"Start\",\"Acct-Session-Id\":\"s\\\"7\","
                + "\"Class\":[\"a\",\"b\"]}}", lines.get(7));
        sink.deactivate();
    }

    @Test
    void aStoppedSinkRefusesInsteadOfLosingSilently(@TempDir Path directory) throws Exception {
        FileAccountingSink sink = sink(directory, 10);
        sink.deactivate();
        CompletionException refused = assertThrows(CompletionException.class,
                () -> sink.store(record(1)).toCompletableFuture().join());
        assertTrue(refused.getCause().getMessage().contains("closed"));
    }
}
