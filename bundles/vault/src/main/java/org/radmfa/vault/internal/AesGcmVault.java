package org.radmfa.vault.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.SecretVault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's secret vault: AES-256-GCM under a key kept in its own file, readable by the appliance's user only
 * and created on first use; configuration files hold only {@code {aes-gcm}...} values. For what must be readable
 * again: CHAP passwords (NPS's "reversible encryption"), TOTP seeds.
 */
@Component(service = SecretVault.class, configurationPid = AesGcmVault.PID)
@Designate(ocd = AesGcmVault.Config.class)
public final class AesGcmVault implements SecretVault {
    static final String PID = "org.radmfa.vault";
    static final String PREFIX = "{aes-gcm}";
    private static final Logger LOG = LoggerFactory.getLogger(AesGcmVault.class);
    private static final int IV_BYTES = 12;

    @ObjectClassDefinition(name = "radmfa secret vault",
            description = "Key for the secrets kept with reversible encryption (CHAP passwords, TOTP seeds)")
    @interface Config {
        @AttributeDefinition(name = "Key file",
                description = "32 random bytes, base64; created on first use. Empty: etc/radmfa-vault.key")
        String keyFile() default "";
    }

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    @Activate
    public AesGcmVault(Config config) throws IOException {
        this(config.keyFile().isBlank() ? Path.of(System.getProperty("karaf.etc", "etc"), "radmfa-vault.key")
                : Path.of(config.keyFile()));
    }

    AesGcmVault(Path keyFile) throws IOException {
        this.key = new SecretKeySpec(loadOrCreate(keyFile), "AES");
    }

    private byte[] loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] fresh = new byte[32];
            random.nextBytes(fresh);
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n");
                LOG.info("Created the secret vault key {}", file);
                return fresh;
            } catch (FileAlreadyExistsException e) {
                // Created meanwhile by another instance: read it below.
            }
        }
        byte[] loaded = Base64.getDecoder().decode(Files.readString(file).trim());
        if (loaded.length != 32) {
            throw new IOException(file + " does not hold a 256-bit key");
        }
        return loaded;
    }

    @Override
    public String seal(String clear) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(clear.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is part of every Java runtime", e);
        }
    }

    @Override
    public String open(String sealed) {
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalArgumentException("is not a " + PREFIX + " value");
        }
        try {
            byte[] raw = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, raw, 0, IV_BYTES));
            return new String(cipher.doFinal(raw, IV_BYTES, raw.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("does not decrypt with this appliance's vault key");
        }
    }
}
