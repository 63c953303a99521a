package org.radmfa.bench.eap;

import java.io.IOException;
import java.security.GeneralSecurityException;

/** The peer's side of one EAP method in one conversation: answers the server's requests of its type. */
interface EapMethodPeer {
    /** The EAP Type this peer asks for (in a Nak) and answers. */
    int type();

    /** The Type-Data of the EAP-Response to a request's Type-Data; throws when the server's request is wrong. */
    byte[] respond(byte[] requestData) throws IOException, GeneralSecurityException;

    /**
     * What the Access-Accept's MS-MPPE-Recv-Key and MS-MPPE-Send-Key must hold, one after the other, as the peer
     * derived it (its MSK, or its first 64 octets).
     */
    byte[] expectedKeys() throws GeneralSecurityException;
}
