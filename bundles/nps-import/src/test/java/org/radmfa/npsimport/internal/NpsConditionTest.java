package org.radmfa.npsimport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class NpsConditionTest {

    @Test
    void matchKeepsTheRegularExpressionAsWritten() {
        NpsCondition condition = NpsCondition.parse("MATCH(\"NAS-Port-Type=^19$|^18$\")");
        assertEquals("MATCH", condition.function());
        assertEquals(List.of("NAS-Port-Type=^19$|^18$"), condition.arguments());
        assertEquals(List.of("User-Name=@corp\\.example$"),
                NpsCondition.parse("MATCH(\"User-Name=@corp\\.example$\")").arguments());
    }

    @Test
    void quotesInsideAnArgumentAreEscapedEitherWay() {
        assertEquals(List.of("Called-Station-Id=a\"b"), NpsCondition.parse("MATCH(\"Called-Station-Id=a\\\"b\")")
                .arguments());
        assertEquals(List.of("Called-Station-Id=a\"b"), NpsCondition.parse("MATCH(\"Called-Station-Id=a\"\"b\")")
                .arguments());
        assertEquals(List.of("x=a,b)c"), NpsCondition.parse("MATCH(\"x=a,b)c\")").arguments());
    }

    @Test
    void severalArgumentsSpacesAndCase() {
        NpsCondition condition = NpsCondition.parse("  ntgroups ( \"S-1-5-21-1-2-3-1105\" , \"S-1-5-21-1-2-3-1106\" ) ");
        assertEquals("NTGROUPS", condition.function());
        assertEquals(List.of("S-1-5-21-1-2-3-1105", "S-1-5-21-1-2-3-1106"), condition.arguments());
        assertEquals(List.of("1"), NpsCondition.parse("MSHEALTH(1)").arguments());
        assertEquals(List.of(), NpsCondition.parse("ALWAYS()").arguments());
    }

    @Test
    void timeOfDayIsOneArgument() {
        NpsCondition condition = NpsCondition.parse("TIMEOFDAY(\"0 00:00-24:00; 1 08:00-17:00\")");
        assertEquals(List.of("0 00:00-24:00; 1 08:00-17:00"), condition.arguments());
    }

    @Test
    void badSyntaxNamesThePosition() {
        IllegalArgumentException unclosed = assertThrows(IllegalArgumentException.class,
                () -> NpsCondition.parse("MATCH(\"User-Name=x)"));
        assertTrue(unclosed.getMessage().contains("expected a closing quote"), unclosed.getMessage());
        IllegalArgumentException noParen = assertThrows(IllegalArgumentException.class,
                () -> NpsCondition.parse("MATCH \"x=y\""));
        assertTrue(noParen.getMessage().contains("expected '(' at position 7"), noParen.getMessage());
        IllegalArgumentException trailing = assertThrows(IllegalArgumentException.class,
                () -> NpsCondition.parse("MATCH(\"x=y\") AND"));
        assertTrue(trailing.getMessage().contains("the end of the condition"), trailing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NpsCondition.parse("(\"x\")"));
    }
}
