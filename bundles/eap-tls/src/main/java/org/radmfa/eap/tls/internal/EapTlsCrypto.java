package org.radmfa.eap.tls.internal;

import java.security.AlgorithmParameterGenerator;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.SecureRandom;
import java.security.Signature;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.SecretKeyFactory;

import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.jcajce.util.ProviderJcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The cryptography of EAP-TLS and PEAP handshakes: the JDK's providers, and BouncyCastle's own provider for what they
 * do not offer under the names BouncyCastle's TLS asks for. The JDK signs and verifies RSASSA-PSS only as
 * "RSASSA-PSS" with parameters; BouncyCastle's TLS verifies a peer's rsa_pss_rsae CertificateVerify (TLS 1.3 with an
 * RSA client certificate, and what OpenSSL clients prefer in TLS 1.2) as "SHA256WITHRSAANDMGF1" or
 * "SHA256WITHRSASSA-PSS". These handshakes used to work only because Karaf's SSH server registered BouncyCastle's
 * provider for the whole JVM. BouncyCastle's provider is this configuration's own and never registered: no other part
 * of the appliance picks it up, and nothing keeps this bundle's class loader after an update.
 */
final class EapTlsCrypto {
    private EapTlsCrypto() {
    }

    static JcaTlsCrypto create() {
        return new JcaTlsCrypto(new JdkFirstHelper(), null, new SecureRandom(), new SecureRandom()) {
        };
    }

    /** The JDK's providers first, as BouncyCastle's {@link DefaultJcaJceHelper}; BouncyCastle's when they refuse. */
    private static final class JdkFirstHelper extends DefaultJcaJceHelper {
        // Made with the configuration rather than at the first handshake that needs it: BouncyCastle's provider
        // takes a few hundred milliseconds to make on a cold JVM.
        private final JcaJceHelper bouncyCastle = new ProviderJcaJceHelper(new BouncyCastleProvider());

        @Override
        public Signature createSignature(String algorithm) throws NoSuchAlgorithmException {
            try {
                return super.createSignature(algorithm);
            } catch (NoSuchAlgorithmException jdkLacksIt) {
                return withBouncyCastle(() -> bouncyCastle.createSignature(algorithm), jdkLacksIt);
            }
        }

        @Override
        public Cipher createCipher(String algorithm) throws NoSuchAlgorithmException, NoSuchPaddingException {
            try {
                return super.createCipher(algorithm);
            } catch (NoSuchAlgorithmException | NoSuchPaddingException jdkLacksIt) {
                try {
                    return bouncyCastle.createCipher(algorithm);
                } catch (NoSuchAlgorithmException | NoSuchPaddingException | NoSuchProviderException e) {
                    jdkLacksIt.addSuppressed(e);
                    throw jdkLacksIt;
                }
            }
        }

        @Override
        public Mac createMac(String algorithm) throws NoSuchAlgorithmException {
            try {
                return super.createMac(algorithm);
            } catch (NoSuchAlgorithmException jdkLacksIt) {
                return withBouncyCastle(() -> bouncyCastle.createMac(algorithm), jdkLacksIt);
            }
        }

        @Override
        public KeyAgreement createKeyAgreement(String algorithm) throws NoSuchAlgorithmException {
            try {
                return super.createKeyAgreement(algorithm);
            } catch (NoSuchAlgorithmException jdkLacksIt) {
                return withBouncyCastle(() -> bouncyCastle.createKeyAgreement(algorithm), jdkLacksIt);
            }
        }

        @Override
        public AlgorithmParameterGenerator createAlgorithmParameterGenerator(String algorithm)
                throws NoSuchAlgorithmException {
            try {
                return super.createAlgorithmParameterGenerator(algorithm);
            } catch (NoSuchAlgorithmException jdkLacksIt) {
                return withBouncyCastle(() -> bouncyCastle.createAlgorithmParameterGenerator(algorithm), jdkLacksIt);
            }
        }

        @Override
        public AlgorithmParameters createAlgorithmParameters(String algorithm) throws NoSuchAlgorithmException {
            try {
                return super.createAlgorithmParameters(algorithm);
            } catch (NoSuchAlgorithmException jdkLacksIt) {
                return withBouncyCastle(() -> bouncyCastle.createAlgorithmParameters(algorithm), jdkLacksIt);
            }
        }

        @Override
        public KeyGenerator createKeyGenerator(String algorithm) throws NoSuchAlgorithmException {
            try {
                return super.createKeyGenerator(algorithm);
            } catch (NoSuchAlgorithmException jdkLacksIt) {
                return withBouncyCastle(() -> bouncyCastle.createKeyGenerator(algorithm), jdkLacksIt);
            }
        }

        @Override
        public KeyFactory createKeyFactory(String algorithm) throws NoSuchAlgorithmException {
            try {
                return super.createKeyFactory(algorithm);
            } catch (NoSuchAlgorithmException jdkLacksIt) {
                return withBouncyCastle(() -> bouncyCastle.createKeyFactory(algorithm), jdkLacksIt);
            }
        }

        @Override
        public SecretKeyFactory createSecretKeyFactory(String algorithm) throws NoSuchAlgorithmException {
            try {
                return super.createSecretKeyFactory(algorithm);
            } catch (NoSuchAlgorithmException jdkLacksIt) {
                return withBouncyCastle(() -> bouncyCastle.createSecretKeyFactory(algorithm), jdkLacksIt);
            }
        }

        @Override
        public KeyPairGenerator createKeyPairGenerator(String algorithm) throws NoSuchAlgorithmException {
            try {
                return super.createKeyPairGenerator(algorithm);
            } catch (NoSuchAlgorithmException jdkLacksIt) {
                return withBouncyCastle(() -> bouncyCastle.createKeyPairGenerator(algorithm), jdkLacksIt);
            }
        }

        @Override
        public MessageDigest createMessageDigest(String algorithm) throws NoSuchAlgorithmException {
            try {
                return super.createMessageDigest(algorithm);
            } catch (NoSuchAlgorithmException jdkLacksIt) {
                return withBouncyCastle(() -> bouncyCastle.createMessageDigest(algorithm), jdkLacksIt);
            }
        }

        @Override
        public MessageDigest createDigest(String algorithm) throws NoSuchAlgorithmException {
            return createMessageDigest(algorithm);
        }

        private interface BouncyCastleCall<T> {
            T call() throws NoSuchAlgorithmException, NoSuchProviderException;
        }

        /** What BouncyCastle's provider makes; when it lacks the algorithm too, the JDK's refusal. */
        private static <T> T withBouncyCastle(BouncyCastleCall<T> call, NoSuchAlgorithmException jdkLacksIt)
                throws NoSuchAlgorithmException {
            try {
                return call.call();
            } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
                jdkLacksIt.addSuppressed(e);
                throw jdkLacksIt;
            }
        }
    }
}
