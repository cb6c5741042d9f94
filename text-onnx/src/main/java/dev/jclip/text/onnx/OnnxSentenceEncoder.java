package dev.jclip.text.onnx;

import ai.onnxruntime.OnnxTensor;
import dev.jclip.text.SentenceEncoder;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT-style sentence encoder exported to ONNX (inputs {@code input_ids}, {@code attention_mask}
 * and optionally {@code token_type_ids}; output {@code last_hidden_state} [N, L, D]), run by ONNX
 * Runtime with its {@link WordPieceTokenizer}: the sentence vector is the mean of the token states
 * under the attention mask, L2-normalized (sentence-transformers' Pooling + Normalize modules, as
 * all-MiniLM-L6-v2 is published).
 */
public final class OnnxSentenceEncoder implements SentenceEncoder {
    private final String id;
    private final WordPieceTokenizer tokenizer;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final boolean typeIds;
    private final int dim;
    private final int batch;

    /**
     * @param id      identity for caches (name plus a digest of the model bytes)
     * @param model   the ONNX file's bytes
     * @param threads intra-op threads (0: ONNX Runtime's default)
     * @param batch   texts per run; 1 for dynamically quantized models, whose activation ranges are
     *                taken over the whole batch, so a text's vector would depend on its batch-mates
     */
    public OnnxSentenceEncoder(String id, byte[] model, WordPieceTokenizer tokenizer, int threads, int batch) {
        this.id = id;
        this.batch = Math.max(1, batch);
        this.tokenizer = tokenizer;
        try {
            env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            if (threads > 0) {
                opts.setIntraOpNumThreads(threads);
            }
            session = env.createSession(model, opts);
            typeIds = session.getInputNames().contains("token_type_ids");
            if (!session.getInputNames().contains("input_ids") || !session.getInputNames().contains("attention_mask")) {
                throw new IllegalArgumentException("the ONNX model " + id + " lacks input_ids/attention_mask inputs: "
                        + session.getInputNames());
            }
            dim = (int) encodeBatch(List.of("dimension probe"))[0].length;
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load the ONNX sentence encoder " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int dim() {
        return dim;
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public float[][] encode(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        try {
            for (int i = 0; i < texts.size(); i += batch) {
                out.addAll(List.of(encodeBatch(texts.subList(i, Math.min(texts.size(), i + batch)))));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on " + id + ": " + e.getMessage(), e);
        }
        return out.toArray(new float[0][]);
    }

    private float[][] encodeBatch(List<String> texts) throws OrtException {
        int n = texts.size();
        int[][] ids = new int[n][];
        int len = 0;
        for (int i = 0; i < n; i++) {
            ids[i] = tokenizer.encode(texts.get(i));
            len = Math.max(len, ids[i].length);
        }
        // pad to the batch's longest row only: mean pooling under the mask makes padding irrelevant
        long[] input = new long[n * len], mask = new long[n * len], types = new long[n * len];
        java.util.Arrays.fill(input, tokenizer.padId());
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < ids[i].length; j++) {
                input[i * len + j] = ids[i][j];
                mask[i * len + j] = 1;
            }
        }
        long[] shape = {n, len};
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(input), shape));
            in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (typeIds) {
                in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
            }
            try (OrtSession.Result r = session.run(in)) {
                float[][][] hidden = (float[][][]) r.get(0).getValue();
                float[][] out = new float[n][];
                for (int i = 0; i < n; i++) {
                    out[i] = meanPooledNormalized(hidden[i], ids[i].length);
                }
                return out;
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    private static float[] meanPooledNormalized(float[][] states, int valid) {
        int d = states[0].length;
        double[] sum = new double[d];
        for (int t = 0; t < valid; t++) {
            for (int k = 0; k < d; k++) {
                sum[k] += states[t][k];
            }
        }
        double norm = 0;
        for (int k = 0; k < d; k++) {
            sum[k] /= valid;
            norm += sum[k] * sum[k];
        }
        norm = Math.max(Math.sqrt(norm), 1e-12);
        float[] out = new float[d];
        for (int k = 0; k < d; k++) {
            out[k] = (float) (sum[k] / norm);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
