package org.radmfa.proxy.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for tests, made with the JDK's own keytool (no library): a CA, and certificates it signs, valid now
 * or expired. Each certificate is a PKCS#12 file (password {@value #PASSWORD}) with its chain, and PEM files of the
 * certificate and the CA.
 */
final class TestPki {
    static final String PASSWORD = "changeit";
    private final Path dir;
    private final String caName;

    TestPki(Path dir, String caName) throws Exception {
        this.dir = dir;
        this.caName = caName;
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + caName,
                "-ext", "bc:c", "-validity", "3650", "-keystore", store(caName).toString());
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", store(caName).toString(), "-file",
                caPem().toString());
    }

    Path caPem() {
        return dir.resolve(caName + "-ca.pem");
    }

    /** A PKCS#12 file with a certificate for {@code cn}, signed by this CA, with these subjectAltNames. */
    Path issue(String cn, String san, boolean expired) throws Exception {
        Path store = store(cn);
        keytool("-genkeypair", "-alias", "key", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn,
                "-keystore", store.toString());
        Path request = dir.resolve(cn + ".csr");
        keytool("-certreq", "-alias", "key", "-keystore", store.toString(), "-file", request.toString());
        Path certificate = pem(cn);
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore",
                store(caName).toString(), "-infile", request.toString(), "-outfile", certificate.toString()));
        if (san != null) {
            gencert.addAll(List.of("-ext", "SAN=" + san));
        }
        if (expired) {
            gencert.addAll(List.of("-startdate", "2020/01/01 00:00:00", "-validity", "30"));
        }
        keytool(gencert.toArray(new String[0]));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem().toString(), "-keystore",
                store.toString());
        keytool("-importcert", "-alias", "key", "-file", certificate.toString(), "-keystore", store.toString());
        return store;
    }

    Path pem(String cn) {
        return dir.resolve(cn + ".pem");
    }

    private Path store(String name) {
        return dir.resolve(name + ".p12");
    }

    private void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", arguments) + ": " + output);
        }
    }

    static boolean exists(Path path) {
        return Files.exists(path);
    }
}
