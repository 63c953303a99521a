package org.radmfa.proxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ChapCredentials;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.SharedSecret;

class ForwardedRequestTest {
    private static final AttributeCodec CODEC = AttributeCodec.load();
    private static final byte[] PROXY_STATE = {1, 2, 3, 4};

    /** Type and value of each attribute, in order. */
    private static List<String> attributes(byte[] encoded) {
        List<String> result = new java.util.ArrayList<>();
        for (int offset = 0; offset < encoded.length; offset += encoded[offset + 1] & 0xFF) {
            result.add((encoded[offset] & 0xFF) + "=" + java.util.HexFormat.of().formatHex(
                    Arrays.copyOfRange(encoded, offset + 2, offset + (encoded[offset + 1] & 0xFF))));
        }
        return result;
    }

    private static String hex(String text) {
        return java.util.HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void accountingCarriesTheRewrittenUserNameOnceAndOurProxyStateLast() throws Exception {
        AccountingRecord record = new AccountingRecord("ac-1", "gw", new InetSocketAddress("127.0.0.1", 1),
                List.of(new RequestAttribute(0, 1, "User-Name", "alice@a.example"),
                        new RequestAttribute(0, 44, "Acct-Session-Id", "s-1")), Instant.now());
        assertEquals(List.of("1=" + hex("alice"), "44=" + hex("s-1"), "33=01020304"), attributes(
                ForwardedRequest.accountingAttributes(record, "alice", PROXY_STATE, CODEC)));
    }

    @Test
    void chapTravelsWithItsChallengeBecauseOurRequestAuthenticatorIsNotTheClients() throws Exception {
        byte[] response = new byte[16];
        Arrays.fill(response, (byte) 7);
        byte[] challenge = new byte[16];
        Arrays.fill(challenge, (byte) 9);
        AuthenticationRequest request = new AuthenticationRequest("rq-1", new RadiusClient("gw", "127.0.0.1",
                SharedSecret.of("s"), "RADIUS Standard", true), new InetSocketAddress("127.0.0.1", 1), "bob",
                new ChapCredentials(5, response, challenge), List.of(), Instant.now());
        List<String> sent = attributes(ForwardedRequest.accessAttributes(request, new byte[] {1}, new byte[16],
                PROXY_STATE, CODEC));
        assertEquals(List.of("1=" + hex("bob"), "3=05" + "07".repeat(16), "60=" + "09".repeat(16), "33=01020304"),
                sent);
    }
}
