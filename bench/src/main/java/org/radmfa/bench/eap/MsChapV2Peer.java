package org.radmfa.bench.eap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.digests.MD4Digest;

/**
 * The peer's side of EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2, the MS-CHAP-V2 of RFC 2759 and the keys of RFC
 * 3079), written from the RFCs for the benchmark and independent of the appliance's code: it answers the server's
 * challenge, checks the server's authenticator response, and knows the keys the server must send in the Access-Accept.
 */
final class MsChapV2Peer implements EapMethodPeer {
    static final int TYPE = 26;
    private static final int OP_CHALLENGE = 1;
    private static final int OP_RESPONSE = 2;
    private static final int OP_SUCCESS = 3;
    private static final int OP_FAILURE = 4;
    private static final byte[] AUTH_MAGIC_1 = ascii("Magic server to client signing constant");
    private static final byte[] AUTH_MAGIC_2 = ascii("Pad to make it do more than one iteration");
    private static final byte[] MASTER_MAGIC = ascii("This is the MPPE Master Key");
    private static final byte[] KEY_MAGIC_2 = ascii(
            "On the client side, this is the send key; on the server side, it is the receive key.");
    private static final byte[] KEY_MAGIC_3 = ascii(
            "On the client side, this is the receive key; on the server side, it is the send key.");

    private final byte[] user;
    private final byte[] passwordHash;
    private final SecureRandom random;
    private byte[] expectedAuthenticatorResponse;
    private byte[] masterKey;
    private boolean succeeded;

    MsChapV2Peer(String user, String password, SecureRandom random) {
        this.user = user.getBytes(StandardCharsets.UTF_8);
        this.passwordHash = md4(password.getBytes(StandardCharsets.UTF_16LE));
        this.random = random;
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public byte[] respond(byte[] data) throws GeneralSecurityException {
        if (data.length < 4) {
            throw new GeneralSecurityException("an MS-CHAP-V2 packet shorter than its header");
        }
        int opCode = data[0] & 0xFF;
        int msChapId = data[1] & 0xFF;
        switch (opCode) {
            case OP_CHALLENGE -> {
                if (data.length < 5 + 16 || (data[4] & 0xFF) != 16) {
                    throw new GeneralSecurityException("a Challenge without a 16-octet value");
                }
                return response(msChapId, Arrays.copyOfRange(data, 5, 21));
            }
            case OP_SUCCESS -> {
                String message = new String(data, 4, data.length - 4, StandardCharsets.US_ASCII);
                String expected = "S=" + HexFormat.of().withUpperCase().formatHex(expectedAuthenticatorResponse);
                if (expectedAuthenticatorResponse == null || !message.startsWith(expected)) {
                    throw new GeneralSecurityException("the server's authenticator response is wrong: " + message);
                }
                succeeded = true;
                return new byte[] {OP_SUCCESS};
            }
            case OP_FAILURE -> throw new GeneralSecurityException("the server refused the password: "
                    + new String(data, 4, data.length - 4, StandardCharsets.US_ASCII));
            default -> throw new GeneralSecurityException("an MS-CHAP-V2 OpCode a peer never gets: " + opCode);
        }
    }

    /** The Response packet: Peer-Challenge, 8 reserved zero octets, NT-Response and Flags, then the user's name. */
    private byte[] response(int msChapId, byte[] authenticatorChallenge) throws GeneralSecurityException {
        byte[] peerChallenge = new byte[16];
        random.nextBytes(peerChallenge);
        byte[] challenge = challengeHash(peerChallenge, authenticatorChallenge);
        byte[] ntResponse = challengeResponse(challenge, passwordHash);
        byte[] passwordHashHash = md4(passwordHash);
        expectedAuthenticatorResponse = sha1(sha1(passwordHashHash, ntResponse, AUTH_MAGIC_1), challenge, AUTH_MAGIC_2);
        masterKey = Arrays.copyOf(sha1(passwordHashHash, ntResponse, MASTER_MAGIC), 16);
        int length = 4 + 1 + 49 + user.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        out.write(OP_RESPONSE);
        out.write(msChapId);
        out.write(length >> 8);
        out.write(length);
        out.write(49);
        out.writeBytes(peerChallenge);
        out.writeBytes(new byte[8]);
        out.writeBytes(ntResponse);
        out.write(0);
        out.writeBytes(user);
        return out.toByteArray();
    }

    /**
     * The server's MS-MPPE-Recv-Key then its MS-MPPE-Send-Key: the peer's send key and its receive key (RFC 3079
     * section 3.4, 128-bit keys), in the order wpa_supplicant builds its MSK.
     */
    @Override
    public byte[] expectedKeys() throws GeneralSecurityException {
        if (!succeeded) {
            throw new GeneralSecurityException("no keys before the server's Success");
        }
        byte[] keys = new byte[32];
        System.arraycopy(asymmetricStartKey(KEY_MAGIC_2), 0, keys, 0, 16);
        System.arraycopy(asymmetricStartKey(KEY_MAGIC_3), 0, keys, 16, 16);
        return keys;
    }

    private byte[] asymmetricStartKey(byte[] magic) throws GeneralSecurityException {
        byte[] pad1 = new byte[40];
        byte[] pad2 = new byte[40];
        Arrays.fill(pad2, (byte) 0xF2);
        return Arrays.copyOf(sha1(masterKey, pad1, magic, pad2), 16);
    }

    private byte[] challengeHash(byte[] peerChallenge, byte[] authenticatorChallenge) throws GeneralSecurityException {
        return Arrays.copyOf(sha1(peerChallenge, authenticatorChallenge, user), 8);
    }

    /** DES of the challenge under each 7-octet third of the zero-padded 21-octet password hash (RFC 2759 8.5). */
    private static byte[] challengeResponse(byte[] challenge, byte[] hash) throws GeneralSecurityException {
        byte[] padded = Arrays.copyOf(hash, 21);
        byte[] response = new byte[24];
        Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
        for (int i = 0; i < 3; i++) {
            des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(desKey(padded, i * 7), "DES"));
            des.doFinal(challenge, 0, 8, response, i * 8);
        }
        return response;
    }

    /** Spreads 56 key bits over 8 octets; DES ignores the parity bit of each. */
    private static byte[] desKey(byte[] source, int offset) {
        long bits = 0;
        for (int i = 0; i < 7; i++) {
            bits = bits << 8 | (source[offset + i] & 0xFF);
        }
        byte[] key = new byte[8];
        for (int i = 0; i < 8; i++) {
            key[i] = (byte) ((bits >>> (49 - 7 * i)) << 1);
        }
        return key;
    }

    private static byte[] md4(byte[] data) {
        MD4Digest md4 = new MD4Digest();
        md4.update(data, 0, data.length);
        byte[] out = new byte[16];
        md4.doFinal(out, 0);
        return out;
    }

    private static byte[] sha1(byte[]... parts) throws GeneralSecurityException {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        for (byte[] part : parts) {
            sha1.update(part);
        }
        return sha1.digest();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
