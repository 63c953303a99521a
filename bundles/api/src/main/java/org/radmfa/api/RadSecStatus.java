package org.radmfa.api;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The RadSec listener's state (RADIUS over TLS, RFC 6614), for operators: the shell, consoles, monitoring.
 *
 * @since 1.12
 */
@ProviderType
public interface RadSecStatus {

    /**
     * Names and values in display order: where it listens, its clients, connections and what it refused; empty while
     * RadSec is not configured ({@code etc/org.radmfa.radsec.cfg}).
     */
    Map<String, Object> status();
}
