package org.radmfa.eap.tls.internal;

import java.security.AlgorithmParameterGenerator;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.Signature;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.SecretKeyFactory;

import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
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
        private final ProviderJcaJceHelper bouncyCastle = new ProviderJcaJceHelper(new BouncyCastleProvider());

        @Override
        public Signature createSignature(String algorithm) throws NoSuchAlgorithmException {
            return jdkFirst(algorithm, super::createSignature, bouncyCastle::createSignature);
        }

        @Override
        public Cipher createCipher(String algorithm) throws NoSuchAlgorithmException, NoSuchPaddingException {
            try {
                return super.createCipher(algorithm);
            } catch (NoSuchAlgorithmException | NoSuchPaddingException jdkLacksIt) {
                try {
                    return bouncyCastle.createCipher(algorithm);
                } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
                    jdkLacksIt.addSuppressed(e);
                    throw jdkLacksIt;
                }
            }
        }

        @Override
        public Mac createMac(String algorithm) throws NoSuchAlgorithmException {
            return jdkFirst(algorithm, super::createMac, bouncyCastle::createMac);
        }

        @Override
        public KeyAgreement createKeyAgreement(String algorithm) throws NoSuchAlgorithmException {
            return jdkFirst(algorithm, super::createKeyAgreement, bouncyCastle::createKeyAgreement);
        }

        @Override
        public AlgorithmParameterGenerator createAlgorithmParameterGenerator(String algorithm)
                throws NoSuchAlgorithmException {
            return jdkFirst(algorithm, super::createAlgorithmParameterGenerator,
                    bouncyCastle::createAlgorithmParameterGenerator);
        }

        @Override
        public AlgorithmParameters createAlgorithmParameters(String algorithm) throws NoSuchAlgorithmException {
            return jdkFirst(algorithm, super::createAlgorithmParameters, bouncyCastle::createAlgorithmParameters);
        }

        @Override
        public KeyGenerator createKeyGenerator(String algorithm) throws NoSuchAlgorithmException {
            return jdkFirst(algorithm, super::createKeyGenerator, bouncyCastle::createKeyGenerator);
        }

        @Override
        public KeyFactory createKeyFactory(String algorithm) throws NoSuchAlgorithmException {
            return jdkFirst(algorithm, super::createKeyFactory, bouncyCastle::createKeyFactory);
        }

        @Override
        public SecretKeyFactory createSecretKeyFactory(String algorithm) throws NoSuchAlgorithmException {
            return jdkFirst(algorithm, super::createSecretKeyFactory, bouncyCastle::createSecretKeyFactory);
        }

        @Override
        public KeyPairGenerator createKeyPairGenerator(String algorithm) throws NoSuchAlgorithmException {
            return jdkFirst(algorithm, super::createKeyPairGenerator, bouncyCastle::createKeyPairGenerator);
        }

        @Override
        public MessageDigest createMessageDigest(String algorithm) throws NoSuchAlgorithmException {
            return jdkFirst(algorithm, super::createMessageDigest, bouncyCastle::createMessageDigest);
        }

        @Override
        public MessageDigest createDigest(String algorithm) throws NoSuchAlgorithmException {
            return createMessageDigest(algorithm);
        }

        private interface Maker<T> {
            T make(String algorithm) throws NoSuchAlgorithmException;
        }

        /** What the JDK makes, else what BouncyCastle's provider makes; when that lacks it too, the JDK's refusal. */
        private static <T> T jdkFirst(String algorithm, Maker<T> jdk, Maker<T> bouncyCastle)
                throws NoSuchAlgorithmException {
            try {
                return jdk.make(algorithm);
            } catch (NoSuchAlgorithmException jdkLacksIt) {
                try {
                    return bouncyCastle.make(algorithm);
                } catch (NoSuchAlgorithmException e) {
                    jdkLacksIt.addSuppressed(e);
                    throw jdkLacksIt;
                }
            }
        }
    }
}
