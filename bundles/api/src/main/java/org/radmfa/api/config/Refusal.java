package org.radmfa.api.config;

/**
 * A factory configuration that was refused: which file, which key, why, and whether an earlier good definition of
 * it keeps serving. One that {@linkplain #waitsForVault() waits for the secret vault} is not a mistake in the file:
 * its sealed value is opened when a vault comes (at start the vault's bundle may come a moment after the owner's).
 *
 * @param pid the configuration's PID
 * @param kind what the configuration defines, e.g. "RADIUS client"
 * @param source the file the configuration came from ({@code etc/...cfg}), or its PID
 * @param key the key that was refused
 * @param reason why, never with the value of a secret
 * @param lastGoodServing whether the last good definition of this configuration keeps serving
 * @param waitsForVault the key's value is sealed and no secret vault runs (yet) to open it (since 1.3)
 * @since 1.2
 */
public record Refusal(String pid, String kind, String source, String key, String reason, boolean lastGoodServing,
        boolean waitsForVault) {

    /** A refusal for a mistake in the file. */
    public Refusal(String pid, String kind, String source, String key, String reason, boolean lastGoodServing) {
        this(pid, kind, source, key, reason, lastGoodServing, false);
    }

    /**
     * The message to log: the file, the key, the reason, and what serves instead; for one that waits for the vault,
     * that it does.
     */
    public String message() {
        if (waitsForVault) {
            return kind + " configuration " + source + " waits for the secret vault: key '" + key + "' is sealed; "
                    + (lastGoodServing ? "its last good definition keeps serving meanwhile"
                            : "it serves once a vault has opened it");
        }
        return "Refused " + kind + " configuration " + source + ": key '" + key + "': " + reason + "; "
                + (lastGoodServing ? "its last good definition keeps serving"
                        : "no earlier version of it was accepted, so nothing of it serves yet");
    }
}
