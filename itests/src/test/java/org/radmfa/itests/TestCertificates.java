package org.radmfa.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A private CA and certificates it issues, made with openssl as an operator would: EC P-256 keys in PEM PKCS#8, each
 * certificate for server and client use with the given subjectAltNames; one issued with validity dates in the past.
 */
final class TestCertificates {
    private final Path dir;
    private final String ca;

    TestCertificates(Path dir, String ca) throws IOException {
        this.dir = dir;
        this.ca = ca;
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                key(ca).toString(), "-out", certificate(ca).toString(), "-days", "30", "-subj", "/CN=" + ca,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    Path caCertificate() {
        return certificate(ca);
    }

    Path certificate(String name) {
        return dir.resolve(name + ".pem");
    }

    Path key(String name) {
        return dir.resolve(name + ".key");
    }

    /** A certificate for {@code name} (CN and DNS subjectAltName, and IP 127.0.0.1), valid now or long expired. */
    void issue(String name, boolean expired) throws IOException {
        Path request = dir.resolve(name + ".csr");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                key(name).toString(), "-out", request.toString(), "-subj", "/CN=" + name);
        Path extensions = dir.resolve(name + ".ext");
        Files.writeString(extensions, "subjectAltName=DNS:" + name + ",IP:127.0.0.1\n"
                + "extendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n");
        if (!expired) {
            openssl("x509", "-req", "-in", request.toString(), "-CA", certificate(ca).toString(), "-CAkey",
                    key(ca).toString(), "-CAcreateserial", "-out", certificate(name).toString(), "-days", "30",
                    "-extfile", extensions.toString());
            return;
        }
        // openssl 3.0's x509 cannot back-date; its ca command can.
        Path config = dir.resolve(ca + "-ca.cnf");
        Files.writeString(config, "[ca]\ndefault_ca = test\n[test]\ndatabase = " + dir.resolve(ca + "-index.txt")
                + "\nnew_certs_dir = " + dir + "\nserial = " + dir.resolve(ca + "-serial") + "\ndefault_md = sha256\n"
                + "policy = any\nunique_subject = no\n[any]\ncommonName = supplied\n");
        Files.writeString(dir.resolve(ca + "-index.txt"), "");
        Files.writeString(dir.resolve(ca + "-serial"), "1000\n");
        openssl("ca", "-batch", "-config", config.toString(), "-cert", certificate(ca).toString(), "-keyfile",
                key(ca).toString(), "-in", request.toString(), "-out", certificate(name).toString(), "-notext",
                "-startdate", "20200101000000Z", "-enddate", "20200201000000Z", "-extfile", extensions.toString());
    }

    private void openssl(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        Commands.Result result = Commands.run(dir, Map.of(), null, Duration.ofSeconds(60), command);
        if (result.exitCode != 0) {
            throw new IOException(result.toString());
        }
    }
}
