package org.radmfa.config.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.radmfa.api.SecretVault;

class VaultBindingTest {
    private static SecretVault vault() {
        return new SecretVault() {
            @Override
            public String seal(String secret) {
                return secret;
            }

            @Override
            public String open(String sealed) {
                return sealed;
            }
        };
    }

    private final AtomicInteger readings = new AtomicInteger();
    private final VaultBinding binding = new VaultBinding(readings::incrementAndGet);

    @Test
    void aVaultThatComesHasTheDefinitionsReadAgain() {
        SecretVault vault = vault();
        binding.bind(vault);
        assertSame(vault, binding.get());
        assertEquals(1, readings.get());
        binding.unbind(vault);
        assertNull(binding.get());
    }

    @Test
    void theOldVaultGoingDoesNotForgetTheNewOne() {
        SecretVault old = vault();
        SecretVault replacement = vault();
        binding.bind(old);
        binding.bind(replacement);
        binding.unbind(old);
        assertSame(replacement, binding.get());
        assertEquals(2, readings.get());
    }
}
