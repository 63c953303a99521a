package org.radmfa.npsimport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthMethod;

class AuthenticationTypesTest {

    @Test
    void papChapAndMsChapV2AreCarriedOver() {
        AuthenticationTypes.Mapping mapping = AuthenticationTypes.map(List.of(1L, 2L, 4L), List.of());
        assertEquals(EnumSet.of(AuthMethod.PAP, AuthMethod.CHAP, AuthMethod.MSCHAPV2), mapping.allowed());
        assertTrue(mapping.dropped().isEmpty());
    }

    @Test
    void eapDependsOnTheEapTypesInTheirOrder() {
        AuthenticationTypes.Mapping mapping = AuthenticationTypes.map(List.of(5L), List.of(0x19, 0x0d, 0x1a, 0x04));
        assertEquals(List.of(AuthMethod.PEAP, AuthMethod.EAP_TLS, AuthMethod.EAP_MSCHAPV2),
                List.copyOf(mapping.allowed()));
        assertEquals(1, mapping.dropped().size());
        assertTrue(mapping.dropped().get(0).contains("EAP-MD5"), mapping.dropped().toString());
    }

    @Test
    void msChapV1IsDroppedPeapKeptAndPasswordChangeIsOnlyANote() {
        AuthenticationTypes.Mapping mapping = AuthenticationTypes.map(List.of(3L, 9L, 10L, 11L), List.of());
        assertEquals(List.of(AuthMethod.PEAP), List.copyOf(mapping.allowed()));
        assertEquals(1, mapping.dropped().size());
        assertTrue(mapping.dropped().get(0).contains("MS-CHAP v1"), mapping.dropped().toString());
        assertEquals(2, mapping.notes().size());
    }

    @Test
    void theEapTypeIsTheFirstByte() {
        assertEquals(26, AuthenticationTypes.eapType("1a000000000000000000000000000000"));
        assertEquals(25, AuthenticationTypes.eapType("\n19000000000000000000000000000000\n"));
        assertEquals(13, AuthenticationTypes.eapType("0D"));
    }
}
