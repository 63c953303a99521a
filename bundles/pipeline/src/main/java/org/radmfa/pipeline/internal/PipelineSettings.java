package org.radmfa.pipeline.internal;

import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's configuration, read from its configuration type ({@link RequestPipeline.Config}: keys, defaults and
 * descriptions are written there only). What the type cannot say is said here: a value that is not a number is
 * refused; a number below its floor is read as the floor (as the pipeline always did), with a warning; a fail mode
 * that is neither reject nor accept is reject.
 */
record PipelineSettings(Duration mfaTimeout, String defaultDirectory, int decisionLogSize, FailOpen failOpen,
        int mfaMaxPushes, Duration mfaPushWindow, Duration mfaReconnectGrace) {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineSettings.class);
    static final ConfigType TYPE = ConfigType.of(RequestPipeline.Config.class);

    /** Whether an unreachable MFA service lets users in, and which (lower-case group names; empty: everyone). */
    record FailOpen(boolean enabled, Set<String> groups) {
        static final FailOpen OFF = new FailOpen(false, Set.of());
    }

    /** The type's defaults. */
    static PipelineSettings defaults() {
        try {
            return read(TYPE.read(Map.of()));
        } catch (InvalidConfigurationException e) {
            throw new IllegalStateException("the pipeline's own defaults are refused: " + e.getMessage(), e);
        }
    }

    static PipelineSettings read(Map<String, ?> properties) throws InvalidConfigurationException {
        return read(TYPE.read(properties));
    }

    static PipelineSettings read(ConfigReader config) throws InvalidConfigurationException {
        int timeout = atLeast(config, "mfaTimeoutSeconds", 1);
        String directory = config.string("defaultDirectory");
        int logSize = atLeast(config, "decisionLogSize", 0);
        int maxPushes = config.integer("mfaMaxPushes", Integer.MIN_VALUE, Integer.MAX_VALUE);
        int window = atLeast(config, "mfaPushWindowSeconds", 1);
        int grace = atLeast(config, "mfaReconnectGraceMinutes", 0);
        return new PipelineSettings(Duration.ofSeconds(timeout), directory, logSize, failOpen(config), maxPushes,
                Duration.ofSeconds(window), Duration.ofMinutes(grace));
    }

    /** A whole number; below the floor it is the floor, as before, and the administrator is told. */
    private static int atLeast(ConfigReader config, String key, int floor) throws InvalidConfigurationException {
        int value = config.integer(key, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (value < floor) {
            LOG.warn("{}: key '{}': {} is below {}; {} is used", config.source(), key, value, floor, floor);
            return floor;
        }
        return value;
    }

    private static FailOpen failOpen(ConfigReader config) {
        String mode = config.string("mfaFailMode");
        boolean accept = "accept".equalsIgnoreCase(mode);
        if (!accept && !"reject".equalsIgnoreCase(mode)) {
            // Never silently open: an unknown mode is the safe one.
            LOG.error("{}: key 'mfaFailMode': '{}' is neither reject nor accept; rejecting", config.source(), mode);
        }
        Set<String> groups = new HashSet<>();
        for (String group : config.list("mfaFailOpenGroups")) {
            groups.add(group.toLowerCase(Locale.ROOT));
        }
        return new FailOpen(accept, Set.copyOf(groups));
    }
}
