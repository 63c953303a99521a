package org.radmfa.policy.internal;

import java.time.DayOfWeek;
import java.time.ZonedDateTime;
import java.util.BitSet;
import java.util.Locale;

/**
 * NPS's "Day and time restrictions": the minutes of the week when something is allowed, written as
 * {@code Mon-Fri 07:00-19:00; Sat 09:00-12:00}. Days are Mon..Sun, single or as a range (Fri-Mon wraps); a range of
 * minutes that ends before it starts runs past midnight ({@code 22:00-06:00}); {@code 00:00-24:00} is all day.
 */
final class WeeklyHours {
    private static final int MINUTES_PER_DAY = 24 * 60;
    private static final String[] DAYS = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};

    private final BitSet minutes;
    private final String text;

    private WeeklyHours(BitSet minutes, String text) {
        this.minutes = minutes;
        this.text = text;
    }

    /** @throws IllegalArgumentException naming the part that does not parse */
    static WeeklyHours parse(String text) {
        BitSet minutes = new BitSet(7 * MINUTES_PER_DAY);
        for (String entry : text.split(";")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] parts = trimmed.split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException("'" + trimmed + "' is not '<days> <HH:MM>-<HH:MM>'");
            }
            boolean[] days = days(parts[0]);
            String[] range = parts[1].split("-");
            if (range.length != 2) {
                throw new IllegalArgumentException("'" + parts[1] + "' is not '<HH:MM>-<HH:MM>'");
            }
            int from = minuteOfDay(range[0]);
            int to = minuteOfDay(range[1]);
            if (from == to) {
                throw new IllegalArgumentException("'" + parts[1] + "' is an empty range of time");
            }
            for (int day = 0; day < 7; day++) {
                if (!days[day]) {
                    continue;
                }
                int start = day * MINUTES_PER_DAY + from;
                int length = to > from ? to - from : MINUTES_PER_DAY - from + to;
                for (int i = 0; i < length; i++) {
                    minutes.set((start + i) % (7 * MINUTES_PER_DAY));
                }
            }
        }
        if (minutes.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' allows no time at all");
        }
        return new WeeklyHours(minutes, text.trim());
    }

    private static boolean[] days(String spec) {
        boolean[] days = new boolean[7];
        for (String item : spec.split(",")) {
            String[] range = item.split("-");
            int from = day(range[0]);
            int to = range.length == 2 ? day(range[1]) : from;
            for (int day = from;; day = (day + 1) % 7) {
                days[day] = true;
                if (day == to) {
                    break;
                }
            }
        }
        return days;
    }

    private static int day(String name) {
        String key = name.trim().toUpperCase(Locale.ROOT);
        for (int i = 0; i < DAYS.length; i++) {
            if (key.startsWith(DAYS[i])) {
                return i;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a day (Mon..Sun)");
    }

    private static int minuteOfDay(String time) {
        String[] parts = time.trim().split(":");
        try {
            int hours = Integer.parseInt(parts[0]);
            int minutes = parts.length == 2 ? Integer.parseInt(parts[1]) : -1;
            if (parts.length != 2 || hours < 0 || minutes < 0 || minutes > 59 || hours > 24
                    || (hours == 24 && minutes != 0)) {
                throw new NumberFormatException();
            }
            return hours * 60 + minutes;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + time + "' is not a time HH:MM");
        }
    }

    boolean allows(ZonedDateTime moment) {
        DayOfWeek day = moment.getDayOfWeek();
        return minutes.get((day.getValue() - 1) * MINUTES_PER_DAY + moment.getHour() * 60 + moment.getMinute());
    }

    @Override
    public String toString() {
        return text;
    }
}
