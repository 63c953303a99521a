package org.radmfa.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.radmfa.api.Decision;
import org.radmfa.api.ReasonCode;

class FailModeTest {
    private static final Decision UNAVAILABLE = Decisions.reject(ReasonCode.MFA_UNAVAILABLE, "HTTP 503",
            Fakes.MFA_POLICY, List.of());

    private static Decision apply(FailMode mode, String... groups) {
        return mode.apply(Fakes.pap("erin", "pw"), Fakes.accepted("erin", groups), Fakes.MFA_POLICY, UNAVAILABLE,
                new ArrayList<>());
    }

    @Test
    void rejectUnlessConfigured() {
        assertSame(UNAVAILABLE, apply(new FailMode(), "break-glass"));
    }

    @Test
    void acceptOpensForEveryoneOrOnlyForTheBreakGlassGroups() {
        FailMode everyone = new FailMode();
        everyone.configure(new PipelineSettings.FailOpen(true, Set.of()));
        Decision open = apply(everyone);
        assertEquals(Decision.Outcome.ACCEPT, open.outcome());
        assertEquals(Fakes.SETTINGS, open.replyAttributes());
        assertTrue(open.trace().contains("MFA unavailable; ACCEPTED BY FAIL-OPEN (mfaFailMode = accept)"));

        FailMode breakGlass = new FailMode();
        breakGlass.configure(new PipelineSettings.FailOpen(true, Set.of("break-glass")));
        assertEquals(Decision.Outcome.ACCEPT, apply(breakGlass, "staff", "Break-Glass").outcome());
        assertSame(UNAVAILABLE, apply(breakGlass, "staff"));
    }
}
