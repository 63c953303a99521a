package org.radmfa.management.command;

import java.time.Duration;
import java.util.Hashtable;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.radmfa.api.DecisionListener;
import org.radmfa.api.DecisionRecord;
import org.radmfa.management.command.completers.ClientNameCompleter;

/**
 * Prints decisions as they are made, until Ctrl-C, {@code --count} decisions or {@code --timeout} seconds. The
 * listener only queues (the deciding thread never waits for the terminal); when the terminal cannot keep up,
 * decisions are skipped and the number skipped is printed.
 */
@Command(scope = "radmfa", name = "tail", description = "Prints decisions as they are made (Ctrl-C stops)")
@Service
public class TailCommand implements Action {
    private static final int QUEUE = 10_000;

    @Reference
    BundleContext bundleContext;

    @Option(name = "-n", aliases = "--count", description = "Stop after this many decisions (0: no limit)")
    int count;

    @Option(name = "--timeout", description = "Stop after this many seconds (default 3600)")
    int timeoutSeconds = 3600;

    @Option(name = "-c", aliases = "--client", description = "Only decisions for requests from this client")
    @Completion(ClientNameCompleter.class)
    String client;

    @Option(name = "-u", aliases = "--user", description = "Only decisions for this User-Name")
    String user;

    @Option(name = "-t", aliases = "--trace", description = "Print each decision's trace")
    boolean trace;

    @Override
    public Object execute() {
        BlockingQueue<DecisionRecord> queue = new ArrayBlockingQueue<>(QUEUE);
        AtomicLong skipped = new AtomicLong();
        DecisionListener listener = record -> {
            if ((client == null || client.equalsIgnoreCase(record.client()))
                    && (user == null || user.equalsIgnoreCase(record.userName())) && !queue.offer(record)) {
                skipped.incrementAndGet();
            }
        };
        ServiceRegistration<DecisionListener> registration = bundleContext.registerService(DecisionListener.class,
                listener, new Hashtable<>());
        long deadline = System.nanoTime() + Duration.ofSeconds(Math.max(1, timeoutSeconds)).toNanos();
        int printed = 0;
        try {
            System.out.println("Waiting for decisions (Ctrl-C stops)...");
            while ((count <= 0 || printed < count) && System.nanoTime() < deadline) {
                DecisionRecord record = queue.poll(200, TimeUnit.MILLISECONDS);
                long lost = skipped.getAndSet(0);
                if (lost > 0) {
                    System.out.println("(" + lost + " decisions skipped: the terminal is too slow)");
                }
                if (record != null) {
                    print(record);
                    printed++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            registration.unregister();
        }
        return null;
    }

    private void print(DecisionRecord record) {
        System.out.println(record.time() + " " + record.id() + " " + record.client() + " '" + record.userName()
                + "' " + record.decision().outcome() + " " + record.decision().reason()
                + (record.decision().policyName() == null ? "" : " policy '" + record.decision().policyName() + "'")
                + " " + record.millis() + " ms" + (record.decision().detail() == null ? ""
                        : " - " + record.decision().detail()));
        if (trace) {
            record.decision().trace().forEach(line -> System.out.println("    " + line));
        }
        System.out.flush();
    }
}
