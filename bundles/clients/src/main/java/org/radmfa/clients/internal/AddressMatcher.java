package org.radmfa.clients.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address part of a client definition: one IP address, a CIDR subnet, or a DNS name resolved when the
 * configuration is read. {@link #prefixLength()} orders matchers so that the most specific one wins.
 */
final class AddressMatcher {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern HOSTNAME =
            Pattern.compile("(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private final String spec;
    private final List<byte[]> networks;
    private final int prefixLength;

    private AddressMatcher(String spec, List<byte[]> networks, int prefixLength) {
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
        int slash = text.indexOf('/');
        if (slash >= 0) {
            byte[] network = literal(text.substring(0, slash));
            if (network == null) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR subnet: '"
                        + text.substring(0, slash) + "' is not an IP address");
            }
            int maxBits = network.length * 8;
            int bits;
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR subnet: prefix length '"
                        + text.substring(slash + 1) + "' is not a number");
            }
            if (bits < 0 || bits > maxBits) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR subnet: prefix length " + bits
                        + " is out of range 0.." + maxBits);
            }
            byte[] masked = mask(network, bits);
            if (!Arrays.equals(masked, network)) {
                throw new IllegalArgumentException("'" + text + "' has host bits set; did you mean '"
                        + addressText(masked) + "/" + bits + "'?");
            }
            return new AddressMatcher(text, List.of(masked), bits);
        }
        byte[] address = literal(text);
        if (address != null) {
            return new AddressMatcher(text, List.of(address), address.length * 8);
        }
        if (!HOSTNAME.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address, a CIDR subnet or a DNS name");
        }
        try {
            List<byte[]> resolved = Arrays.stream(InetAddress.getAllByName(text)).map(InetAddress::getAddress)
                    .toList();
            // A name is as specific as a single address: it names hosts, not a network.
            return new AddressMatcher(text, resolved, 128);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("DNS name '" + text + "' does not resolve");
        }
    }

    /** The bytes of an IP literal, or null if the text is not one. Never queries DNS. */
    private static byte[] literal(String text) {
        boolean looksLikeIp = IPV4.matcher(text).matches() || (text.indexOf(':') >= 0 && text.matches("[0-9A-Fa-f:.]+"));
        if (!looksLikeIp) {
            return null;
        }
        try {
            // For literals getByName only parses; it resolves nothing.
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] mask(byte[] address, int bits) {
        byte[] result = address.clone();
        for (int i = 0; i < result.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            result[i] &= (byte) (0xFF << (8 - keep));
        }
        return result;
    }

    private static String addressText(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4 or 16 byte address is always valid", e);
        }
    }

    boolean matches(InetAddress source) {
        byte[] candidate = source.getAddress();
        for (byte[] network : networks) {
            if (network.length == candidate.length) {
                int bits = network.length == 4 && prefixLength > 32 ? 32 : prefixLength;
                if (Arrays.equals(mask(candidate, bits), network)) {
                    return true;
                }
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
