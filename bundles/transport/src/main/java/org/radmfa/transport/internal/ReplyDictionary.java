package org.radmfa.transport.internal;

import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.radmfa.api.AttributeDictionary;
import org.tinyradius.dictionary.Dictionary;

/**
 * The dictionary the server encodes replies with, offered on its own so that policies can check their reply
 * attributes when they are read. A component of its own that references nothing: offered by the server, which
 * references the pipeline that references the policies, it made a cycle that SCR broke at every start (a circular
 * reference logged at ERROR, and the policies' dictionary bound a moment later).
 *
 * <p>It owns the bundle's one parsed dictionary: parsed when it is activated (immediate, so once per bundle start),
 * and handed to the server, which references it under its own class (a type no other bundle can load).
 */
@Component(service = {AttributeDictionary.class, ReplyDictionary.class}, immediate = true)
public final class ReplyDictionary implements AttributeDictionary {
    private final Dictionary dictionary;
    private final ReplyEncoder encoder;

    public ReplyDictionary() {
        this(RadiusDictionary.load());
    }

    ReplyDictionary(Dictionary dictionary) {
        this.dictionary = dictionary;
        this.encoder = new ReplyEncoder(dictionary);
    }

    /** The parsed dictionary, read-only: the server decodes requests and encodes replies with it. */
    Dictionary dictionary() {
        return dictionary;
    }

    @Override
    public Optional<String> problem(String name, String value) {
        return Optional.ofNullable(encoder.problem(name, value));
    }
}
