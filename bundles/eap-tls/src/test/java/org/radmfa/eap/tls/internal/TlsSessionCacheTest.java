package org.radmfa.eap.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.Test;

/** The resumable sessions are bounded in number and in time (an injected clock, no waiting). */
class TlsSessionCacheTest {
    private static final JcaTlsCrypto CRYPTO = new JcaTlsCryptoProvider().create(new java.security.SecureRandom());
    private final AtomicLong now = new AtomicLong();

    private static TlsSession session(int id) {
        return TlsUtils.importSession(new byte[] {(byte) id, 1, 2, 3}, new SessionParameters.Builder()
                .setCipherSuite(CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)
                .setNegotiatedVersion(ProtocolVersion.TLSv12)
                .setMasterSecret(CRYPTO.createSecret(new byte[48])).build());
    }

    @Test
    void theOldestSessionLeavesWhenTheCacheIsFull() {
        TlsSessionCache cache = new TlsSessionCache(2, 1000, now::get);
        cache.put(session(1), null);
        cache.put(session(2), null);
        cache.put(session(3), null);
        assertEquals(2, cache.size());
        assertNull(cache.get(new byte[] {1, 1, 2, 3}));
        assertNotNull(cache.get(new byte[] {3, 1, 2, 3}));
    }

    @Test
    void aSessionExpiresAfterItsLifetimeAndIsInvalidated() {
        TlsSessionCache cache = new TlsSessionCache(10, 1000, now::get);
        TlsSession session = session(1);
        cache.put(session, new TlsSessionCache.Authorized("demo", java.util.List.of(), "P"));
        now.set(999);
        assertEquals("demo", cache.get(new byte[] {1, 1, 2, 3}).authorized().userName());
        now.set(1001);
        assertNull(cache.get(new byte[] {1, 1, 2, 3}));
        assertTrue(!session.isResumable(), "invalidated");
        assertEquals(0, cache.size());
    }

    @Test
    void aCacheOfSizeZeroKeepsNothing() {
        TlsSessionCache cache = new TlsSessionCache(0, 1000, now::get);
        cache.put(session(1), null);
        assertEquals(0, cache.size());
    }
}
