package org.radmfa.accounting.file.internal;

import java.time.ZoneId;

/** What NPS's formats say about the server itself: its name, and the time zone its timestamps are written in. */
record NpsHeader(String computerName, ZoneId zone) {
}
