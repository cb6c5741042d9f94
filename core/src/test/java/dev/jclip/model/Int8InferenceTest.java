package dev.jclip.model;

import dev.jclip.Clip;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optional int8 mode stays close to fp32: per-row cosine similarity of the features and the
 * image-text ranking on the fixture model's inputs. Its drift is reported, not hidden.
 */
class Int8InferenceTest {
    static double minCosine(float[][] a, float[][] b) {
        double worst = 1;
        for (int i = 0; i < a.length; i++) {
            double d = 0, na = 0, nb = 0;
            for (int j = 0; j < a[i].length; j++) {
                d += a[i][j] * b[i][j];
                na += a[i][j] * a[i][j];
                nb += b[i][j] * b[i][j];
            }
            worst = Math.min(worst, d / Math.sqrt(na * nb));
        }
        return worst;
    }

    @Test
    void int8FeaturesStayCloseToFp32() throws Exception {
        Map<String, HostTensor> io = SafeTensors.read(Shared.fixtures("models/vit-s/io.safetensors"));
        Clip fp32 = Clip.of(ModelLoader.load(Shared.fixtures("models/vit-s/openai_state_dict.pt")).model());
        Clip int8 = Clip.of(ModelLoader.load(Shared.fixtures("models/vit-s/openai_state_dict.pt")).model());
        int8.model().quantizeInt8();
        for (int i = 0; i < 3; i++) {
            System.gc(); // the packed weights must not depend on temporaries the collector can free
            Thread.sleep(50);
        }
        float[][] i32 = fp32.encodePixels(io.get("pixels")), i8 = int8.encodePixels(io.get("pixels"));
        float[][] t32 = fp32.encodeTokens(io.get("tokens")), t8 = int8.encodeTokens(io.get("tokens"));
        double ci = minCosine(i32, i8), ct = minCosine(t32, t8);
        float[][] s32 = Clip.similarity(Clip.normalized(i32), Clip.normalized(t32));
        float[][] s8 = Clip.similarity(Clip.normalized(i8), Clip.normalized(t8));
        int agree = 0;
        for (int i = 0; i < s32.length; i++) {
            agree += argmax(s32[i]) == argmax(s8[i]) ? 1 : 0;
        }
        System.out.printf("int8 vs fp32 (vit-s fixture): image cosine >= %.5f, text cosine >= %.5f, best text agrees for %d/%d images%n",
                ci, ct, agree, s32.length);
        assertTrue(ci > 0.99 && ct > 0.99, "int8 drifted: image " + ci + ", text " + ct);
    }

    /** The int8 patch product must be the patch convolution's arithmetic (a wrong patch order gives cosine near 0). */
    @Test
    void int8PatchEmbeddingIsThePatchConvolution() {
        org.bytedeco.pytorch.global.torch.manual_seed(3);
        VisionTransformer vit = new VisionTransformer(32, 8, 64, 1, 2, 32);
        vit.eval();
        try (var ng = new org.bytedeco.pytorch.NoGradGuard()) {
            // 35 px: the convolution drops the last 3 rows and columns, so must the product
            var px = org.bytedeco.pytorch.global.torch.randn(2, 3, 35, 35);
            float[][] e32 = rows(vit.embed(px));
            vit.prepare(dev.jclip.runtime.Precision.INT8);
            float[][] e8 = rows(vit.embed(px));
            vit.prepare(dev.jclip.runtime.Precision.FP32);
            float[][] back = rows(vit.embed(px));
            double c = minCosine(e32, e8);
            System.out.printf("int8 patch embedding vs the fp32 convolution: token cosine >= %.5f%n", c);
            assertTrue(c > 0.999, "int8 patch embedding drifted: " + c);
            assertTrue(minCosine(e32, back) > 0.999999, "fp32 after int8 is the convolution again");
        }
    }

    private static float[][] rows(org.bytedeco.pytorch.Tensor x) {
        int d = (int) x.size(-1);
        float[] all = dev.jclip.tensor.Torch.toFloatArray(x.contiguous());
        float[][] r = new float[all.length / d][];
        for (int i = 0; i < r.length; i++) {
            r[i] = java.util.Arrays.copyOfRange(all, i * d, (i + 1) * d);
        }
        return r;
    }

    static int argmax(float[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[b]) {
                b = i;
            }
        }
        return b;
    }
}
