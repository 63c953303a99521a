package org.radmfa.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Monday-morning storm's figures that need both sides' clocks (one machine, so one clock): joins what the
 * generator saw ({@code MfaCapacity --logins-out}: each login's first send and its answer) with what the Entra
 * emulator saw ({@code EntraEmulatorMain --logins}: each Begin's arrival, i.e. the push leaving the appliance, and the
 * instant the user approved), by Calling-Station-Id, which the connector sends as CallerIP.
 *
 * <p>Prints pushes per login, request to push p50/p99/max, approval to Access-Accept p50/p99/max, and how many
 * Begins were held (SyncCall=true). Exits 1 when a check fails: an accepted login without exactly one push, a push
 * for no login, an Access-Accept before its approval.
 *
 * <pre>
 * java -cp radmfa-bench.jar org.radmfa.bench.MfaStormReport GENERATOR_FILE EMULATOR_FILE
 * </pre>
 */
public final class MfaStormReport {
    private static final int ACCESS_ACCEPT = 2;
    /** Microseconds of rounding between the two files' clocks readings that are not a wrong order. */
    private static final long CLOCK_SLACK_MICROS = 1_000;

    private MfaStormReport() {
    }

    /** A login as the generator saw it. */
    private record Login(String station, long sentMicros, long answeredMicros, int code, int retransmits) {
    }

    /** A Begin as the emulator saw it. */
    private record Begin(String callerIp, boolean sync, long arrivedMicros, long approvedMicros) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2 && args.length != 3) {
            System.err.println("usage: MfaStormReport GENERATOR_LOGINS_FILE EMULATOR_LOGINS_FILE [OTHER_BEGINS]");
            System.exit(2);
        }
        int others = args.length == 3 ? Integer.parseInt(args[2]) : 1;
        System.exit(report(read(Path.of(args[0]), 5), read(Path.of(args[1]), 6), others));
    }

    private static List<String[]> read(Path file, int fields) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] row = line.trim().split("\\s+");
            if (row.length != fields) {
                throw new IOException(file + ": not " + fields + " fields: " + line);
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * @param others the Begins expected for logins that are not the storm's: the warm-up login and, when the storm
     *               was primed, the priming logins
     */
    static int report(List<String[]> generator, List<String[]> emulator, int others) {
        Map<String, Login> logins = new HashMap<>();
        for (String[] row : generator) {
            logins.put(row[0], new Login(row[0], Long.parseLong(row[1]), Long.parseLong(row[2]),
                    Integer.parseInt(row[3]), Integer.parseInt(row[4])));
        }
        // contextId callerIp upn syncCall beginArrivalMicros answeredAtMicros
        Map<String, List<Begin>> begins = new HashMap<>();
        int strangers = 0;
        int held = 0;
        for (String[] row : emulator) {
            Begin begin = new Begin(row[1], Boolean.parseBoolean(row[3]), Long.parseLong(row[4]),
                    Long.parseLong(row[5]));
            if (!logins.containsKey(begin.callerIp())) {
                strangers++; // the warm-up login or a priming one: not the storm's
                continue;
            }
            held += begin.sync() ? 1 : 0;
            begins.computeIfAbsent(begin.callerIp(), key -> new ArrayList<>()).add(begin);
        }
        int failures = 0;
        int[] pushes = new int[4];
        long[] toPush = new long[logins.size()];
        long[] toAccept = new long[logins.size()];
        int pushed = 0;
        int accepted = 0;
        long retransmits = 0;
        for (Login login : logins.values()) {
            retransmits += login.retransmits();
            List<Begin> mine = begins.getOrDefault(login.station(), List.of());
            pushes[Math.min(3, mine.size())]++;
            if (login.code() == ACCESS_ACCEPT && mine.size() != 1) {
                failures++;
                if (failures <= 5) {
                    System.out.println("CHECK FAILED: login " + login.station() + " accepted with " + mine.size()
                            + " pushes");
                }
            }
            if (mine.isEmpty()) {
                continue;
            }
            Begin first = mine.get(0);
            toPush[pushed++] = first.arrivedMicros() - login.sentMicros();
            if (login.code() == ACCESS_ACCEPT && first.approvedMicros() >= 0) {
                long delay = login.answeredMicros() - first.approvedMicros();
                if (delay < -CLOCK_SLACK_MICROS) {
                    failures++;
                    System.out.println("CHECK FAILED: login " + login.station() + " accepted " + (-delay)
                            + " µs before its approval");
                }
                toAccept[accepted++] = delay;
            }
        }
        long[] push = Arrays.copyOf(toPush, pushed);
        long[] accept = Arrays.copyOf(toAccept, accepted);
        Arrays.sort(push);
        Arrays.sort(accept);
        System.out.printf(Locale.ROOT, "pushes per login: %d logins with 0, %d with 1, %d with 2, %d with more"
                + " (%d Begins held until the user answered, SyncCall=true; %d retransmits by the generator)%n",
                pushes[0], pushes[1], pushes[2], pushes[3], held, retransmits);
        System.out.printf(Locale.ROOT, "Access-Request to push leaving (Begin at the emulator) ms: p50 %s  p99 %s"
                + "  max %s%n", millis(push, 0.5), millis(push, 0.99), millis(push, 1));
        System.out.printf(Locale.ROOT, "approval to Access-Accept ms (%d logins): p50 %s  p99 %s  max %s%n",
                accept.length, millis(accept, 0.5), millis(accept, 0.99), millis(accept, 1));
        if (strangers > others) {
            failures++;
            System.out.println("CHECK FAILED: " + strangers + " Begins for no login of the storm (" + others
                    + " expected: the warm-up and the priming logins)");
        }
        System.out.printf(Locale.ROOT, "STORM pushes_0=%d pushes_1=%d pushes_more=%d held=%d push_p50_ms=%s"
                + " push_p99_ms=%s accept_p50_ms=%s accept_p99_ms=%s accept_max_ms=%s failures=%d%n", pushes[0],
                pushes[1], pushes[2] + pushes[3], held, millis(push, 0.5), millis(push, 0.99), millis(accept, 0.5),
                millis(accept, 0.99), millis(accept, 1), failures);
        return failures == 0 ? 0 : 1;
    }

    private static String millis(long[] sortedMicros, double p) {
        if (sortedMicros.length == 0) {
            return "NaN";
        }
        int index = (int) Math.ceil(p * sortedMicros.length) - 1;
        return String.format(Locale.ROOT, "%.1f", sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1,
                index))] / 1000.0);
    }
}
