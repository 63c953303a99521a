package org.radmfa.npsimport.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the translators of NPS objects share: the loop over the export's objects of one kind, in file order, and each
 * object's report entry (imported, under its prefixed name here, until the translation says otherwise). A translator
 * keeps only its own mapping, {@link #translate}.
 *
 * @param <S> what the export holds (an object, a policy with its profile)
 * @param <T> what the appliance stores
 */
abstract class NpsTranslator<S, T> {
    private final ImportReport.Kind kind;
    final String prefix;

    NpsTranslator(ImportReport.Kind kind, String prefix) {
        this.kind = kind;
        this.prefix = prefix;
    }

    /** Every object translated, in the export's order; a format error stops at the object that has it. */
    final List<T> translateAll(List<S> objects, ImportReport report) throws NpsFormatException {
        List<T> planned = new ArrayList<>();
        for (S object : objects) {
            translate(object, report, planned::add);
        }
        return planned;
    }

    /**
     * Translates one object into what to store (none when it is not imported, several for a group): each with a
     * report entry from {@link #entry}, which says why when it is not imported.
     */
    abstract void translate(S object, ImportReport report, Consumer<T> planned) throws NpsFormatException;

    /** The report entry of an object called {@code npsName} in NPS: imported, as {@code prefix + npsName} here. */
    final ImportReport.Entry entry(ImportReport report, String npsName) {
        return report.add(kind, npsName, ImportReport.Outcome.IMPORTED).named(prefix + npsName);
    }
}
