package org.radmfa.proxy.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spooled accounting of a group that no server takes accounting for any more (its server files removed, or
 * {@code forwardAccounting = false} on all of them) could never leave the spool. Such records wait for the group
 * to come back for a grace period (a server file replaced, a group renamed back), then are moved aside to
 * {@code orphaned/} with a WARN naming the group and the count: the spool empties and says why, and nothing is
 * deleted.
 */
final class SpoolOrphans {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolOrphans.class);
    /** Long enough for a server file to be replaced by hand; short enough not to hide a removed group for a day. */
    static final Duration GRACE = Duration.ofHours(1);

    private final AccountingSpool spool;
    private final Predicate<String> takesAccounting;
    private final Clock clock;
    private final Duration grace;
    /** Since when each group with spooled records has had no server that takes accounting. */
    private final Map<String, Instant> withoutServerSince = new HashMap<>();

    /** @param takesAccounting whether a group has a server that takes accounting now */
    SpoolOrphans(AccountingSpool spool, Predicate<String> takesAccounting, Clock clock, Duration grace) {
        this.spool = spool;
        this.takesAccounting = takesAccounting;
        this.clock = clock;
        this.grace = grace;
    }

    /** Before each replay: notes the groups that lost their accounting servers, moves aside those past the grace. */
    synchronized void check() {
        Instant now = clock.instant();
        Map<String, Integer> held = spool.groups();
        withoutServerSince.keySet().retainAll(held.keySet());
        held.forEach((group, count) -> {
            if (takesAccounting.test(group)) {
                if (withoutServerSince.remove(group) != null) {
                    LOG.info("Remote RADIUS server group '{}' has a server that takes accounting again: its {} spooled"
                            + " accounting records are replayed", group, count);
                }
                return;
            }
            Instant since = withoutServerSince.putIfAbsent(group, now);
            if (since == null) {
                LOG.warn("Remote RADIUS server group '{}' has no server that takes accounting (no server file names"
                        + " it, or all have forwardAccounting = false): its {} spooled accounting records wait until {}"
                        + " for one, then are moved to {}", group, count, now.plus(grace), spool.orphanedDirectory());
            } else if (!now.isBefore(since.plus(grace))) {
                moveAside(group, since, now);
            }
        });
    }

    private void moveAside(String group, Instant since, Instant now) {
        Path into = spool.orphanedDirectory().resolve(fileName(group) + "-" + now.toEpochMilli());
        AccountingSpool.MovedAside moved = spool.moveAside(group, into);
        if (moved.count() > 0) {
            LOG.warn("{} spooled accounting records of remote RADIUS server group '{}' moved to {}: not forwarded,"
                    + " the group has had no server that takes accounting since {} ({} spooled records left)",
                    moved.count(), group, into, since, spool.depth());
        }
        if (moved.failure() != null) {
            LOG.warn("Spooled accounting records of remote RADIUS server group '{}' cannot all be moved to {} ({});"
                    + " the others stay in the spool and are tried again", group, into, moved.failure().toString());
            return;
        }
        withoutServerSince.remove(group);
    }

    /** A group's name as part of a directory name: letters, digits, dot, dash and underscore. */
    private static String fileName(String group) {
        return group.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
