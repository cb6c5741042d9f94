package dev.jclip.experiments.zst;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;

/**
 * Python's number formatting and {@code statistics} as the experiment's tables used them, so the
 * Java tables equal the published ones digit for digit. Python rounds the exact binary value of a
 * double, ties to even ({@code "%.1f" % 0.25} is "0.2"); Java's {@code %.1f} rounds its shortest
 * decimal form half up ("0.3"), which would change a few table cells.
 */
final class Py {
    private static final MathContext EXACT_ENOUGH = new MathContext(60);

    private Py() {
    }

    /** {@code "%.Nf" % v}. */
    static String fixed(double v, int digits) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
        // Python keeps the sign of a negative number that rounds to zero
        return (v < 0 || (v == 0 && 1 / v < 0)) && !s.startsWith("-") ? "-" + s : s;
    }

    /** {@code "%.Pg" % v} for P &ge; 1: P significant digits, fixed or exponent form, trailing zeros dropped. */
    static String general(double v, int precision) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return fixed(v, 0);
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0" : "0";
        }
        BigDecimal r = new BigDecimal(v).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exp = r.precision() - r.scale() - 1; // the decimal exponent after rounding
        if (exp < -4 || exp >= precision) {
            BigDecimal mantissa = r.movePointLeft(exp);
            String m = strip(mantissa.setScale(precision - 1, RoundingMode.HALF_EVEN).toPlainString());
            return m + (exp < 0 ? "e-" : "e+") + String.format("%02d", Math.abs(exp));
        }
        return strip(r.setScale(Math.max(precision - 1 - exp, 0), RoundingMode.HALF_EVEN).toPlainString());
    }

    private static String strip(String s) {
        if (!s.contains(".")) {
            return s;
        }
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Python's {@code float(s)}: also "nan", "inf" and "-inf" in any case, which Double.parseDouble refuses. */
    static double parseFloat(String s) {
        String t = s.strip().toLowerCase(java.util.Locale.ROOT);
        return switch (t.startsWith("+") ? t.substring(1) : t) {
            case "nan", "-nan" -> Double.NaN;
            case "inf", "infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(t);
        };
    }

    /** {@code statistics.mean}: the exact mean, rounded once to a double. */
    static double mean(List<Double> v) {
        if (v.isEmpty()) {
            throw new IllegalArgumentException("mean requires at least one data point");
        }
        if (v.stream().anyMatch(x -> Double.isNaN(x))) {
            return Double.NaN; // as Python's sum of the values would be
        }
        return exactSum(v).divide(BigDecimal.valueOf(v.size()), EXACT_ENOUGH).doubleValue();
    }

    /** {@code statistics.stdev}: the sample standard deviation, from the exact sum of squared deviations. */
    static double stdev(List<Double> v) {
        if (v.size() < 2) {
            throw new IllegalArgumentException("stdev requires at least two data points");
        }
        if (v.stream().anyMatch(x -> Double.isNaN(x))) {
            return Double.NaN;
        }
        BigDecimal n = BigDecimal.valueOf(v.size());
        BigDecimal mean = exactSum(v).divide(n, EXACT_ENOUGH);
        BigDecimal ss = BigDecimal.ZERO;
        for (double x : v) {
            BigDecimal d = new BigDecimal(x).subtract(mean);
            ss = ss.add(d.multiply(d));
        }
        return ss.divide(n.subtract(BigDecimal.ONE), EXACT_ENOUGH).sqrt(EXACT_ENOUGH).doubleValue();
    }

    private static BigDecimal exactSum(List<Double> v) {
        BigDecimal s = BigDecimal.ZERO;
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("not a finite number: " + x);
            }
            s = s.add(new BigDecimal(x));
        }
        return s;
    }
}
