package org.radmfa.itests;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The peer's side of MS-CHAPv2 (RFC 2759) and the MPPE key it expects (RFC 3079), for building the MS-CHAP2-Response
 * that radclient sends (radclient computes only MS-CHAPv1 itself) and checking the server's answer. Independent of
 * the appliance's code.
 */
final class MsChapV2Peer {
    private static final HexFormat HEX = HexFormat.of();
    /** The JDK's MD4, which it keeps out of its providers; its own Provider class may still instantiate it. */
    @SuppressWarnings("DoubleBraceInitialization") // a Provider registers its services this way, not a collection
    private static final Provider MD4 = new Provider("radmfa-test-md4", "1", "MD4 for NT hashes in tests") {
        {
            put("MessageDigest.MD4", "sun.security.provider.MD4");
        }
    };

    final byte[] authenticatorChallenge;
    final byte[] peerChallenge;
    final byte[] ntResponse;
    private final byte[] ntHash;
    private final byte[] challengeHash;

    MsChapV2Peer(String userName, String password, byte[] authenticatorChallenge, byte[] peerChallenge) {
        this.authenticatorChallenge = authenticatorChallenge.clone();
        this.peerChallenge = peerChallenge.clone();
        this.ntHash = md4(password.getBytes(StandardCharsets.UTF_16LE));
        MessageDigest sha1 = sha1();
        sha1.update(peerChallenge);
        sha1.update(authenticatorChallenge);
        sha1.update(userName.getBytes(StandardCharsets.UTF_8));
        this.challengeHash = Arrays.copyOf(sha1.digest(), 8);
        byte[] key = Arrays.copyOf(ntHash, 21);
        this.ntResponse = new byte[24];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(des(Arrays.copyOfRange(key, i * 7, i * 7 + 7), challengeHash), 0, ntResponse, i * 8, 8);
        }
    }

    /** radclient's input: MS-CHAP-Challenge and MS-CHAP2-Response (RFC 2548 section 2.3.2) with this ident. */
    String radclientAttributes(String userName, int ident) {
        byte[] response = new byte[50];
        response[0] = (byte) ident;
        System.arraycopy(peerChallenge, 0, response, 2, 16);
        System.arraycopy(ntResponse, 0, response, 26, 24);
        return "User-Name = \"" + userName + "\"\nMS-CHAP-Challenge = 0x" + HEX.formatHex(authenticatorChallenge)
                + "\nMS-CHAP2-Response = 0x" + HEX.formatHex(response) + "\n";
    }

    /** The "S=..." the server must prove it knew the password with. */
    String authenticatorResponse() {
        MessageDigest sha1 = sha1();
        sha1.update(md4(ntHash));
        sha1.update(ntResponse);
        sha1.update(ascii("Magic server to client signing constant"));
        byte[] digest = sha1.digest();
        sha1.update(digest);
        sha1.update(challengeHash);
        sha1.update(ascii("Pad to make it do more than one iteration"));
        return "S=" + HEX.withUpperCase().formatHex(sha1.digest());
    }

    /** The server's send key (MS-MPPE-Send-Key), which is the peer's receive key. */
    String mppeSendKey() {
        MessageDigest sha1 = sha1();
        sha1.update(md4(ntHash));
        sha1.update(ntResponse);
        sha1.update(ascii("This is the MPPE Master Key"));
        byte[] masterKey = Arrays.copyOf(sha1.digest(), 16);
        sha1.update(masterKey);
        sha1.update(new byte[40]);
        sha1.update(ascii("On the client side, this is the receive key; on the server side, it is the send key."));
        byte[] pad2 = new byte[40];
        Arrays.fill(pad2, (byte) 0xF2);
        sha1.update(pad2);
        return HEX.formatHex(Arrays.copyOf(sha1.digest(), 16));
    }

    /**
     * The Change-Password of RFC 2759 section 7 made with this peer's (new) password: the new password encrypted with
     * the old NT hash (NewPasswordEncryptedWithOldNtPasswordHash, sections 8.9 to 8.11, RC4 over a 516-octet block
     * with the password at its end) and the old NT hash encrypted with the new one
     * (OldNtPasswordHashEncryptedWithNewNtPasswordHash, section 8.12, two DES blocks). This peer's NT-Response, made
     * over the challenge the failure named, goes with them.
     */
    ChangePassword changePassword(String oldPassword, String newPassword) {
        byte[] oldHash = md4(oldPassword.getBytes(StandardCharsets.UTF_16LE));
        byte[] newHash = md4(newPassword.getBytes(StandardCharsets.UTF_16LE));
        byte[] clear = new byte[516];
        new java.security.SecureRandom().nextBytes(clear);
        byte[] unicode = newPassword.getBytes(StandardCharsets.UTF_16LE);
        System.arraycopy(unicode, 0, clear, 512 - unicode.length, unicode.length);
        clear[512] = (byte) unicode.length;
        clear[513] = (byte) (unicode.length >> 8);
        clear[514] = 0;
        clear[515] = 0;
        byte[] encryptedPassword;
        try {
            Cipher rc4 = Cipher.getInstance("ARCFOUR");
            rc4.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(oldHash, "ARCFOUR"));
            encryptedPassword = rc4.doFinal(clear);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        byte[] encryptedHash = new byte[16];
        System.arraycopy(des(Arrays.copyOfRange(newHash, 0, 7), Arrays.copyOfRange(oldHash, 0, 8)), 0,
                encryptedHash, 0, 8);
        System.arraycopy(des(Arrays.copyOfRange(newHash, 7, 14), Arrays.copyOfRange(oldHash, 8, 16)), 0,
                encryptedHash, 8, 8);
        return new ChangePassword(encryptedPassword, encryptedHash);
    }

    /** The two encrypted blobs of a Change-Password. */
    record ChangePassword(byte[] encryptedPassword, byte[] encryptedHash) {
    }

    /**
     * radclient's input for the change (RFC 2548 section 2.3.5): MS-CHAP-Challenge, MS-CHAP2-CPW (Code 7, Ident,
     * Encrypted-Hash, Peer-Challenge, 8 reserved, NT-Response, Flags) and the encrypted password in three
     * MS-CHAP-NT-Enc-PW fragments (Code 6, Ident, Sequence-Number, a piece).
     */
    String radclientChangeAttributes(String userName, int ident, ChangePassword change) {
        byte[] cpw = new byte[68];
        cpw[0] = 7;
        cpw[1] = (byte) ident;
        System.arraycopy(change.encryptedHash(), 0, cpw, 2, 16);
        System.arraycopy(peerChallenge, 0, cpw, 18, 16);
        System.arraycopy(ntResponse, 0, cpw, 42, 24);
        StringBuilder attributes = new StringBuilder("User-Name = \"" + userName + "\"\nMS-CHAP-Challenge = 0x"
                + HEX.formatHex(authenticatorChallenge) + "\nMS-CHAP2-CPW = 0x" + HEX.formatHex(cpw) + "\n");
        int[] cuts = {0, 243, 486, 516};
        for (int i = 0; i < 3; i++) {
            attributes.append("MS-CHAP-NT-Enc-PW = 0x06").append(HEX.toHexDigits((byte) ident)).append("00")
                    .append(HEX.toHexDigits((byte) (i + 1)))
                    .append(HEX.formatHex(change.encryptedPassword(), cuts[i], cuts[i + 1])).append('\n');
        }
        return attributes.toString();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] md4(byte[] data) {
        try {
            return MessageDigest.getInstance("MD4", MD4).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

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
            throw new IllegalStateException(e);
        }
    }
}
