package org.radmfa.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The CPU time the generators report: their own JVM's, and the measured server's from /proc. */
public final class CpuTime {
    private CpuTime() {
    }

    /** CPU time of this whole JVM (its threads, JIT, GC) in nanoseconds, or -1. */
    public static long ownNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** utime + stime of process {@code pid} in clock ticks (USER_HZ, 100 on Linux), or -1 (no pid, not readable). */
    public static long ticksOf(int pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After "pid (comm) ": state is field 3, utime 14, stime 15 (proc(5)).
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
