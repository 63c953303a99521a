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
    void eapDependsOnTheEapTypes() {
        AuthenticationTypes.Mapping mapping = AuthenticationTypes.map(List.of(5L), List.of(0x1a, 0x19, 0x0d));
        assertEquals(EnumSet.of(AuthMethod.EAP_MSCHAPV2), mapping.allowed());
        assertEquals(2, mapping.dropped().size());
        assertTrue(mapping.dropped().get(0).contains("PEAP"), mapping.dropped().toString());
        assertTrue(mapping.dropped().get(1).contains("EAP-TLS"), mapping.dropped().toString());
    }

    @Test
    void msChapV1AndPeapAreDroppedAndPasswordChangeIsOnlyANote() {
        AuthenticationTypes.Mapping mapping = AuthenticationTypes.map(List.of(3L, 9L, 10L, 11L), List.of());
        assertTrue(mapping.allowed().isEmpty());
        assertEquals(2, mapping.dropped().size());
        assertEquals(2, mapping.notes().size());
    }

    @Test
    void theEapTypeIsTheFirstByte() {
        assertEquals(26, AuthenticationTypes.eapType("1a000000000000000000000000000000"));
        assertEquals(25, AuthenticationTypes.eapType("\n19000000000000000000000000000000\n"));
        assertEquals(13, AuthenticationTypes.eapType("0D"));
    }
}
