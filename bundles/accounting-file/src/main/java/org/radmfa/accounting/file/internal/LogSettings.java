package org.radmfa.accounting.file.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;

import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * The validated configuration of one log file sink (accounting or audit), read from a singleton configuration
 * ({@code etc/<pid>.cfg}) or a factory configuration ({@code etc/<pid>-<name>.cfg}).
 *
 * @param name "default" for the singleton configuration, else the factory configuration's name
 */
record LogSettings(String name, RecordFormat format, RotatingLogFile.Options options, NpsHeader header) {
    /** The factory configuration's name, when it is not taken from the file name; not in the metatype. */
    static final String NAME_KEY = "name";
    static final String DEFAULT_NAME = "default";
    private static final long MEGABYTE = 1024L * 1024;

    /**
     * @param pid the component's configuration PID, also its factory PID
     * @param kind "accounting" or "audit": the default directory and the JSON file prefix
     * @param formats the formats this kind of file can be written in
     */
    static LogSettings parse(ConfigReader config, Map<String, ?> properties, String pid, String kind,
            Set<RecordFormat> formats) throws InvalidConfigurationException {
        String name = config.string(NAME_KEY, nameOf(properties, pid));
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw config.invalid("name", "'" + name + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        RecordFormat format = RecordFormat.named(config.string("format"));
        if (format == null) {
            throw config.invalid("format", "'" + config.string("format") + "' is not one of json, dts, ias");
        }
        if (!formats.contains(format)) {
            throw config.invalid("format", "the " + kind + " file can be written as " + formats.stream()
                    .map(RecordFormat::configName).sorted().collect(java.util.stream.Collectors.joining(" or "))
                    + " only");
        }
        LogFileNaming.Period period = LogFileNaming.Period.named(config.string("rotation"));
        if (period == null) {
            throw config.invalid("rotation", "'" + config.string("rotation") + "' is not one of daily, weekly,"
                    + " monthly, none");
        }
        FailurePolicy onFailure = FailurePolicy.named(config.string("onFailure"));
        if (onFailure == null) {
            throw config.invalid("onFailure", "'" + config.string("onFailure") + "' is not one of"
                    + " withhold-response, delete-oldest, discard-requests");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(config.string("timeZone"));
        } catch (DateTimeException e) {
            throw config.invalid("timeZone", "'" + config.string("timeZone") + "' is not a time zone");
        }
        String directory = config.string("directory");
        Path path;
        if (directory.isEmpty()) {
            String folder = name.equals(DEFAULT_NAME) ? kind : kind + "-" + name;
            path = Path.of(System.getProperty("karaf.data", "data"), folder);
        } else {
            path = Path.of(directory);
        }
        String computerName = config.string("computerName");
        if (computerName.isEmpty() && format != RecordFormat.JSON) {
            computerName = hostName();
        }
        RotatingLogFile.Options options = new RotatingLogFile.Options(path, format.naming(kind, period),
                config.integer("maxFileMegabytes", 0, 1_000_000) * MEGABYTE,
                config.integer("maxFiles", 0, 1_000_000), config.integer("maxAgeDays", 0, 100_000),
                config.integer("minFreeMegabytes", 0, 10_000_000) * MEGABYTE, onFailure,
                config.integer("queueCapacity", 1, 10_000_000), zone);
        return new LogSettings(name, format, options, new NpsHeader(computerName, zone));
    }

    /** The name after the factory PID in the file name ({@code org.radmfa.accounting.file-dts.cfg}: "dts"). */
    private static String nameOf(Map<String, ?> properties, String pid) {
        String source = ConfigReader.sourceOf(properties);
        String prefix = "etc/" + pid + "-";
        if (source.startsWith(prefix) && source.endsWith(".cfg")) {
            return source.substring(prefix.length(), source.length() - ".cfg".length());
        }
        Object servicePid = properties.get("service.pid");
        if (servicePid != null && servicePid.toString().startsWith(pid + "~")) {
            return servicePid.toString().substring(pid.length() + 1);
        }
        // A factory configuration made without a name (web console): its generated PID keeps it apart from others.
        if (properties.get("service.factoryPid") != null && servicePid != null
                && servicePid.toString().length() > pid.length() + 1) {
            return servicePid.toString().substring(pid.length() + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        }
        return DEFAULT_NAME;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "radmfa";
        }
    }
}
