package org.radmfa.webconsole.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.function.Consumer;

/** Test doubles for the API's service interfaces: only the methods a test names answer; any other call fails. */
final class Fakes {

    interface Answer {
        Object apply(Object[] args) throws Exception;
    }

    private Fakes() {
    }

    static <T> T service(Class<T> type, Map<String, Answer> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            Answer answer = answers.get(method.getName());
            if (answer == null) {
                throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName());
            }
            try {
                return answer.apply(args == null ? new Object[0] : args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    /** What a view writes. */
    static String render(Consumer<PrintWriter> view) {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            view.accept(out);
        }
        return text.toString();
    }
}
