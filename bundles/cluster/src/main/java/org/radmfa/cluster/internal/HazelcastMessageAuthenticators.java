package org.radmfa.cluster.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.radmfa.api.SharedMessageAuthenticators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.map.IMap;

/**
 * The clients that have sent a valid Message-Authenticator, in a Hazelcast map: client name to the instant first
 * recorded. Only asynchronous calls: the transport's reading threads never wait for the cluster. Two nodes
 * recording the same client at once may each write their instant; either is right for what it is used for.
 */
final class HazelcastMessageAuthenticators implements SharedMessageAuthenticators {
    static final String RECEIVED = "radmfa-message-authenticators";
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastMessageAuthenticators.class);

    private final IMap<String, String> received;

    HazelcastMessageAuthenticators(IMap<String, String> received) {
        this.received = received;
    }

    @Override
    public void publish(String clientName, Instant first) {
        received.getAsync(clientName).thenCompose(known -> known != null
                ? CompletableFuture.<Void>completedFuture(null)
                : received.setAsync(clientName, first.toString())).whenComplete((done, failure) -> {
                    if (failure != null) {
                        LOG.warn("Could not tell the cluster that client '{}' sends Message-Authenticator ({});"
                                + " the other nodes learn it from its own requests", clientName, failure.toString());
                    }
                });
    }

    @Override
    public CompletionStage<Optional<Instant>> lookup(String clientName) {
        return received.getAsync(clientName).handle((value, failure) -> {
            if (failure != null || value == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(Instant.parse(value));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        });
    }
}
