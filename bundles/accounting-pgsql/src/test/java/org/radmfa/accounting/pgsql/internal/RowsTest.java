package org.radmfa.accounting.pgsql.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.radmfa.api.RequestAttribute;

class RowsTest {

    @Test
    void attributesAreOneJsonObjectWithRepeatsAsArraysAndNoNul() {
        assertEquals("{\"User-Name\":\"al\\\"ice\\n\uFFFD\",\"Class\":[\"radmfa:a\",\"radmfa:b\"]}",
                Rows.json(List.of(new RequestAttribute(0, 1, "User-Name", "al\"ice\n\u0000"),
                        new RequestAttribute(0, 25, "Class", "radmfa:a"),
                        new RequestAttribute(0, 25, "Class", "radmfa:b"))));
    }
}
