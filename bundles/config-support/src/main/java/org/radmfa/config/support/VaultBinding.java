package org.radmfa.config.support;

import java.util.concurrent.atomic.AtomicReference;

import org.radmfa.api.SecretVault;

/**
 * The vault that definitions with sealed secrets are read with, bound optionally and dynamically by their owner: a
 * vault restart must not take the definitions away (a definition whose secret is sealed waits, its last good one
 * serving), and when a vault comes every definition is read again.
 */
public final class VaultBinding {
    private final AtomicReference<SecretVault> vault = new AtomicReference<>();
    private final Runnable readAgain;

    /** @param readAgain reads the definitions again, e.g. {@link FactoryConfigurations#readAgain()} */
    public VaultBinding(Runnable readAgain) {
        this.readAgain = readAgain;
    }

    /** The vault now, or null while none runs. */
    public SecretVault get() {
        return vault.get();
    }

    public void bind(SecretVault bound) {
        vault.set(bound);
        if (bound != null) {
            readAgain.run();
        }
    }

    /** Forgets the vault unless another one was bound meanwhile (DS binds the new one before unbinding the old). */
    public void unbind(SecretVault unbound) {
        vault.compareAndSet(unbound, null);
    }
}
