package org.radmfa.transport.internal;

/** Why a datagram got no answer. Each is counted per client; none is ever answered. */
enum DropReason {
    UNKNOWN_CLIENT("source address is not a registered RADIUS client"),
    RATE_LIMITED("the client sends faster than its rate limit"),
    TRUNCATED("shorter than a RADIUS header"),
    LENGTH_MISMATCH("length field is below 20 or longer than the datagram"),
    TOO_LONG("longer than 4096 octets"),
    MALFORMED_ATTRIBUTE("an attribute has length 0 or 1 or runs past the end"),
    UNKNOWN_CODE("packet code not served on this port"),
    BAD_MESSAGE_AUTHENTICATOR("Message-Authenticator does not verify: wrong shared secret?"),
    MISSING_MESSAGE_AUTHENTICATOR("Message-Authenticator required for this client (always, or with auto since it"
            + " sent one) but absent"),
    PROXY_STATE_WITHOUT_MESSAGE_AUTHENTICATOR("Proxy-State without Message-Authenticator (limitProxyState,"
            + " BlastRADIUS)"),
    BAD_REQUEST_AUTHENTICATOR("Request Authenticator does not verify: wrong shared secret?"),
    NO_USER_NAME("Access-Request without User-Name"),
    NO_CREDENTIALS("Access-Request without any credential this server understands"),
    UNDECODABLE("attributes do not decode with the dictionary"),
    MALFORMED_EAP("EAP-Message does not hold a valid EAP response"),
    NO_ACCOUNTING_SINK("no accounting sink is installed, the NAS will retry"),
    ACCOUNTING_NOT_DURABLE("no accounting sink could store the record, the NAS will retry");

    private final String description;

    DropReason(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    /** Whether the drop points at a shared secret that differs between the NAS and this server. */
    boolean suggestsBadSecret() {
        return this == BAD_MESSAGE_AUTHENTICATOR || this == BAD_REQUEST_AUTHENTICATOR;
    }
}
