package org.radmfa.api.config;

/**
 * A factory configuration that was refused: which file, which key, why, and whether an earlier good definition of
 * it keeps serving.
 *
 * @param pid the configuration's PID
 * @param kind what the configuration defines, e.g. "RADIUS client"
 * @param source the file the configuration came from ({@code etc/...cfg}), or its PID
 * @param key the key that was refused
 * @param reason why, never with the value of a secret
 * @param lastGoodServing whether the last good definition of this configuration keeps serving
 * @since 1.2
 */
public record Refusal(String pid, String kind, String source, String key, String reason, boolean lastGoodServing) {

    /** The message to log: the file, the key, the reason, and what serves instead. */
    public String message() {
        return "Refused " + kind + " configuration " + source + ": key '" + key + "': " + reason + "; "
                + (lastGoodServing ? "its last good definition keeps serving"
                        : "no earlier version of it was accepted, so nothing of it serves yet");
    }
}
