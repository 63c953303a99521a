package org.radmfa.accounting.pgsql.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import org.radmfa.api.AccountingRecord;
import org.radmfa.api.RequestAttribute;

/**
 * How an accounting record becomes a row of {@code accounting_record}, and its natural key.
 * <p>
 * The natural key is (client, Acct-Session-Id, Acct-Status-Type, content hash). The record's id cannot be the key:
 * it is unique per datagram, so a retransmit (the NAS did not get our answer) or a replay (the NAS restarted and
 * resent its backlog) gets a new one; and it is a counter of one appliance's run, so another appliance writing the
 * same table, or this one after a restart, uses it again for another record. The content hash is a SHA-256 over
 * every attribute, sorted, except those a NAS or proxy changes between transmissions of the same event:
 * Acct-Delay-Time (RFC 2866 requires it to grow on each retransmit), Event-Timestamp (some NASes stamp the sending
 * time, not the event time), Proxy-State and Message-Authenticator (per hop, per packet). Two genuine
 * Interim-Updates of one session still differ in Acct-Session-Time and the counters; two that do not differ in
 * anything else carry no new information.
 * <p>
 * Accounting-On and Accounting-Off are the exception: a NAS that reboots again sends the same attributes again, and
 * only the time tells the second reboot from a retransmit of the first. Their hash also covers the event's time (see
 * {@link #eventTime}): a second reboot is a row of its own, and {@code active_sessions} ends the sessions before it.
 */
final class Rows {
    /** Jackson's streaming generator, thread-safe once built. */
    private static final JsonFactory JSON = new JsonFactory();
    static final String INSERT = "INSERT INTO accounting_record (id, received, client, source, status_type,"
            + " session_id, user_name, nas_ip, attributes, content_hash, server)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)"
            + " ON CONFLICT ON CONSTRAINT accounting_record_natural_key DO NOTHING";

    /** Standard attributes (vendor 0) left out of the content hash: they change between retransmits. */
    private static final Set<Integer> VOLATILE_TYPES = Set.of(
            33, // Proxy-State
            41, // Acct-Delay-Time
            55, // Event-Timestamp
            80); // Message-Authenticator

    /**
     * Without Event-Timestamp, an Accounting-On/Off's event time (arrival less Acct-Delay-Time) counts in steps of
     * this many seconds. A retransmit's event time moves by about a second (Acct-Delay-Time is whole seconds, the
     * network adds its delay), so 10 s keeps the retransmits of one event together but for one straddling a step,
     * which then makes a second row; no NAS reboots, takes sessions and reboots again within 10 s. That errs the
     * harmless way: a duplicate On row changes nothing, a lost one leaves the sessions before it active forever.
     */
    static final long ON_OFF_STEP_SECONDS = 10;

    private static final Set<String> ON_OFF = Set.of("Accounting-On", "Accounting-Off");

    private static final Comparator<RequestAttribute> CANONICAL = Comparator.comparingInt(RequestAttribute::vendorId)
            .thenComparingInt(RequestAttribute::type).thenComparing(RequestAttribute::name)
            .thenComparing(RequestAttribute::value);

    private Rows() {
    }

    /**
     * Inserts the records, received by the appliance {@code server}, with one statement batch; the caller commits.
     * Already stored ones are skipped, whichever appliance stored them.
     */
    static void insert(Connection connection, List<AccountingRecord> records, String server) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (AccountingRecord record : records) {
                bind(insert, record);
                insert.setString(11, clean(server));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void bind(PreparedStatement insert, AccountingRecord record) throws SQLException {
        insert.setString(1, clean(record.id()));
        insert.setObject(2, OffsetDateTime.ofInstant(record.received(), ZoneOffset.UTC));
        insert.setString(3, clean(record.clientName()));
        insert.setString(4, record.source() == null ? ""
                : record.source().getAddress().getHostAddress() + ":" + record.source().getPort());
        insert.setString(5, clean(record.attribute("Acct-Status-Type").orElse("")));
        insert.setString(6, clean(record.attribute("Acct-Session-Id").orElse("")));
        insert.setString(7, record.attribute("User-Name").map(Rows::clean).orElse(null));
        insert.setString(8, record.attribute("NAS-IP-Address").or(() -> record.attribute("NAS-IPv6-Address"))
                .map(Rows::clean).orElse(null));
        insert.setString(9, json(record.attributes()));
        insert.setBytes(10, contentHash(record));
    }

    /** The attributes as one JSON object; an attribute that repeats (Class) becomes an array. NUL becomes U+FFFD. */
    static String json(List<RequestAttribute> attributes) {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (RequestAttribute attribute : attributes) {
            grouped.computeIfAbsent(attribute.name(), name -> new ArrayList<>()).add(attribute.value());
        }
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            for (Map.Entry<String, List<String>> entry : grouped.entrySet()) {
                json.writeFieldName(clean(entry.getKey()));
                List<String> values = entry.getValue();
                if (values.size() == 1) {
                    json.writeString(clean(String.valueOf(values.get(0))));
                } else {
                    json.writeStartArray();
                    for (String value : values) {
                        json.writeString(clean(String.valueOf(value)));
                    }
                    json.writeEndArray();
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter cannot fail", e);
        }
        return out.toString();
    }

    /**
     * SHA-256 over the client and the attributes that stay the same when the same event is sent again; for
     * Accounting-On/Off, also over the event's time.
     */
    static byte[] contentHash(AccountingRecord record) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        update(digest, record.clientName());
        record.attributes().stream()
                .filter(a -> a.vendorId() != 0 || !VOLATILE_TYPES.contains(a.type()))
                .sorted(CANONICAL)
                .forEach(a -> {
                    digest.update(ByteBuffer.allocate(8).putInt(a.vendorId()).putInt(a.type()).array());
                    update(digest, a.name());
                    update(digest, a.value());
                });
        if (ON_OFF.contains(record.attribute("Acct-Status-Type").orElse(""))) {
            update(digest, eventTime(record));
        }
        return digest.digest();
    }

    /**
     * When an Accounting-On/Off happened, as the same text for each transmission of one event: Event-Timestamp as the
     * NAS sent it, or else the arrival less Acct-Delay-Time, in steps of {@link #ON_OFF_STEP_SECONDS}. A NAS that
     * stamps the sending time in Event-Timestamp gets a row per transmission: harmless, as said above.
     */
    static String eventTime(AccountingRecord record) {
        Optional<String> stamped = record.attribute("Event-Timestamp");
        if (stamped.isPresent()) {
            return "Event-Timestamp " + stamped.get();
        }
        long delay = 0;
        try {
            delay = Math.max(0, Long.parseLong(record.attribute("Acct-Delay-Time").orElse("0").trim()));
        } catch (NumberFormatException e) {
            // Not a number: the arrival alone, as without one.
        }
        long event = record.received().getEpochSecond() - delay;
        return "event time step " + Math.floorDiv(event, ON_OFF_STEP_SECONDS) + " of " + ON_OFF_STEP_SECONDS + " s";
    }

    private static void update(MessageDigest digest, String text) {
        byte[] bytes = String.valueOf(text).getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
    }

    /** PostgreSQL text and jsonb refuse NUL; a RADIUS string may hold one. It becomes U+FFFD. */
    static String clean(String value) {
        return value == null ? null : value.replace('\u0000', '\uFFFD');
    }
}
