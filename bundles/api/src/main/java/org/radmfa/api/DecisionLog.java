package org.radmfa.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The most recent decisions with their traces, for the shell, the web console and audits. */
@ProviderType
public interface DecisionLog {

    /** At most {@code max} decisions, newest first. */
    List<DecisionRecord> recent(int max);
}
