package org.radmfa.accounting.file.internal;

import java.util.Locale;

import org.radmfa.api.AccountingRecord;

/** The formats an accounting file can be written in, each with the file names that go with it. */
enum RecordFormat {
    /** One JSON object per line, for log shippers. */
    JSON,
    /** NPS's "DTS compliant" XML, one Event element per line. */
    DTS,
    /** NPS's legacy IAS format: a header, then attribute-number,value pairs. */
    IAS;

    static RecordFormat named(String text) {
        for (RecordFormat format : values()) {
            if (format.name().equalsIgnoreCase(text.trim())) {
                return format;
            }
        }
        return null;
    }

    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    String format(AccountingRecord record, NpsHeader header) {
        return switch (this) {
            case JSON -> JsonLines.line(record);
            case DTS -> DtsFormat.event(record, header);
            case IAS -> IasFormat.line(record, header);
        };
    }

    LogFileNaming naming(String jsonPrefix, LogFileNaming.Period period) {
        return this == JSON ? LogFileNaming.jsonLines(jsonPrefix, period) : LogFileNaming.nps(period);
    }
}
