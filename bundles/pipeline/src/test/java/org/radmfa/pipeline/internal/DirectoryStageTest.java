package org.radmfa.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.UserDirectory;

class DirectoryStageTest {
    private static UserDirectory named(String name) {
        return new UserDirectory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request) {
                return CompletableFuture.completedFuture(Fakes.accepted(request.userName()));
            }
        };
    }

    private static final UserDirectory LOCAL = named("local");
    private static final UserDirectory CORP = named("corp");

    @Test
    void theNamedDirectoryElseTheDefaultElseTheOnlyOne() {
        DirectoryStage stage = new DirectoryStage();
        assertSame(CORP, stage.pick(List.of(LOCAL, CORP), "corp"));
        assertSame(LOCAL, stage.pick(List.of(CORP, LOCAL), null), "the default, local");
        stage.defaultDirectory("corp");
        assertSame(CORP, stage.pick(List.of(LOCAL, CORP), null));
        assertSame(LOCAL, stage.pick(List.of(LOCAL), null), "the only one there is");
        assertNull(stage.pick(List.of(LOCAL), "corp"), "a named one is never replaced by another");
        assertNull(stage.pick(List.of(), null));
    }

    @Test
    void aMissingDirectoryIsARejectNamingIt() {
        DirectoryStage stage = new DirectoryStage();
        List<String> trace = new ArrayList<>();
        Decision missing = stage.missing(null, trace);
        assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, missing.reason());
        assertEquals("no user directory named 'local' is installed", missing.detail());
        assertEquals(List.of("no user directory named 'local'"), trace);
        assertEquals("no user directory named 'corp' is installed", stage.missing("corp", trace).detail());
    }

    @Test
    void aFailedFirstFactorIsARejectWithTheMethodsErrorAndAPassedOneGoesOn() {
        List<ReplyAttribute> error = List.of(new ReplyAttribute("MS-CHAP-Error", "0x00"));
        List<String> trace = new ArrayList<>();
        Decision rejected = DirectoryStage.verdict(PrimaryAuthResult.rejected(ReasonCode.AUTHENTICATION_FAILED,
                "wrong password").withReplyAttributes(error), "local", trace);
        assertEquals(ReasonCode.AUTHENTICATION_FAILED, rejected.reason());
        assertEquals(error, rejected.replyAttributes());
        assertEquals(List.of("directory 'local': AUTHENTICATION_FAILED (wrong password)"), trace);
        assertNull(DirectoryStage.verdict(Fakes.accepted("alice"), "local", new ArrayList<>()));
    }
}
