package org.radmfa.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The server side of RFC 2759 (challenge hash, authenticator response) and RFC 3079 (MPPE keys) that needs only the
 * PasswordHashHash, so that a directory which never sees the NT hash (a domain controller answering through winbind
 * returns the hash's hash as the NT key) builds the same reply as one that stores it.
 */
final class MsChapV2Computations {
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

    private MsChapV2Computations() {
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
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

    /** "S=" and 40 upper-case hex digits: proves to the peer that the server knew the password too. */
    static String authenticatorResponse(byte[] passwordHashHash, byte[] ntResponse, byte[] challengeHash) {
        MessageDigest sha1 = sha1();
        sha1.update(passwordHashHash);
        sha1.update(ntResponse);
        sha1.update(SIGNING_MAGIC);
        byte[] digest = sha1.digest();
        sha1.update(digest);
        sha1.update(challengeHash);
        sha1.update(PAD_MAGIC);
        return "S=" + java.util.HexFormat.of().withUpperCase().formatHex(sha1.digest());
    }

    /** The server's 128-bit MPPE send and receive keys (RFC 3079 section 3), in that order. */
    static byte[][] mppeKeys(byte[] passwordHashHash, byte[] ntResponse) {
        MessageDigest sha1 = sha1();
        sha1.update(passwordHashHash);
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

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }
}
