package org.radmfa.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FactoryDefinitionsTest {

    @interface Thing {
        String name();

        int size() default 3;

        String webconsole_configurationFactory_nameHint() default "{name}";
    }

    record Parsed(String name, int size) {
    }

    private final FactoryDefinitions<Parsed> things = new FactoryDefinitions<>("thing", ConfigType.of(Thing.class),
            config -> new Parsed(ConfigChecks.name(config, "name"), config.integer("size", 1, 10)),
            (candidate, other, otherSource, config) -> {
                if (candidate.name().equals(other.name())) {
                    throw config.invalid("name", "'" + candidate.name() + "' is already used by " + otherSource);
                }
            }).alsoKnown("extra", "condition.");

    private static Map<String, Object> file(String file, Object... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.pid", "org.example.thing~" + file);
        properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.example.thing-" + file + ".cfg");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    @Test
    void acceptsAValidDefinitionWithTheTypesDefaults() {
        FactoryDefinitions.Update<Parsed> update = things.update("a", file("a", "name", "first"));
        assertEquals(new Parsed("first", 3), update.accepted().orElseThrow());
        assertTrue(update.refusal().isEmpty());
        assertEquals("etc/org.example.thing-a.cfg", update.source());
        assertEquals(Map.of("a", new Parsed("first", 3)), things.definitions());
        assertEquals(List.of(), things.refusals());
    }

    @Test
    void aRefusedChangeNamesFileKeyAndReasonAndKeepsTheLastGoodDefinition() {
        things.update("a", file("a", "name", "first", "size", "4"));
        FactoryDefinitions.Update<Parsed> update = things.update("a", file("a", "name", "first", "size", "11"));

        Refusal refusal = update.refusal().orElseThrow();
        assertTrue(update.accepted().isEmpty());
        assertEquals("etc/org.example.thing-a.cfg", refusal.source());
        assertEquals("size", refusal.key());
        assertEquals("11 is out of range 1..10", refusal.reason());
        assertTrue(refusal.lastGoodServing());
        assertEquals("Refused thing configuration etc/org.example.thing-a.cfg: key 'size': 11 is out of range 1..10;"
                + " its last good definition keeps serving", refusal.message());
        assertEquals(new Parsed("first", 4), things.definitions().get("a"), "the last good one keeps serving");
        assertEquals(List.of(refusal), things.refusals());

        things.update("a", file("a", "name", "first", "size", "5"));
        assertEquals(List.of(), things.refusals(), "a good version clears the refusal");
        assertEquals(new Parsed("first", 5), things.definitions().get("a"));
    }

    @Test
    void aRefusalWithoutAnEarlierDefinitionSaysNothingServes() {
        Refusal refusal = things.update("a", file("a", "size", "2")).refusal().orElseThrow();
        assertFalse(refusal.lastGoodServing());
        assertEquals("name", refusal.key());
        assertTrue(refusal.message().endsWith("; no earlier version of it was accepted, so nothing of it serves yet"),
                refusal.message());
        assertTrue(things.definitions().isEmpty());
    }

    @Test
    void aClashWithAnotherDefinitionIsRefusedAndNamesTheOtherFile() {
        things.update("a", file("a", "name", "same"));
        Refusal refusal = things.update("b", file("b", "name", "same")).refusal().orElseThrow();
        assertEquals("'same' is already used by etc/org.example.thing-a.cfg", refusal.reason());
        assertEquals(List.of("a"), List.copyOf(things.definitions().keySet()));
        // A definition does not clash with its own earlier version.
        assertTrue(things.update("a", file("a", "name", "same", "size", "7")).accepted().isPresent());
    }

    @Test
    void whatTheOwnerCannotInstallIsRefusedToo() {
        things.update("a", file("a", "name", "first"));
        FactoryDefinitions.Update<Parsed> update = things.update("a", file("a", "name", "second"),
                (pid, definition, config) -> {
                    throw config.invalid("name", "taken elsewhere");
                });
        assertEquals("taken elsewhere", update.refusal().orElseThrow().reason());
        assertEquals("first", things.definitions().get("a").name());
    }

    @Test
    void unknownKeysAreWarnedAboutInFilesAndRefusedWhenGiven() {
        FactoryDefinitions.Update<Parsed> update = things.update("a", file("a", "name", "n", "szie", "4", "extra",
                "x", "condition.Foo", "y", ".secret", "z"));
        assertEquals(List.of("etc/org.example.thing-a.cfg: key 'szie' is not a thing setting and is ignored"),
                update.warnings());
        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                () -> things.validate(Map.of("name", "n", "szie", "4")));
        assertEquals("szie", refused.key());
        assertEquals("is not a thing setting", refused.reason());
        assertThrows(InvalidConfigurationException.class, () -> things.validate(Map.of("size", "4")));
        assertEquals(new Parsed("n", 3), assertDoesNotThrowValidate(Map.of("name", "n")));
    }

    private Parsed assertDoesNotThrowValidate(Map<String, ?> properties) {
        try {
            return things.validate(properties);
        } catch (InvalidConfigurationException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void readingAgainTakesWhatWasLastGivenRefusedOrNot() {
        things.update("a", file("a", "name", "first"));
        things.update("a", file("a", "name", "first", "size", "4"), (pid, definition, config) -> {
            throw config.invalid("size", "not now");
        });
        List<FactoryDefinitions.Update<Parsed>> again = things.readAgain((pid, definition, config) -> {
        });
        assertEquals(1, again.size());
        assertEquals(new Parsed("first", 4), things.definitions().get("a"), "the refused change, accepted now");
        things.update("b", file("b", "name", "second", "size", "12"));
        assertEquals(1, things.readAgain(List.of("b", "never-given"), (pid, definition, config) -> {
        }).size(), "only the PIDs asked for, and only those given");
        things.remove("a");
        assertEquals(1, things.readAgain((pid, definition, config) -> {
        }).size());
        things.remove("b");
        assertTrue(things.readAgain((pid, definition, config) -> {
        }).isEmpty(), "a removed configuration is not read again");
    }

    @Test
    void removingForgetsTheDefinitionAndItsRefusal() {
        things.update("a", file("a", "name", "first"));
        things.update("a", file("a", "name", ""));
        assertEquals("first", things.remove("a").orElseThrow().name());
        assertTrue(things.definitions().isEmpty());
        assertTrue(things.refusals().isEmpty());
        assertTrue(things.remove("a").isEmpty());
    }

    @Test
    void aSealedValueWithoutAVaultWaitsForItAndIsNotReportedAsAMistake() {
        FactoryDefinitions<Parsed> sealed = new FactoryDefinitions<>("thing", ConfigType.of(Thing.class), config -> {
            if (config.string("name", "").startsWith(ConfigChecks.SEALED)) {
                throw config.waitsForVault("name");
            }
            return new Parsed(ConfigChecks.name(config, "name"), 3);
        });
        Refusal waiting = sealed.update("a", file("a", "name", "{aes-gcm}xyz")).refusal().orElseThrow();
        assertTrue(waiting.waitsForVault());
        assertEquals("is sealed ({aes-gcm}...) but no secret vault is running", waiting.reason());
        assertEquals("thing configuration etc/org.example.thing-a.cfg waits for the secret vault: key 'name' is"
                + " sealed; it serves once a vault has opened it", waiting.message());

        sealed.update("b", file("b", "name", "first"));
        Refusal meanwhile = sealed.update("b", file("b", "name", "{aes-gcm}xyz")).refusal().orElseThrow();
        assertTrue(meanwhile.message().endsWith("its last good definition keeps serving meanwhile"),
                meanwhile.message());

        Refusal mistake = sealed.update("c", file("c", "name", "")).refusal().orElseThrow();
        assertFalse(mistake.waitsForVault());
        assertTrue(mistake.message().startsWith("Refused thing configuration"), mistake.message());
        assertEquals(mistake, new Refusal(mistake.pid(), mistake.kind(), mistake.source(), mistake.key(),
                mistake.reason(), mistake.lastGoodServing()), "the 1.2 constructor makes a mistake's refusal");
    }
}
