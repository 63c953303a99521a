package org.radmfa.api.admin;

/**
 * A stored RADIUS client.
 *
 * @param settings its definition
 * @param secretFingerprint the first 8 hex digits of the SHA-256 of its shared secret: safe to show, enough to
 *     compare with the NAS
 * @param source the file it is kept in ({@code etc/org.radmfa.client-gw.cfg}), or its PID
 */
public record ClientEntry(ClientSettings settings, String secretFingerprint, String source) {
}
