package dev.jclip.report;

import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;

/**
 * Axis tick labels in the form of {@link Numbers#format(double)}: "0" rather than "0E0" and
 * "5E-4" rather than "0.0005000", which is what learning-rate and log-scale axes need.
 */
final class CompactFormat extends NumberFormat {
    private static final long serialVersionUID = 1L;

    @Override
    public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
        // Tick values come from repeated additions, so 3 × 1e-4 may arrive as 3.0000000000000003e-4.
        double rounded = number == 0 ? 0 : Double.parseDouble(String.format(java.util.Locale.ROOT, "%.10g", number));
        return toAppendTo.append(Numbers.format(rounded));
    }

    @Override
    public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
        return toAppendTo.append(number);
    }

    @Override
    public Number parse(String source, ParsePosition parsePosition) {
        throw new UnsupportedOperationException("tick labels are only formatted");
    }
}
