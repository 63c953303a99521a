package org.radmfa.eap.tls.internal;

import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Accepts a client certificate only if it chains to one of the configured CAs (PKIX), is within its validity, is
 * not revoked by the configured CRLs or its OCSP responder, and, when it names extended key usages, allows client
 * authentication. The reason of a refusal ends up in the decision's detail and the log.
 */
final class ClientCertificateVerifier {

    /** OCSP (RFC 6960) for the client's own certificate: off, or on with a failure to ask ignored (soft) or not. */
    enum OcspMode {
        OFF, SOFT, HARD
    }

    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EKU = "2.5.29.37.0";

    private final X509Certificate[] trusted;
    private final Set<TrustAnchor> anchors = new HashSet<>();
    private final List<X509CRL> crls;
    private final OcspMode ocsp;
    private final URI ocspResponder;

    ClientCertificateVerifier(List<X509Certificate> trustedCas, List<X509CRL> crls) {
        this(trustedCas, crls, OcspMode.OFF, null);
    }

    /** @param ocspResponder the responder to ask, or null for the one the certificate names (AIA) */
    ClientCertificateVerifier(List<X509Certificate> trustedCas, List<X509CRL> crls, OcspMode ocsp, URI ocspResponder) {
        this.trusted = trustedCas.toArray(X509Certificate[]::new);
        trustedCas.forEach(ca -> anchors.add(new TrustAnchor(ca, null)));
        this.crls = List.copyOf(crls);
        this.ocsp = ocsp;
        this.ocspResponder = ocspResponder;
    }

    void verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the client sent no certificate");
        }
        X509Certificate leaf = chain[0];
        List<String> usages = leaf.getExtendedKeyUsage();
        if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_EKU)) {
            throw new CertificateException("certificate " + leaf.getSubjectX500Principal().getName()
                    + " is not for client authentication (extended key usages " + usages + ")");
        }
        List<X509Certificate> cas;
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            parameters.setRevocationEnabled(!crls.isEmpty() || ocsp != OcspMode.OFF);
            if (!crls.isEmpty()) {
                parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            }
            if (ocsp != OcspMode.OFF) {
                // OCSP for the client's certificate, the configured CRLs as fallback (then for it alone too).
                PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
                Set<PKIXRevocationChecker.Option> options = EnumSet.of(PKIXRevocationChecker.Option.ONLY_END_ENTITY);
                if (crls.isEmpty()) {
                    options.add(PKIXRevocationChecker.Option.NO_FALLBACK);
                }
                if (ocsp == OcspMode.SOFT) {
                    options.add(PKIXRevocationChecker.Option.SOFT_FAIL);
                }
                checker.setOptions(options);
                if (ocspResponder != null) {
                    checker.setOcspResponder(ocspResponder);
                }
                parameters.addCertPathChecker(checker);
            }
            // The path without the anchor itself, if the client sent it.
            List<X509Certificate> path = Arrays.stream(chain).filter(cert -> !isAnchor(cert)).toList();
            if (path.isEmpty()) {
                throw new CertificateException("the client presented a CA certificate, not its own");
            }
            validator.validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            cas = path.subList(1, path.size());
        } catch (CertPathValidatorException e) {
            throw new CertificateException("certificate " + leaf.getSubjectX500Principal().getName() + " issued by "
                    + leaf.getIssuerX500Principal().getName() + " is refused: " + reason(e), e);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("certificate " + leaf.getSubjectX500Principal().getName()
                    + " cannot be checked: " + e.getMessage(), e);
        }
        if (ocsp != OcspMode.OFF && !crls.isEmpty() && !cas.isEmpty()) {
            checkCas(leaf, cas);
        }
    }

    /**
     * The OCSP checker (end entity only) replaces the JDK's default revocation checker, so the CA certificates are
     * checked here, by the configured CRLs alone: the path from the issuing CA up, validated on its own.
     */
    private void checkCas(X509Certificate leaf, List<X509Certificate> cas) throws CertificateException {
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
            checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                    PKIXRevocationChecker.Option.NO_FALLBACK));
            parameters.addCertPathChecker(checker);
            validator.validate(CertificateFactory.getInstance("X.509").generateCertPath(cas), parameters);
        } catch (CertPathValidatorException e) {
            String ca = e.getIndex() >= 0 && e.getIndex() < cas.size()
                    ? "its CA " + cas.get(e.getIndex()).getSubjectX500Principal().getName() : "a CA of its path";
            throw new CertificateException("certificate " + leaf.getSubjectX500Principal().getName() + " issued by "
                    + leaf.getIssuerX500Principal().getName() + " is refused: " + ca + ": " + reason(e), e);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("certificate " + leaf.getSubjectX500Principal().getName()
                    + " cannot be checked: " + e.getMessage(), e);
        }
    }

    private boolean isAnchor(X509Certificate certificate) {
        for (X509Certificate ca : trusted) {
            if (ca.equals(certificate)) {
                return true;
            }
        }
        return false;
    }

    private static String reason(CertPathValidatorException e) {
        CertPathValidatorException.Reason reason = e.getReason();
        if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
            return "expired";
        }
        if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return "not yet valid";
        }
        if (reason == CertPathValidatorException.BasicReason.REVOKED) {
            return "revoked";
        }
        if (reason == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
            return "revocation status unknown (no current CRL from its issuer)";
        }
        if (reason == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
            return "invalid signature";
        }
        if (reason == CertPathValidatorException.BasicReason.UNSPECIFIED && e.getMessage() != null
                && e.getMessage().contains("anchor")) {
            return "not issued by a trusted CA";
        }
        return e.getMessage();
    }
}
