package org.radmfa.config.support;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/** A Logger that keeps each line as "LEVEL message", with its {} placeholders filled in. */
final class RecordingLog {
    final List<String> lines = new ArrayList<>();
    final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
                String name = method.getName();
                if (name.startsWith("is")) {
                    return true;
                }
                if (List.of("error", "warn", "info", "debug", "trace").contains(name) && args != null
                        && args[0] instanceof String format) {
                    Object[] rest = new Object[args.length - 1];
                    System.arraycopy(args, 1, rest, 0, rest.length);
                    if (rest.length == 1 && rest[0] instanceof Object[] varargs) {
                        rest = varargs;
                    }
                    lines.add(name.toUpperCase(java.util.Locale.ROOT) + " "
                            + MessageFormatter.arrayFormat(format, rest).getMessage());
                    return null;
                }
                if (name.equals("getName")) {
                    return "test";
                }
                throw new UnsupportedOperationException(name);
            });
}
