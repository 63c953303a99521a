package org.radmfa.transport.internal;

import java.io.IOException;
import java.io.InputStream;

import org.tinyradius.dictionary.DefaultDictionary;
import org.tinyradius.dictionary.Dictionary;
import org.tinyradius.dictionary.DictionaryParser;
import org.tinyradius.dictionary.MemoryDictionary;

/** TinyRadius's standard dictionary plus the vendors a VPN appliance meets, loaded once per server. */
final class RadiusDictionary {

    private RadiusDictionary() {
    }

    static Dictionary load() {
        MemoryDictionary dictionary = new MemoryDictionary();
        try (InputStream standard = DefaultDictionary.class.getResourceAsStream("default_dictionary");
                InputStream microsoft = RadiusDictionary.class.getResourceAsStream("dictionary.microsoft")) {
            DictionaryParser.parseDictionary(standard, dictionary);
            DictionaryParser.parseDictionary(microsoft, dictionary);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the RADIUS dictionaries shipped in the bundles do not load", e);
        }
        return dictionary;
    }
}
