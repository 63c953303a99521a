package org.radmfa.clients.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import org.radmfa.api.Cidr;

/**
 * The address part of a client definition: one IP address, a CIDR subnet, or a DNS name resolved when the
 * configuration is read. {@link #prefixLength()} orders matchers so that the most specific one wins.
 */
final class AddressMatcher {
    private static final Pattern HOSTNAME =
            Pattern.compile("(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private final String spec;
    private final List<Cidr> networks;
    private final int prefixLength;

    private AddressMatcher(String spec, List<Cidr> networks, int prefixLength) {
        this.spec = spec;
        this.networks = networks;
        this.prefixLength = prefixLength;
    }

    /**
     * @throws IllegalArgumentException with the reason when the text is neither an address, a subnet nor a name
     *     that resolves
     */
    static AddressMatcher parse(String spec) {
        String text = spec.trim();
        if (Cidr.looksLikeAddress(text) || text.contains("/")) {
            Cidr cidr = Cidr.parse(text);
            return new AddressMatcher(text, List.of(cidr), cidr.prefixLength());
        }
        if (!HOSTNAME.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address, a CIDR subnet or a DNS name");
        }
        try {
            List<Cidr> resolved = Arrays.stream(InetAddress.getAllByName(text))
                    .map(address -> Cidr.parse(address.getHostAddress())).toList();
            // A name is as specific as a single address: it names hosts, not a network.
            return new AddressMatcher(text, resolved, 128);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("DNS name '" + text + "' does not resolve");
        }
    }

    boolean matches(InetAddress source) {
        for (Cidr network : networks) {
            if (network.contains(source)) {
                return true;
            }
        }
        return false;
    }

    /** Larger is more specific: 32 for an IPv4 host, 27 for a /27, 128 for an IPv6 host or a DNS name. */
    int prefixLength() {
        return prefixLength;
    }

    String spec() {
        return spec;
    }

    @Override
    public String toString() {
        return spec;
    }
}
