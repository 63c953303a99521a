package org.radmfa.radsec.internal;

import java.util.Map;

/** The RadSec listener's state for the bundle's own shell command; not for other bundles. */
public interface RadSecStatus {

    /** Names and values, in display order. */
    Map<String, Object> status();
}
