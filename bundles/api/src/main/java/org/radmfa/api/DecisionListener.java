package org.radmfa.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of every decision, after it was made (audit logs, dashboards). Called on the deciding thread: implementations
 * hand the record off and return at once; they never hold up or change a decision.
 *
 * @since 1.3
 */
@ConsumerType
public interface DecisionListener {

    void decided(DecisionRecord record);
}
