package org.radmfa.eap.tls.internal;

import java.security.AlgorithmParameterGenerator;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Set;

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
 * <p>
 * The ephemeral key exchange (ECDHE over X25519, X448 or a NIST curve) is BouncyCastle's first: Java 17's is several
 * times slower (a key pair and an agreement: X25519 0.35-0.65 ms against 0.17 ms, P-256 1.8 ms against 0.3 ms,
 * warm; server CPU per EAP-TLS login with X25519 4.51 -> 4.13 ms, docs/performance.md). Signatures stay the JDK's:
 * RSA signs as fast there, and the server's and CA's keys are the JDK's.
 */
final class EapTlsCrypto {
    private EapTlsCrypto() {
    }

    static JcaTlsCrypto create() {
        return new JcaTlsCrypto(new JdkFirstHelper(), null, new SecureRandom(), new SecureRandom()) {
        };
    }

    /**
     * The JDK's providers first, as BouncyCastle's {@link DefaultJcaJceHelper}, BouncyCastle's when they refuse; the
     * other way round for the ephemeral key exchange.
     */
    private static final class JdkFirstHelper extends DefaultJcaJceHelper {
        /** The names BouncyCastle's TLS asks for to make and agree on ephemeral keys. */
        private static final Set<String> KEY_EXCHANGE = Set.of("EC", "ECDH", "X25519", "X448", "XDH");
        /** The peer's X25519 or X448 share, for BouncyCastle's agreement; "EC" keys stay the JDK's (certificates). */
        private static final Set<String> KEY_EXCHANGE_KEYS = Set.of("X25519", "X448", "XDH");

        // Made with the configuration rather than at the first handshake that needs it: BouncyCastle's provider
        // takes a few hundred milliseconds to make on a cold JVM.
        private final ProviderJcaJceHelper bouncyCastle = new ProviderJcaJceHelper(new BouncyCastleProvider());

        @Override
        public Signature createSignature(String algorithm) throws NoSuchAlgorithmException {
            return firstOf(algorithm, super::createSignature, bouncyCastle::createSignature);
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
            return firstOf(algorithm, super::createMac, bouncyCastle::createMac);
        }

        @Override
        public KeyAgreement createKeyAgreement(String algorithm) throws NoSuchAlgorithmException {
            return ordered(algorithm, KEY_EXCHANGE, super::createKeyAgreement, bouncyCastle::createKeyAgreement);
        }

        @Override
        public AlgorithmParameterGenerator createAlgorithmParameterGenerator(String algorithm)
                throws NoSuchAlgorithmException {
            return firstOf(algorithm, super::createAlgorithmParameterGenerator,
                    bouncyCastle::createAlgorithmParameterGenerator);
        }

        @Override
        public AlgorithmParameters createAlgorithmParameters(String algorithm) throws NoSuchAlgorithmException {
            return firstOf(algorithm, super::createAlgorithmParameters, bouncyCastle::createAlgorithmParameters);
        }

        @Override
        public KeyGenerator createKeyGenerator(String algorithm) throws NoSuchAlgorithmException {
            return firstOf(algorithm, super::createKeyGenerator, bouncyCastle::createKeyGenerator);
        }

        @Override
        public KeyFactory createKeyFactory(String algorithm) throws NoSuchAlgorithmException {
            return ordered(algorithm, KEY_EXCHANGE_KEYS, super::createKeyFactory, bouncyCastle::createKeyFactory);
        }

        @Override
        public SecretKeyFactory createSecretKeyFactory(String algorithm) throws NoSuchAlgorithmException {
            return firstOf(algorithm, super::createSecretKeyFactory, bouncyCastle::createSecretKeyFactory);
        }

        @Override
        public KeyPairGenerator createKeyPairGenerator(String algorithm) throws NoSuchAlgorithmException {
            return ordered(algorithm, KEY_EXCHANGE, super::createKeyPairGenerator,
                    bouncyCastle::createKeyPairGenerator);
        }

        @Override
        public MessageDigest createMessageDigest(String algorithm) throws NoSuchAlgorithmException {
            return firstOf(algorithm, super::createMessageDigest, bouncyCastle::createMessageDigest);
        }

        @Override
        public MessageDigest createDigest(String algorithm) throws NoSuchAlgorithmException {
            return createMessageDigest(algorithm);
        }

        private interface Maker<T> {
            T make(String algorithm) throws NoSuchAlgorithmException;
        }

        /** BouncyCastle's first for the names in {@code bouncyCastleFirst}, else the JDK's first. */
        private static <T> T ordered(String algorithm, Set<String> bouncyCastleFirst, Maker<T> jdk,
                Maker<T> bouncyCastle) throws NoSuchAlgorithmException {
            return bouncyCastleFirst.contains(algorithm) ? firstOf(algorithm, bouncyCastle, jdk)
                    : firstOf(algorithm, jdk, bouncyCastle);
        }

        /** What the first provider makes, else what the second makes; when that lacks it too, the first's refusal. */
        private static <T> T firstOf(String algorithm, Maker<T> first, Maker<T> second)
                throws NoSuchAlgorithmException {
            try {
                return first.make(algorithm);
            } catch (NoSuchAlgorithmException firstLacksIt) {
                try {
                    return second.make(algorithm);
                } catch (NoSuchAlgorithmException e) {
                    firstLacksIt.addSuppressed(e);
                    throw firstLacksIt;
                }
            }
        }
    }
}
