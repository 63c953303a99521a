package org.radmfa.api.config;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Published by a component that reads factory configurations (clients, users, policies, ...), so that checks and
 * consoles can show which files are refused right now and why, not only the log.
 *
 * @since 1.2
 */
@ConsumerType
public interface RefusedConfigurations {

    /** The configurations refused right now, each with its file, key and reason; empty when all are good. */
    List<Refusal> refusals();
}
