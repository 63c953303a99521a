package org.radmfa.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address or subnet in CIDR notation ({@code 10.1.255.0/27}, {@code fd00::/64}, or a single
 * address). Parsing never queries DNS.
 *
 * @since 1.3
 */
public final class Cidr {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private Cidr(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /** Whether the text looks like an IP literal or CIDR (as opposed to a DNS name). */
    public static boolean looksLikeAddress(String text) {
        String address = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
        return IPV4.matcher(address).matches() || (address.indexOf(':') >= 0 && address.matches("[0-9A-Fa-f:.]+"));
    }

    /** @throws IllegalArgumentException saying what is wrong, e.g. a prefix length out of range or host bits set */
    public static Cidr parse(String spec) {
        String text = spec.trim();
        int slash = text.indexOf('/');
        byte[] address = literal(slash >= 0 ? text.substring(0, slash) : text);
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address"
                    + (slash >= 0 ? " or CIDR subnet: '" + text.substring(0, slash) + "' is not an IP address" : ""));
        }
        int maxBits = address.length * 8;
        if (slash < 0) {
            return new Cidr(address, maxBits, text);
        }
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
        byte[] masked = mask(address, bits);
        if (!Arrays.equals(masked, address)) {
            throw new IllegalArgumentException("'" + text + "' has host bits set; did you mean '"
                    + addressText(masked) + "/" + bits + "'?");
        }
        return new Cidr(masked, bits, text);
    }

    private static byte[] literal(String text) {
        if (!looksLikeAddress(text)) {
            return null;
        }
        if (IPV4.matcher(text).matches()
                && Arrays.stream(text.split("\\.")).anyMatch(octet -> Integer.parseInt(octet) > 255)) {
            // Not a literal, and InetAddress would take it for a host name and ask DNS.
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

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        return candidate.length == network.length && Arrays.equals(mask(candidate, prefixLength), network);
    }

    /** 32 for an IPv4 host, 27 for a /27, 128 for an IPv6 host: larger is more specific. */
    public int prefixLength() {
        return prefixLength;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr that && prefixLength == that.prefixLength && Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        return text;
    }
}
