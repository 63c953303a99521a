package org.radmfa.radsec.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** What the RadSec listener did since it started: for {@code radmfa:radsec}, health checks and tests. */
final class RadSecCounters {
    final AtomicInteger open = new AtomicInteger();
    final LongAdder accepted = new LongAdder();
    final LongAdder refusedOverLimit = new LongAdder();
    final LongAdder handshakeFailures = new LongAdder();
    final LongAdder handshakeTimeouts = new LongAdder();
    final LongAdder unknownCertificates = new LongAdder();
    final LongAdder idleClosed = new LongAdder();
    /** Established connections closed because their client or trustedCa changed and no longer admits them. */
    final LongAdder closedByReconfiguration = new LongAdder();
    final LongAdder malformedFrames = new LongAdder();
    final LongAdder packets = new LongAdder();
    final LongAdder answers = new LongAdder();
    final LongAdder overloaded = new LongAdder();
}
