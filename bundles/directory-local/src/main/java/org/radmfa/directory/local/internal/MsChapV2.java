package org.radmfa.directory.local.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The MS-CHAPv2 computations of RFC 2759 (NT-Response, authenticator response) and RFC 3079 (MPPE keys), from
 * the server's side. Checked against the RFCs' own test vectors.
 */
final class MsChapV2 {
    private static final byte[] SIGNING_MAGIC = ascii("Magic server to client signing constant");
    private static final byte[] PAD_MAGIC = ascii("Pad to make it do more than one iteration");
    private static final byte[] MASTER_KEY_MAGIC = ascii("This is the MPPE Master Key");
    private static final byte[] CLIENT_SEND_MAGIC =
            ascii("On the client side, this is the send key; on the server side, it is the receive key.");
    private static final byte[] CLIENT_RECEIVE_MAGIC =
            ascii("On the client side, this is the receive key; on the server side, it is the send key.");
    private static final byte[] SHS_PAD1 = new byte[40];
    private static final byte[] SHS_PAD2 = new byte[40];

    static {
        Arrays.fill(SHS_PAD2, (byte) 0xF2);
    }

    private MsChapV2() {
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** NtPasswordHash: MD4 over the UTF-16LE password. */
    static byte[] ntHash(String password) {
        return Md4.digest(password.getBytes(StandardCharsets.UTF_16LE));
    }

    /** The user name MS-CHAPv2 hashes: without a "DOMAIN\" prefix (RFC 2759 section 4). */
    static String hashedUserName(String userName) {
        return userName.substring(userName.lastIndexOf('\\') + 1);
    }

    static byte[] challengeHash(byte[] peerChallenge, byte[] authenticatorChallenge, String userName) {
        MessageDigest sha1 = sha1();
        sha1.update(peerChallenge);
        sha1.update(authenticatorChallenge);
        sha1.update(hashedUserName(userName).getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(sha1.digest(), 8);
    }

    /** The 24-octet NT-Response the peer must have sent for this password hash. */
    static byte[] ntResponse(byte[] challengeHash, byte[] ntHash) {
        byte[] key = Arrays.copyOf(ntHash, 21);
        byte[] response = new byte[24];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(des(Arrays.copyOfRange(key, i * 7, i * 7 + 7), challengeHash), 0, response, i * 8, 8);
        }
        return response;
    }

    /** "S=" and 40 upper-case hex digits: proves to the peer that the server knew the password too. */
    static String authenticatorResponse(byte[] ntHash, byte[] ntResponse, byte[] challengeHash) {
        MessageDigest sha1 = sha1();
        sha1.update(Md4.digest(ntHash));
        sha1.update(ntResponse);
        sha1.update(SIGNING_MAGIC);
        byte[] digest = sha1.digest();
        sha1.update(digest);
        sha1.update(challengeHash);
        sha1.update(PAD_MAGIC);
        return "S=" + HexFormat.of().withUpperCase().formatHex(sha1.digest());
    }

    /** The server's 128-bit MPPE send and receive keys (RFC 3079 section 3), in that order. */
    static byte[][] mppeKeys(byte[] ntHash, byte[] ntResponse) {
        MessageDigest sha1 = sha1();
        sha1.update(Md4.digest(ntHash));
        sha1.update(ntResponse);
        sha1.update(MASTER_KEY_MAGIC);
        byte[] masterKey = Arrays.copyOf(sha1.digest(), 16);
        return new byte[][] {startKey(masterKey, CLIENT_RECEIVE_MAGIC), startKey(masterKey, CLIENT_SEND_MAGIC)};
    }

    private static byte[] startKey(byte[] masterKey, byte[] magic) {
        MessageDigest sha1 = sha1();
        sha1.update(masterKey);
        sha1.update(SHS_PAD1);
        sha1.update(magic);
        sha1.update(SHS_PAD2);
        return Arrays.copyOf(sha1.digest(), 16);
    }

    /** DES with a 7-octet key spread over 8 octets (the parity bits, which DES ignores, left zero). */
    private static byte[] des(byte[] key7, byte[] clear) {
        byte[] key = new byte[8];
        key[0] = (byte) (key7[0] & 0xFE);
        for (int i = 1; i < 7; i++) {
            key[i] = (byte) (((key7[i - 1] << (8 - i)) | ((key7[i] & 0xFF) >>> i)) & 0xFE);
        }
        key[7] = (byte) (key7[6] << 1);
        try {
            Cipher cipher = Cipher.getInstance("DES/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
            return cipher.doFinal(clear);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DES/ECB/NoPadding is part of every Java runtime", e);
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }
}
