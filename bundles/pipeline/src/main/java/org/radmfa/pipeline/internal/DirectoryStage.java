package org.radmfa.pipeline.internal;

import java.util.List;

import org.radmfa.api.Decision;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.UserDirectory;

/** The first factor: which directory authenticates the request, and what its answer means. */
final class DirectoryStage {
    private volatile String defaultDirectory = "local";

    void defaultDirectory(String name) {
        this.defaultDirectory = name;
    }

    /** The named directory; without a name the default one, or the only one there is; null when none fits. */
    UserDirectory pick(List<UserDirectory> available, String name) {
        String wanted = name != null ? name : defaultDirectory;
        for (UserDirectory candidate : available) {
            if (candidate.name().equals(wanted)) {
                return candidate;
            }
        }
        return name == null && available.size() == 1 ? available.get(0) : null;
    }

    /** The reject when {@link #pick} found nothing. */
    Decision missing(String name, List<String> trace) {
        String wanted = name != null ? name : defaultDirectory;
        trace.add("no user directory named '" + wanted + "'");
        return Decision.reject(ReasonCode.DIRECTORY_UNAVAILABLE, "no user directory named '" + wanted
                + "' is installed", trace);
    }

    /** Null when the first factor passed; otherwise the reject, with the method's own error attributes. */
    static Decision verdict(PrimaryAuthResult primary, String directoryName, List<String> trace) {
        trace.add("directory '" + directoryName + "': " + primary.reason() + " (" + primary.detail() + ")");
        if (primary.accepted()) {
            return null;
        }
        // The method's own error attributes (MS-CHAP-Error) go with the reject.
        return new Decision(Decision.Outcome.REJECT, primary.reason(), primary.detail(), null,
                primary.replyAttributes(), trace);
    }
}
