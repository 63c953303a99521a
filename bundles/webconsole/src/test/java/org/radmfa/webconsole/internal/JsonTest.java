package org.radmfa.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedValues() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("n", 3L);
        map.put("d", 1.5);
        map.put("b", true);
        map.put("nothing", null);
        map.put("list", List.of("a", 1));
        assertEquals("{\"n\":3,\"d\":1.5,\"b\":true,\"nothing\":null,\"list\":[\"a\",1]}", Json.write(map));
    }

    @Test
    void escapesWhatCouldBreakOutOfAStringOrAScriptElement() {
        String hostile = "\"</script><!--\\\n\t\u0001\u2028";
        String json = Json.write(List.of(hostile));
        assertEquals("[\"\\\"\\u003c/script\\u003e\\u003c!--\\\\\\n\\t\\u0001\\u2028\"]", json);
        assertFalse(json.contains("<"));
    }

    @Test
    void nonFiniteNumbersBecomeNull() {
        assertEquals("[null,null]", Json.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY)));
    }
}
