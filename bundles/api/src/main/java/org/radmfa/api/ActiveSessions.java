package org.radmfa.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The sessions that are open now, as far as accounting knows, for operators: a Start was stored and no Stop for the
 * same client and Acct-Session-Id (and no Accounting-On or Accounting-Off from that client since).
 *
 * @since 1.4
 */
@ProviderType
public interface ActiveSessions {

    /**
     * The active sessions, oldest first.
     *
     * @throws IllegalStateException when the store that holds them cannot be read now
     */
    List<ActiveSession> active();
}
