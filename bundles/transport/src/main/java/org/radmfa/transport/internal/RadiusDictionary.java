package org.radmfa.transport.internal;

import java.io.IOException;
import java.io.InputStream;

import org.tinyradius.dictionary.DefaultDictionary;
import org.tinyradius.dictionary.Dictionary;
import org.tinyradius.dictionary.DictionaryParser;
import org.tinyradius.dictionary.MemoryDictionary;

/**
 * TinyRadius's standard dictionary with RFC 2866's name for Interim-Update, plus the RFC 2868 tunnel attributes it lacks and the vendors a VPN appliance meets
 * (Microsoft, Cisco, Fortinet, Palo Alto). The bundle parses it once, in {@link ReplyDictionary}, which the server
 * references; no state is kept here.
 */
final class RadiusDictionary {

    private RadiusDictionary() {
    }

    /** Parses the dictionaries anew: a dictionary read-only from then on, which the caller keeps. */
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
