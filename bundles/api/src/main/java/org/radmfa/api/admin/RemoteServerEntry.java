package org.radmfa.api.admin;

/**
 * A stored remote RADIUS server.
 *
 * @param settings its definition
 * @param secretFingerprint the first 8 hex digits of the SHA-256 of its shared secret, as {@code radmfa:proxy}
 *     shows it
 * @param source the file it is kept in ({@code etc/org.radmfa.proxy.server-old-radius-radius1.cfg}), or its PID
 * @since 1.2
 */
public record RemoteServerEntry(RemoteServerSettings settings, String secretFingerprint, String source) {
}
