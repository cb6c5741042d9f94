package dev.jclip.eval;

import dev.jclip.tensor.Scopes;
import dev.jclip.tensor.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LBFGS;
import org.bytedeco.pytorch.LBFGSOptions;
import org.bytedeco.pytorch.LossClosure;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.function.Supplier;

/**
 * Multinomial logistic regression with an L2 penalty on the weights (not the bias), fitted with
 * libtorch's own L-BFGS ({@code torch::optim::LBFGS} with strong-Wolfe line search, called
 * through the bytedeco binding with a Java loss closure). It is the linear probe of the CLIP
 * paper, which used scikit-learn's L-BFGS logistic regression.
 *
 * <p>The objective is {@code mean cross-entropy + (λ/2)·‖W‖²}. Per-sample averaging (unlike
 * scikit-learn's summed loss with {@code C = 1/λ}) keeps a given λ meaning the same thing for 10
 * and for 10,000 training examples, which matters when one λ grid serves every k-shot size.
 * The fit runs in float64: with small λ on separable data the weights grow large and float32
 * line searches stall early.
 */
public final class LogisticRegression {
    /**
     * Stopping rules of L-BFGS.
     *
     * @param maxIterations     L-BFGS iterations at most
     * @param gradientTolerance stop when the largest gradient entry is below this
     * @param historySize       curvature pairs kept
     */
    public record Options(int maxIterations, double gradientTolerance, int historySize) {
        /** 1,000 iterations, gradient tolerance 1e-7, history 20. */
        public static Options defaults() {
            return new Options(1000, 1e-7, 20);
        }
    }

    /**
     * A fitted classifier: {@code logits = x · weightsᵀ + bias}.
     *
     * @param weights     [C][D]
     * @param bias        [C]
     * @param lambda      the L2 strength it was fitted with
     * @param objective   the final value of the objective on the training set
     * @param evaluations loss/gradient evaluations L-BFGS used
     */
    public record Model(float[][] weights, float[] bias, double lambda, double objective, int evaluations) {
        public int numClasses() {
            return bias.length;
        }

        /** Logits [N][C] of feature rows [N][D]. */
        public float[][] logits(float[][] x) {
            float[][] out = new float[x.length][bias.length];
            for (int i = 0; i < x.length; i++) {
                for (int c = 0; c < bias.length; c++) {
                    double s = bias[c];
                    float[] w = weights[c];
                    for (int d = 0; d < w.length; d++) {
                        s += (double) w[d] * x[i][d];
                    }
                    out[i][c] = (float) s;
                }
            }
            return out;
        }

        /** The most likely class of each row (lower index on ties). */
        public int[] predict(float[][] x) {
            float[][] l = logits(x);
            int[] out = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = ClassificationMetrics.argmax(l[i]);
            }
            return out;
        }

        /** Fraction of rows classified correctly. */
        public double accuracy(float[][] x, int[] y) {
            int[] p = predict(x);
            int hit = 0;
            for (int i = 0; i < p.length; i++) {
                hit += p[i] == y[i] ? 1 : 0;
            }
            return (double) hit / p.length;
        }

        /** Mean cross-entropy of the rows (no penalty): the tie-breaker between equally accurate fits. */
        public double crossEntropy(float[][] x, int[] y) {
            float[][] l = logits(x);
            double sum = 0;
            for (int i = 0; i < l.length; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (float v : l[i]) {
                    max = Math.max(max, v);
                }
                double z = 0;
                for (float v : l[i]) {
                    z += Math.exp(v - max);
                }
                sum += max + Math.log(z) - l[i][y[i]];
            }
            return sum / l.length;
        }
    }

    private LogisticRegression() {
    }

    /**
     * Fits the classifier.
     *
     * @param x          feature rows [N][D]
     * @param y          labels in [0, numClasses)
     * @param lambda     L2 strength (≥ 0)
     * @param warmStart  a previous fit to start from (same shape), or null to start from zero
     */
    public static Model fit(float[][] x, int[] y, int numClasses, double lambda, Options options, Model warmStart) {
        if (x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException(x.length + " feature rows and " + y.length + " labels");
        }
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("lambda must be >= 0, got " + lambda);
        }
        int n = x.length, dim = x[0].length;
        for (int label : y) {
            if (label < 0 || label >= numClasses) {
                throw new IllegalArgumentException("label " + label + " outside [0, " + numClasses + ")");
            }
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor xs = Torch.floats(flatten(x, dim), n, dim).to(torch.ScalarType.Double);
            long[] ly = new long[n];
            for (int i = 0; i < n; i++) {
                ly[i] = y[i];
            }
            Tensor ys = Torch.longs(ly, n);
            // W is stored [D, C] so the forward pass is one matmul without a transpose.
            Tensor w, b;
            if (warmStart != null) {
                float[] wt = new float[dim * numClasses];
                for (int c = 0; c < numClasses; c++) {
                    for (int d = 0; d < dim; d++) {
                        wt[d * numClasses + c] = warmStart.weights()[c][d];
                    }
                }
                w = Torch.floats(wt, dim, numClasses).to(torch.ScalarType.Double);
                b = Torch.floats(warmStart.bias(), numClasses).to(torch.ScalarType.Double);
            } else {
                w = Torch.floats(new float[dim * numClasses], dim, numClasses).to(torch.ScalarType.Double);
                b = Torch.floats(new float[numClasses], numClasses).to(torch.ScalarType.Double);
            }
            w.requires_grad_(true);
            b.requires_grad_(true);
            LBFGSOptions o = new LBFGSOptions(1.0);
            o.max_iter().put(options.maxIterations());
            o.max_eval().put(options.maxIterations() * 5L / 4);
            o.tolerance_grad().put(options.gradientTolerance());
            o.tolerance_change().put(1e-12);
            o.history_size().put(options.historySize());
            o.line_search_fn().put("strong_wolfe");
            LBFGS lbfgs = new LBFGS(new TensorVector(w, b), o);
            Scalar halfLambda = new Scalar(lambda / 2);
            int[] evaluations = {0};
            Closure.run(() -> Scopes.keep(() -> {
                evaluations[0]++;
                lbfgs.zero_grad();
                Tensor loss = torch.cross_entropy(xs.matmul(w).add(b), ys)
                        .add(w.pow(new Scalar(2.0)).sum().mul(halfLambda));
                loss.backward();
                return loss;
            }), lbfgs);
            try (NoGradGuard ng = new NoGradGuard()) {
                double objective = torch.cross_entropy(xs.matmul(w).add(b), ys)
                        .add(w.pow(new Scalar(2.0)).sum().mul(halfLambda)).item_double();
                float[] wv = Torch.toFloatArray(w.t().contiguous());
                float[][] weights = new float[numClasses][];
                for (int c = 0; c < numClasses; c++) {
                    weights[c] = java.util.Arrays.copyOfRange(wv, c * dim, (c + 1) * dim);
                }
                return new Model(weights, Torch.toFloatArray(b), lambda, objective, evaluations[0]);
            }
        }
    }

    private static float[] flatten(float[][] x, int dim) {
        float[] out = new float[x.length * dim];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != dim) {
                throw new IllegalArgumentException("row " + i + " has " + x[i].length + " features, expected " + dim);
            }
            System.arraycopy(x[i], 0, out, i * dim, dim);
        }
        return out;
    }

    /**
     * The loss callback handed to libtorch. JavaCPP backs each callback object with a native
     * thunk and caps how many may exist, so one shared instance dispatches to the closure of the
     * fit running on the calling thread (L-BFGS calls it synchronously on that thread).
     */
    private static final class Closure extends LossClosure {
        private static final ThreadLocal<Supplier<Tensor>> CURRENT = new ThreadLocal<>();
        private static final Closure INSTANCE = new Closure();

        static {
            // The class may first load inside a caller's PointerScope, which would free the thunk
            // when it closes; an extra reference keeps it for the life of the JVM.
            INSTANCE.retainReference();
        }

        static void run(Supplier<Tensor> loss, LBFGS lbfgs) {
            Supplier<Tensor> previous = CURRENT.get();
            CURRENT.set(loss);
            try {
                lbfgs.step(INSTANCE);
            } finally {
                CURRENT.set(previous);
            }
        }

        @Override
        public Tensor call() {
            return CURRENT.get().get();
        }
    }
}
