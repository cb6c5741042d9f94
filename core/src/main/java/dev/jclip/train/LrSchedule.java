package dev.jclip.train;

import java.util.Locale;

/** Learning rate as a function of the optimizer step (open_clip's schedules). */
@FunctionalInterface
public interface LrSchedule {
    double lr(long step);

    /** Linear warmup to {@code base}, then cosine decay to zero at {@code total}. */
    static LrSchedule cosine(double base, long warmup, long total) {
        return step -> {
            if (step < warmup) {
                return base * (step + 1) / warmup;
            }
            long e = step - warmup, es = Math.max(1, total - warmup);
            return 0.5 * (1 + Math.cos(Math.PI * Math.min(e, es) / es)) * base;
        };
    }

    /** Linear warmup, then constant. */
    static LrSchedule constant(double base, long warmup) {
        return step -> step < warmup ? base * (step + 1) / warmup : base;
    }

    /** Linear warmup, constant, then a linear cooldown to zero over the last {@code cooldown} steps. */
    static LrSchedule constantWithCooldown(double base, long warmup, long total, long cooldown) {
        return step -> {
            if (step < warmup) {
                return base * (step + 1) / warmup;
            }
            long start = total - cooldown;
            if (step < start) {
                return base;
            }
            return base * Math.max(0.0, 1.0 - (double) (step - start) / Math.max(1, cooldown));
        };
    }

    /** By name: cosine, const, const-cooldown. */
    static LrSchedule named(String name, double base, long warmup, long total, long cooldown) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cosine" -> cosine(base, warmup, total);
            case "const", "constant" -> constant(base, warmup);
            case "const-cooldown", "constant-cooldown" -> constantWithCooldown(base, warmup, total, cooldown);
            default -> throw new IllegalArgumentException("unknown schedule '" + name + "' (cosine, const, const-cooldown)");
        };
    }
}
