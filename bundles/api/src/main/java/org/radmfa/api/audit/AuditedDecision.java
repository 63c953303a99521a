package org.radmfa.api.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.radmfa.api.DecisionRecord;
import org.radmfa.api.ReplyAttribute;

/**
 * One decision as the audit trail keeps it: what was decided, why, by which policy, for whom, through which client,
 * and the trace. Outcome and reason are the names written at the time (a trail outlives the code that wrote it).
 * Never a credential: reply attributes by name only, except Class, which carries the correlation.
 *
 * @param correlationId the decision's correlation id, or null in a line that had none
 * @param id the request's id within the appliance that decided it
 * @param time when it was decided, or null when the line had no readable time
 * @param client the RADIUS client's name
 * @param user the User-Name as received
 * @param outcome ACCEPT, REJECT or CHALLENGE
 * @param reason the reason code's name
 * @param npsReasonCode the NPS reason code number, -1 where NPS has none
 * @param policy the network policy that matched, or null
 * @param millis how long the decision took
 * @param detail the human-readable explanation
 * @param request the request's origin attributes (NAS-IP-Address, Calling-Station-Id, ...), in order
 * @param replyAttributes the reply's attribute names ({@code Class=radmfa:<id>} whole)
 * @param trace what was evaluated, in order
 * @param source where it was read (the audit file's name), for operators
 */
public record AuditedDecision(String correlationId, String id, Instant time, String client, String user,
        String outcome, String reason, int npsReasonCode, String policy, long millis, String detail,
        List<Attribute> request, List<String> replyAttributes, List<String> trace, String source) {

    /** One request attribute by its dictionary name. */
    public record Attribute(String name, String value) {
        public Attribute {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return name + " = " + value;
        }
    }

    public AuditedDecision {
        request = request == null ? List.of() : List.copyOf(request);
        replyAttributes = replyAttributes == null ? List.of() : List.copyOf(replyAttributes);
        trace = trace == null ? List.of() : List.copyOf(trace);
    }

    /**
     * A decision of the in-memory log as the trail would have it: reply attribute values left out except Class, as
     * the audit file writes them.
     */
    public static AuditedDecision of(DecisionRecord record, String source) {
        return new AuditedDecision(record.correlationId(), record.id(), record.time(), record.client(),
                record.userName(), record.decision().outcome().name(), record.decision().reason().name(),
                record.decision().reason().npsCode(), record.decision().policyName(), record.millis(),
                record.decision().detail(),
                record.origin().stream().map(a -> new Attribute(a.name(), a.value())).toList(),
                record.decision().replyAttributes().stream().map(AuditedDecision::withoutValue).toList(),
                record.decision().trace(), source);
    }

    /** The reply attribute as the trail names it: Class whole (it is the correlation), any other by name only. */
    public static String withoutValue(ReplyAttribute attribute) {
        return attribute.name().equals("Class") ? attribute.toString() : attribute.name();
    }

    /** Whether the request named this NAS (NAS-IP-Address, NAS-IPv6-Address or NAS-Identifier), case ignored. */
    boolean nasMatches(String nas) {
        for (Attribute attribute : request) {
            if ((attribute.name().equals("NAS-IP-Address") || attribute.name().equals("NAS-IPv6-Address")
                    || attribute.name().equals("NAS-Identifier")) && attribute.value().equalsIgnoreCase(nas)) {
                return true;
            }
        }
        return false;
    }

    /** Request origin attributes, one per line, as operators read them. */
    public List<String> origin() {
        return request.stream().map(Attribute::toString).toList();
    }
}
