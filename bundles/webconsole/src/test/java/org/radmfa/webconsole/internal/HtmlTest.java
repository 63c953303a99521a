package org.radmfa.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void aUserNameFromTheNetworkStaysText() {
        assertEquals("&lt;img src=x onerror=&#39;alert(1)&#39;&gt; &amp; &quot;",
                Html.escape("<img src=x onerror='alert(1)'> & \""));
    }

    @Test
    void nullIsEmpty() {
        assertEquals("", Html.escape(null));
    }
}
