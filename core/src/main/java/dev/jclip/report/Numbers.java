package dev.jclip.report;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** Locale-independent number formatting for chart labels and report cells. */
final class Numbers {
    private Numbers() {
    }

    /** A {@link DecimalFormat} with '.' decimals whatever the default locale, so reports read the same everywhere. */
    static DecimalFormat decimal(String pattern) {
        return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
    }

    /**
     * A short human form: integers as they are, other values with up to four decimals when
     * moderate in size, scientific notation when very small or large (learning rates, counts of
     * samples), and "NaN"/"Infinity" spelled out.
     */
    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e6) {
            return decimal("0.####").format(v);
        }
        return decimal("0.###E0").format(v);
    }

    /** {@link #format(double)} for numbers; other values via {@code toString}, null as empty. */
    static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double || v instanceof Float) {
            return format(((Number) v).doubleValue());
        }
        return v.toString();
    }
}
