package org.radmfa.management.command;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.console.Session;

/** Runs a command as the shell would and returns what it printed. */
final class CommandOutput {
    private CommandOutput() {
    }

    static String of(Action command) throws Exception {
        PrintStream shell = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            command.execute();
        } finally {
            System.setOut(shell);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** A shell session whose masked prompts are answered with these lines, in order, and that records the prompts. */
    static Session typing(List<String> prompts, String... lines) {
        Deque<String> typed = new ArrayDeque<>(List.of(lines));
        return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("readLine")) {
                        prompts.add((String) arguments[0]);
                        return typed.poll();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A batch session (a one-line {@code bin/client} command), which cannot prompt. */
    static Session batch() {
        return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, arguments) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
