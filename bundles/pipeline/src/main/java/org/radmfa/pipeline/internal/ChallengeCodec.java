package org.radmfa.pipeline.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.User;

/**
 * A pending challenge as text, for other appliances to resume (SharedChallenges): one value per line, escaped,
 * lists as their length followed by their items. The deadline travels as wall-clock time, since each appliance has
 * its own nanosecond clock.
 */
final class ChallengeCodec {
    private static final String VERSION = "radmfa-challenge-1";

    /** A challenge from another appliance, with its deadline in epoch milliseconds. */
    record Shared(PendingChallenges.Pending pending, long expiresAtMillis) {
    }

    private ChallengeCodec() {
    }

    static String encode(PendingChallenges.Pending pending, long expiresAtMillis) {
        List<String> lines = new ArrayList<>();
        lines.add(VERSION);
        lines.add(pending.client());
        lines.add(pending.userName());
        lines.add(pending.connector());
        lines.add(Integer.toString(pending.round()));
        lines.add(Long.toString(expiresAtMillis));
        PrimaryAuthResult primary = pending.primary();
        lines.add(primary.reason().name());
        lines.add(orEmpty(primary.detail()));
        lines.add(primary.user().name());
        lines.add(primary.user().directory());
        list(lines, List.copyOf(primary.user().groups()));
        attributes(lines, primary.replyAttributes());
        PolicyDecision policy = pending.policy();
        lines.add(Boolean.toString(policy.granted()));
        lines.add(orEmpty(policy.policyName()));
        lines.add(policy.reason().name());
        lines.add(Boolean.toString(policy.mfaRequired()));
        attributes(lines, policy.replyAttributes());
        list(lines, policy.trace());
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(escape(line)).append('\n');
        }
        return text.toString();
    }

    /**
     * @param nanosNow this appliance's {@code System.nanoTime()}, to turn the deadline into its own clock
     * @throws IllegalArgumentException when the text is not a challenge this version wrote
     */
    static Shared decode(String text, long millisNow, long nanosNow) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            lines.add(unescape(line));
        }
        Iterator<String> in = lines.iterator();
        try {
            if (!VERSION.equals(in.next())) {
                throw new IllegalArgumentException("not a " + VERSION);
            }
            String client = in.next();
            String userName = in.next();
            String connector = in.next();
            int round = Integer.parseInt(in.next());
            long expiresAtMillis = Long.parseLong(in.next());
            ReasonCode primaryReason = ReasonCode.valueOf(in.next());
            String primaryDetail = in.next();
            String name = in.next();
            String directory = in.next();
            Set<String> groups = new LinkedHashSet<>(list(in));
            List<ReplyAttribute> primaryReply = attributes(in);
            PrimaryAuthResult primary = new PrimaryAuthResult(primaryReason, new User(name, groups, directory),
                    orNull(primaryDetail), primaryReply);
            boolean granted = Boolean.parseBoolean(in.next());
            String policyName = in.next();
            ReasonCode policyReason = ReasonCode.valueOf(in.next());
            boolean mfaRequired = Boolean.parseBoolean(in.next());
            List<ReplyAttribute> policyReply = attributes(in);
            List<String> trace = list(in);
            PolicyDecision policy = new PolicyDecision(granted, orNull(policyName),
                    policyReason, mfaRequired, policyReply, trace);
            long expiresAtNanos = nanosNow + (expiresAtMillis - millisNow) * 1_000_000;
            return new Shared(new PendingChallenges.Pending(client, userName, primary, policy, connector, round,
                    expiresAtNanos), expiresAtMillis);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a challenge written by " + VERSION + ": " + e, e);
        }
    }

    private static void list(List<String> lines, List<String> items) {
        lines.add(Integer.toString(items.size()));
        lines.addAll(items);
    }

    private static List<String> list(Iterator<String> in) {
        int size = Integer.parseInt(in.next());
        List<String> items = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            items.add(in.next());
        }
        return items;
    }

    private static void attributes(List<String> lines, List<ReplyAttribute> attributes) {
        lines.add(Integer.toString(attributes.size()));
        for (ReplyAttribute attribute : attributes) {
            lines.add(attribute.name());
            lines.add(attribute.value());
        }
    }

    private static List<ReplyAttribute> attributes(Iterator<String> in) {
        int size = Integer.parseInt(in.next());
        List<ReplyAttribute> attributes = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            attributes.add(new ReplyAttribute(in.next(), in.next()));
        }
        return attributes;
    }

    /** Null travels as an empty line: no detail or policy name is empty. */
    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private static String orNull(String text) {
        return text.isEmpty() ? null : text;
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String unescape(String text) {
        StringBuilder plain = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                plain.append(next == 'n' ? '\n' : next);
            } else {
                plain.append(c);
            }
        }
        return plain.toString();
    }
}
