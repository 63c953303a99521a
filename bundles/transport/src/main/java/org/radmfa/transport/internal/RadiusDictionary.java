package org.radmfa.transport.internal;

import java.io.IOException;
import java.io.InputStream;

import org.tinyradius.dictionary.DefaultDictionary;
import org.tinyradius.dictionary.Dictionary;
import org.tinyradius.dictionary.DictionaryParser;
import org.tinyradius.dictionary.MemoryDictionary;

/**
 * TinyRadius's standard dictionary with RFC 2866's name for Interim-Update, plus the RFC 2868 tunnel attributes it lacks and the vendors a VPN appliance meets
 * (Microsoft, Cisco, Fortinet, Palo Alto), loaded once per bundle.
 */
final class RadiusDictionary {

    private RadiusDictionary() {
    }

    /** Loaded once, when first asked for; read-only from then on, so shared by the server and the dictionary. */
    private static final class Shared {
        static final Dictionary DICTIONARY = load();
    }

    /** The bundle's one dictionary. */
    static Dictionary shared() {
        return Shared.DICTIONARY;
    }

    /** A dictionary of one's own (tests). */
    static Dictionary load() {
        MemoryDictionary dictionary = new MemoryDictionary();
        try (InputStream standard = DefaultDictionary.class.getResourceAsStream("default_dictionary");
                InputStream rfc2866 = RadiusDictionary.class.getResourceAsStream("dictionary.rfc2866");
                InputStream tunnel = RadiusDictionary.class.getResourceAsStream("dictionary.tunnel");
                InputStream microsoft = RadiusDictionary.class.getResourceAsStream("dictionary.microsoft");
                InputStream vendors = RadiusDictionary.class.getResourceAsStream("dictionary.vendors")) {
            DictionaryParser.parseDictionary(standard, dictionary);
            DictionaryParser.parseDictionary(rfc2866, dictionary);
            DictionaryParser.parseDictionary(tunnel, dictionary);
            DictionaryParser.parseDictionary(microsoft, dictionary);
            DictionaryParser.parseDictionary(vendors, dictionary);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the RADIUS dictionaries shipped in the bundles do not load", e);
        }
        return dictionary;
    }
}
