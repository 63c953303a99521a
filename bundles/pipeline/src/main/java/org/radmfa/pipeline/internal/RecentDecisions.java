package org.radmfa.pipeline.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.radmfa.api.DecisionRecord;

/** The last N decisions, oldest dropped first. */
final class RecentDecisions {
    private final ArrayDeque<DecisionRecord> records = new ArrayDeque<>();
    private int capacity;

    RecentDecisions(int capacity) {
        this.capacity = capacity;
    }

    synchronized void capacity(int newCapacity) {
        capacity = newCapacity;
        trim();
    }

    synchronized void add(DecisionRecord record) {
        records.addLast(record);
        trim();
    }

    private void trim() {
        while (records.size() > capacity) {
            records.removeFirst();
        }
    }

    synchronized List<DecisionRecord> newest(int max) {
        List<DecisionRecord> result = new ArrayList<>(Math.min(max, records.size()));
        for (Iterator<DecisionRecord> it = records.descendingIterator(); it.hasNext() && result.size() < max;) {
            result.add(it.next());
        }
        return result;
    }
}
