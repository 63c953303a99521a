package org.radmfa.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.radmfa.api.config.InvalidConfigurationException;

class PipelineSettingsTest {

    @Test
    void theKeysAndDefaultsAreTheConfigurationTypesAsTheyAlwaysWere() {
        assertEquals(Set.of("mfaTimeoutSeconds", "defaultDirectory", "decisionLogSize", "mfaFailMode",
                "mfaFailOpenGroups", "mfaMaxPushes", "mfaPushWindowSeconds", "mfaReconnectGraceMinutes",
                "mfaConnector.target"), Set.copyOf(PipelineSettings.TYPE.keys()));
        assertEquals(new PipelineSettings(Duration.ofSeconds(50), "local", 1000, PipelineSettings.FailOpen.OFF, 5,
                Duration.ofSeconds(600), Duration.ZERO), PipelineSettings.defaults());
    }

    @Test
    void valuesFromAFileAreReadAsTheirTypes() throws InvalidConfigurationException {
        PipelineSettings settings = PipelineSettings.read(Map.of("mfaTimeoutSeconds", "25", "defaultDirectory",
                " corp ", "decisionLogSize", "10", "mfaMaxPushes", "0", "mfaPushWindowSeconds", "60",
                "mfaReconnectGraceMinutes", "3"));
        assertEquals(new PipelineSettings(Duration.ofSeconds(25), "corp", 10, PipelineSettings.FailOpen.OFF, 0,
                Duration.ofSeconds(60), Duration.ofMinutes(3)), settings);
    }

    @Test
    void aNumberBelowItsFloorIsTheFloorAsBefore() throws InvalidConfigurationException {
        PipelineSettings settings = PipelineSettings.read(Map.of("mfaTimeoutSeconds", "0", "decisionLogSize", "-1",
                "mfaMaxPushes", "-1", "mfaPushWindowSeconds", "0", "mfaReconnectGraceMinutes", "-5"));
        assertEquals(new PipelineSettings(Duration.ofSeconds(1), "local", 0, PipelineSettings.FailOpen.OFF, -1,
                Duration.ofSeconds(1), Duration.ZERO), settings);
    }

    @Test
    void aValueThatIsNoNumberIsRefusedWithFileAndKey() {
        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                () -> PipelineSettings.read(Map.of("felix.fileinstall.filename", "/opt/radmfa/etc/org.radmfa"
                        + ".pipeline.cfg", "mfaTimeoutSeconds", "fifty")));
        assertEquals("etc/org.radmfa.pipeline.cfg", refused.source());
        assertEquals("mfaTimeoutSeconds", refused.key());
    }

    @Test
    void failOpenOnlyWhenSaidSoAndGroupsAreCaseInsensitive() throws InvalidConfigurationException {
        assertEquals(new PipelineSettings.FailOpen(true, Set.of("break-glass", "ops")), PipelineSettings.read(
                Map.of("mfaFailMode", " ACCEPT ", "mfaFailOpenGroups", "Break-Glass, ,ops")).failOpen());
        assertFalse(PipelineSettings.read(Map.of("mfaFailMode", "acept")).failOpen().enabled(),
                "a misspelt mode is reject");
        assertTrue(PipelineSettings.read(Map.of("mfaFailMode", "accept")).failOpen().groups().isEmpty());
    }
}
