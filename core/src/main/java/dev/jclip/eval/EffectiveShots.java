package dev.jclip.eval;

/**
 * The "effective shots" of zero-shot transfer: how many labelled examples per class a linear probe
 * needs to match zero-shot accuracy. Found where the k-shot curve first reaches the zero-shot
 * accuracy, interpolating linearly between measured points on log₂ k (the axis the curve is drawn
 * on, where accuracy grows roughly linearly).
 *
 * @param shots examples per class; with {@link Bound#AT_MOST} the smallest k measured, with
 *              {@link Bound#MORE_THAN} the largest
 * @param bound whether {@code shots} is an interpolated value or only a bound
 */
public record EffectiveShots(double shots, Bound bound) {
    /** How to read {@link #shots()}. */
    public enum Bound {
        /** Interpolated between two measured k. */
        INTERPOLATED,
        /** The probe already matches zero-shot at the smallest k measured: at most that many. */
        AT_MOST,
        /** The probe never reaches zero-shot: more than the largest k measured. */
        MORE_THAN
    }

    /**
     * Interpolates the crossing.
     *
     * @param shots     measured k, strictly increasing and positive
     * @param accuracy  probe accuracy at each k
     * @param zeroShot  zero-shot accuracy on the same test set
     */
    public static EffectiveShots of(double[] shots, double[] accuracy, double zeroShot) {
        if (shots.length == 0 || shots.length != accuracy.length) {
            throw new IllegalArgumentException(shots.length + " shot counts and " + accuracy.length + " accuracies");
        }
        for (int i = 0; i < shots.length; i++) {
            if (!(shots[i] > 0) || i > 0 && !(shots[i] > shots[i - 1])) {
                throw new IllegalArgumentException("shot counts must be positive and increasing");
            }
        }
        if (accuracy[0] >= zeroShot) {
            return new EffectiveShots(shots[0], Bound.AT_MOST);
        }
        for (int i = 1; i < shots.length; i++) {
            if (accuracy[i] >= zeroShot) {
                double t = (zeroShot - accuracy[i - 1]) / (accuracy[i] - accuracy[i - 1]);
                double lo = log2(shots[i - 1]), hi = log2(shots[i]);
                return new EffectiveShots(Math.pow(2, lo + t * (hi - lo)), Bound.INTERPOLATED);
            }
        }
        return new EffectiveShots(shots[shots.length - 1], Bound.MORE_THAN);
    }

    /** A short reading such as {@code "3.4"}, {@code "≤ 1"} or {@code "> 16"}. */
    public String describe() {
        String v = shots == Math.rint(shots) ? Long.toString((long) shots) : String.format(java.util.Locale.ROOT, "%.2f", shots);
        return switch (bound) {
            case INTERPOLATED -> v;
            case AT_MOST -> "≤ " + v;
            case MORE_THAN -> "> " + v;
        };
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }
}
