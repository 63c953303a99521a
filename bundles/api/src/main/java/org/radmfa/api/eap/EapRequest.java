package org.radmfa.api.eap;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

import org.radmfa.api.RadiusClient;
import org.radmfa.api.RequestAttribute;

/**
 * One Access-Request of an EAP conversation, as an EAP method sees it.
 *
 * @param id the request's correlation id
 * @param client the registered client (NAS) that sent it
 * @param source the datagram's source address and port
 * @param userName the User-Name attribute
 * @param identity the peer's EAP identity (from its EAP-Response/Identity), or the User-Name when it gave none
 * @param eapMessage the EAP packet, reassembled from the EAP-Message attributes
 * @param state the State attribute echoed, null on a conversation's first request to this method
 * @param attributes every other attribute, decoded, for the policies
 */
public record EapRequest(String id, RadiusClient client, InetSocketAddress source, String userName, String identity,
        byte[] eapMessage, byte[] state, List<RequestAttribute> attributes) {

    public EapRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(eapMessage, "eapMessage");
        attributes = List.copyOf(attributes);
    }

    /** The EAP Identifier of the packet, which the next request must change and the response must echo. */
    public int eapIdentifier() {
        return eapMessage.length > 1 ? eapMessage[1] & 0xFF : 0;
    }
}
