package dev.jclip.util;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A one-line text progress bar, redrawn in place with {@code \r}:
 * <pre>ViT-B-32.pt  42% [##########..............] 148.2/351.3 MB  12.4 MB/s  ETA 0:16</pre>
 *
 * <p>The unit {@code "B"} is shown in megabytes (10<sup>6</sup> bytes); any other unit (steps,
 * images, ...) is shown as a plain count. With an unknown total (zero or negative) only the amount,
 * rate and elapsed time are shown. Redraws are throttled to about five per second so that a
 * caller may report progress on every chunk; {@link #finish()} draws the final state and ends the
 * line. Methods are thread-safe.
 */
public final class ProgressBar implements AutoCloseable {
    /** Minimum time between redraws: often enough to look live, rare enough to cost nothing. */
    static final long REDRAW_NANOS = 200_000_000L;
    private static final int BAR_WIDTH = 24;
    private static final double MEGA = 1e6;

    private final String label;
    private final long total;
    private final String unit;
    private final PrintStream out;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private long done;
    private long lastDrawNanos;
    private boolean drawn;
    private int lastLength;
    private boolean finished;

    /** A bar drawn on standard error. */
    public ProgressBar(String label, long total, String unit) {
        this(label, total, unit, System.err);
    }

    /** A bar drawn on {@code out}; pass a stream on {@link OutputStream#nullOutputStream()} to silence it. */
    public ProgressBar(String label, long total, String unit, PrintStream out) {
        this(label, total, unit, out, System::nanoTime);
    }

    ProgressBar(String label, long total, String unit, PrintStream out, LongSupplier nanoClock) {
        this.label = Objects.requireNonNull(label, "label");
        this.total = total;
        this.unit = Objects.requireNonNull(unit, "unit");
        this.out = Objects.requireNonNull(out, "out");
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /** A bar that draws nothing, for callers that take a bar but were asked to be quiet. */
    public static ProgressBar silent(String label, long total, String unit) {
        return new ProgressBar(label, total, unit, new PrintStream(OutputStream.nullOutputStream()));
    }

    /** Sets the amount done so far; redraws unless the last redraw was very recent. */
    public synchronized void update(long done) {
        if (finished) {
            return;
        }
        this.done = done;
        long now = nanoClock.getAsLong();
        if (!drawn || now - lastDrawNanos >= REDRAW_NANOS) {
            draw(now, false);
        }
    }

    /** Adds {@code delta} to the amount done. */
    public synchronized void add(long delta) {
        update(done + delta);
    }

    /** The amount done so far. */
    public synchronized long done() {
        return done;
    }

    /** Draws the final state (wherever it stopped) and ends the line. Later calls do nothing. */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        draw(nanoClock.getAsLong(), true);
        out.print('\n');
        out.flush();
    }

    /** Same as {@link #finish()}, so a bar can live in a try-with-resources block. */
    @Override
    public void close() {
        finish();
    }

    private void draw(long now, boolean last) {
        String line = render(now, last);
        // Pad over the tail of a longer previous line, which \r alone would leave visible.
        int pad = Math.max(0, lastLength - line.length());
        out.print('\r' + line + " ".repeat(pad));
        out.flush();
        lastLength = line.length();
        lastDrawNanos = now;
        drawn = true;
    }

    /** The line as it would be drawn now. */
    public synchronized String render() {
        return render(nanoClock.getAsLong(), finished);
    }

    private String render(long now, boolean last) {
        double seconds = Math.max(0, now - startNanos) / 1e9;
        double rate = seconds > 0 ? done / seconds : Double.NaN;
        StringBuilder sb = new StringBuilder(label);
        if (total > 0) {
            long clamped = Math.max(0, Math.min(done, total));
            int percent = (int) (clamped * 100.0 / total);
            int filled = (int) (clamped * (double) BAR_WIDTH / total);
            sb.append(String.format(Locale.ROOT, " %3d%% [", percent))
                    .append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ")
                    .append(formatAmount(done, unit, false)).append('/').append(formatAmount(total, unit, true));
        } else {
            sb.append(' ').append(formatAmount(done, unit, true));
        }
        sb.append("  ").append(formatRate(rate, unit));
        if (last || total <= 0) {
            sb.append("  in ").append(formatDuration(Duration.ofMillis(Math.round(seconds * 1000))));
        } else {
            sb.append("  ETA ").append(eta(rate));
        }
        return sb.toString();
    }

    private String eta(double rate) {
        if (!(rate > 0)) {
            return "--:--";
        }
        double remaining = Math.max(0, total - done) / rate;
        // Beyond this the estimate is noise and the number only makes the line longer.
        if (remaining > 100 * 3600) {
            return "--:--";
        }
        return formatDuration(Duration.ofSeconds((long) Math.ceil(remaining)));
    }

    /**
     * An amount in the unit's display form: megabytes with one decimal for {@code "B"}, a plain count
     * otherwise; {@code withUnit} appends the unit symbol.
     */
    public static String formatAmount(long amount, String unit, boolean withUnit) {
        if ("B".equals(unit)) {
            String mb = String.format(Locale.ROOT, "%.1f", amount / MEGA);
            return withUnit ? mb + " MB" : mb;
        }
        return withUnit ? amount + " " + unit : Long.toString(amount);
    }

    /** A rate per second, such as {@code 12.4 MB/s} or {@code 3.5 img/s}; {@code --} when not yet known. */
    public static String formatRate(double perSecond, String unit) {
        boolean bytes = "B".equals(unit);
        String symbol = bytes ? "MB" : unit;
        if (Double.isNaN(perSecond) || Double.isInfinite(perSecond) || perSecond < 0) {
            return "-- " + symbol + "/s";
        }
        double shown = bytes ? perSecond / MEGA : perSecond;
        return String.format(Locale.ROOT, "%.1f %s/s", shown, symbol);
    }

    /** A duration as {@code m:ss}, or {@code h:mm:ss} from one hour on. */
    public static String formatDuration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
