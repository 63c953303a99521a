package org.radmfa.transport.internal;

import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.radmfa.api.AttributeDictionary;

/**
 * The dictionary the server encodes replies with, offered on its own so that policies can check their reply
 * attributes when they are read. A component of its own that references nothing: offered by the server, which
 * references the pipeline that references the policies, it made a cycle that SCR broke at every start (a circular
 * reference logged at ERROR, and the policies' dictionary bound a moment later).
 */
@Component(service = AttributeDictionary.class)
public final class ReplyDictionary implements AttributeDictionary {
    private final ReplyEncoder encoder = new ReplyEncoder(RadiusDictionary.shared());

    @Override
    public Optional<String> problem(String name, String value) {
        return Optional.ofNullable(encoder.problem(name, value));
    }
}
