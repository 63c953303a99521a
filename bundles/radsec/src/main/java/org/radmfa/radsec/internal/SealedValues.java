package org.radmfa.radsec.internal;

import org.radmfa.api.SecretVault;
import org.radmfa.config.support.SealedInPlace;

/** Opens a value the vault sealed in place ({@link SealedInPlace}), such as the listener's key store password. */
final class SealedValues {
    private SealedValues() {
    }

    /** Opens a sealed value; a clear one is returned as it is. */
    static String open(String value, SecretVault vault) {
        if (value == null || !value.startsWith(SealedInPlace.SEALED)) {
            return value == null ? "" : value;
        }
        if (vault == null) {
            throw new IllegalArgumentException("is sealed (" + SealedInPlace.SEALED
                    + "...) but no secret vault is running");
        }
        try {
            return vault.open(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot be opened by this appliance's vault (another"
                    + " etc/radmfa-vault.key?)");
        }
    }
}
