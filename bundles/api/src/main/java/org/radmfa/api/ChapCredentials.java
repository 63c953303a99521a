package org.radmfa.api;

/**
 * A CHAP response (RFC 1994, RFC 2865 section 5.3).
 *
 * @param chapId the CHAP identifier, first octet of CHAP-Password
 * @param response the 16-octet MD5 response
 * @param challenge the CHAP-Challenge attribute or, without one, the Request Authenticator
 */
public record ChapCredentials(int chapId, byte[] response, byte[] challenge) implements Credentials {

    public ChapCredentials {
        response = response.clone();
        challenge = challenge.clone();
    }

    @Override
    public byte[] response() {
        return response.clone();
    }

    @Override
    public byte[] challenge() {
        return challenge.clone();
    }

    @Override
    public AuthMethod method() {
        return AuthMethod.CHAP;
    }

    @Override
    public String toString() {
        return "ChapCredentials[chapId=" + chapId + "]";
    }
}
