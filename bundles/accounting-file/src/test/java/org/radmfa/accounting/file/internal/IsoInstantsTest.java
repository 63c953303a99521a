package org.radmfa.accounting.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import org.junit.jupiter.api.Test;

class IsoInstantsTest {
    private final IsoInstants instants = new IsoInstants();

    @Test
    void writesWhatInstantToStringWrites() throws IOException {
        SplittableRandom random = new SplittableRandom(21);
        long[] seconds = {0, -1, 1_796_601_576L, 253_402_300_799L, 253_402_300_800L, -62_167_219_200L,
                -62_167_219_201L, Instant.MAX.getEpochSecond(), Instant.MIN.getEpochSecond()};
        int[] nanos = {0, 1, 10, 999, 1_000, 1_001, 100_000, 999_999, 1_000_000, 1_000_001, 120_000_000,
                123_456_000, 123_456_789, 999_999_999, 500_000_000};
        for (long second : seconds) {
            for (int nano : nanos) {
                check(Instant.ofEpochSecond(second, nano));
            }
        }
        long now = 1_796_601_576L;
        for (int i = 0; i < 20_000; i++) {
            // Mostly within a few seconds, as an audit trail's lines come: the memo is hit and replaced.
            long second = i % 10 == 0 ? random.nextLong(-62_000_000_000L, 250_000_000_000L)
                    : now + random.nextInt(4);
            int nano = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(1_000) * 1_000_000;
                case 1 -> random.nextInt(1_000_000) * 1_000;
                case 2 -> 0;
                default -> random.nextInt(1_000_000_000);
            };
            check(Instant.ofEpochSecond(second, nano));
        }
    }

    private void check(Instant instant) throws IOException {
        assertEquals("\"" + instant + "\"", written(instant), () -> instant.getEpochSecond() + "s " + instant.getNano());
    }

    private String written(Instant instant) throws IOException {
        ByteArrayBuilder out = new ByteArrayBuilder(64);
        try (JsonGenerator json = JsonLines.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            instants.write(json, instant);
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }
}
