package org.radmfa.api;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The registered RADIUS clients. Only a registered client ever gets an answer. */
@ProviderType
public interface ClientRegistry {

    /** The client a datagram from this address belongs to; the most specific address or subnet wins. */
    Optional<RadiusClient> find(InetAddress source);

    /** Every client currently registered, ordered by name. */
    List<RadiusClient> clients();
}
