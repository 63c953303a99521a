package org.radmfa.accounting.file.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.radmfa.api.AccountingRecord;
import org.radmfa.api.RequestAttribute;

/** Test records and small helpers shared by the tests of this bundle. */
final class Records {

    private Records() {
    }

    /** A Start as an IKEv2 gateway sends it, session n. */
    static AccountingRecord start(int n) {
        return new AccountingRecord("ac-" + n, "gw", new InetSocketAddress("10.1.255.4", 1646),
                List.of(new RequestAttribute(0, 1, "User-Name", "alice@corp.example"),
                        new RequestAttribute(0, 4, "NAS-IP-Address", "10.1.255.4"),
                        new RequestAttribute(0, 40, "Acct-Status-Type", "Start"),
                        new RequestAttribute(0, 44, "Acct-Session-Id", "s-" + n),
                        new RequestAttribute(0, 25, "Class", "radmfa:3f1c"),
                        new RequestAttribute(0, 61, "NAS-Port-Type", "Virtual")),
                Instant.parse("2026-11-25T12:00:00Z"));
    }

    static Map<String, Object> config(Object... pairs) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** File names in the directory, sorted. */
    static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every line of every file in the directory. */
    static List<String> allLines(Path directory) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String name : names(directory)) {
            lines.addAll(Files.readAllLines(directory.resolve(name)));
        }
        return lines;
    }

    /** Polls until the condition holds, at most 10 s. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
