package org.radmfa.directory.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.radmfa.api.DialIn;

class AccountDialInTest {

    @Test
    void theStaticAddressIsTheFourOctetsReadAsASigned32BitNumber() {
        assertEquals("192.168.1.10", AccountDialIn.address("-1062731510", "cn=x"));
        assertEquals("10.0.0.1", AccountDialIn.address("167772161", "cn=x"));
        assertEquals("127.0.0.1", AccountDialIn.address("2130706433", "cn=x"));
        assertEquals("255.255.255.254", AccountDialIn.address("-2", "cn=x"));
        assertEquals("192.168.1.10", AccountDialIn.address("3232235786", "cn=x"), "written unsigned by a tool");
        assertNull(AccountDialIn.address("4294967296", "cn=x"));
        assertNull(AccountDialIn.address("10.0.0.1", "cn=x"));
        assertNull(AccountDialIn.address(null, "cn=x"));
    }

    @Test
    void thePermissionIsTrueFalseOrAbsent() {
        assertEquals(DialIn.Access.ALLOW, AccountDialIn.access("TRUE"));
        assertEquals(DialIn.Access.DENY, AccountDialIn.access("FALSE"));
        assertEquals(DialIn.Access.POLICY, AccountDialIn.access(null));
        assertEquals(DialIn.Access.DENY, AccountDialIn.access("yes"), "not Boolean syntax: the safe reading");
    }
}
