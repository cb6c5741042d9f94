package dev.jclip.experiments.zst;

import dev.jclip.Clip;
import dev.jclip.runtime.Precision;
import dev.jclip.zeroshot.*;
import java.nio.file.*;
import java.util.*;
import java.util.stream.*;
/**
 * Zero-shot calibrations tried on validation-unseen (docs/zero-shot-transfer.md, "Calibration"):
 * plain, centred, CSLS and z-scoring against seen training images, ConSE over the seen class
 * names, and (for reference only, not zero-shot) z-scoring over the evaluated images.
 * Run: {@code scripts/zst.sh calibration MODEL EVAL_DIR SEEN_TRAIN_DIR}. A probe of ideas, not a tool:
 * what worked became {@code clip eval zeroshot --calibrate-on}.
 */
public final class ZsCalibration {
  private ZsCalibration() {
  }


  static List<Path> files(Path dir, List<String> names, List<Integer> labels, int perClassMax) throws Exception {
    List<Path> out = new ArrayList<>();
    List<String> cls = Files.list(dir).filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    names.addAll(cls);
    for (int c = 0; c < cls.size(); c++) {
      List<Path> fs = Files.list(dir.resolve(cls.get(c))).sorted().limit(perClassMax).toList();
      for (Path f : fs) { out.add(f); labels.add(c); }
    }
    return out;
  }
  static double dot(float[] a, float[] b) { double s = 0; for (int i = 0; i < a.length; i++) s += a[i] * b[i]; return s; }
  static void report(String name, double[][] score, List<Integer> labels, int nc) {
    int[] hit = new int[nc], cnt = new int[nc], pred = new int[nc]; int ok = 0;
    for (int i = 0; i < score.length; i++) {
      int best = 0; for (int c = 1; c < nc; c++) if (score[i][c] > score[i][best]) best = c;
      cnt[labels.get(i)]++; pred[best]++; if (best == labels.get(i)) { hit[best]++; ok++; }
    }
    double mr = 0; for (int c = 0; c < nc; c++) mr += (double) hit[c] / cnt[c]; mr /= nc;
    int maxPred = Arrays.stream(pred).max().getAsInt();
    System.out.printf("%-22s top1 %.3f  mean recall %.3f  largest predicted class %d/%d%n", name, (double) ok / score.length, mr, maxPred, score.length);
  }
  /** MODEL EVAL_DIR SEEN_TRAIN_DIR: class folders of the evaluated set and of the seen training images. */
  public static void main(String[] a) throws Exception {
    Path eval = Path.of(a[1]), ref = Path.of(a[2]);
    try (Clip clip = Clip.load(a[0], Precision.FP32)) {
      List<String> names = new ArrayList<>(); List<Integer> labels = new ArrayList<>();
      List<Path> ev = files(eval, names, labels, 1000);
      float[][] x = Clip.normalized(clip.encodeImages(ev));
      List<String> rn = new ArrayList<>(); List<Integer> rl = new ArrayList<>();
      float[][] r = Clip.normalized(clip.encodeImages(files(ref, rn, rl, 20)));
      ZeroShotClassifier zs = clip.zeroShot(names, Templates.load("objects"));
      float[][] w = zs.classEmbeddings();
      int nc = names.size();
      double[][] plain = new double[x.length][nc];
      for (int i = 0; i < x.length; i++) for (int c = 0; c < nc; c++) plain[i][c] = dot(x[i], w[c]);
      report("plain", plain, labels, nc);
      float[][] wc = zs.centered().classEmbeddings();
      double[][] cen = new double[x.length][nc];
      for (int i = 0; i < x.length; i++) for (int c = 0; c < nc; c++) cen[i][c] = dot(x[i], wc[c]);
      report("centered", cen, labels, nc);
      // CSLS against seen training images: a class text near many images (a hub) is penalised
      for (int kk : new int[]{5, 10, 50, r.length}) {
        double[] rc = new double[nc];
        for (int c = 0; c < nc; c++) {
          double[] s = new double[r.length]; for (int j = 0; j < r.length; j++) s[j] = dot(r[j], w[c]);
          Arrays.sort(s); double m = 0; for (int j = 0; j < kk; j++) m += s[r.length - 1 - j]; rc[c] = m / kk;
        }
        double[][] csls = new double[x.length][nc];
        for (int i = 0; i < x.length; i++) for (int c = 0; c < nc; c++) csls[i][c] = 2 * plain[i][c] - rc[c];
        report("csls-seen k=" + kk, csls, labels, nc);
      }
      // z-score each class's similarities over the seen reference images (inductive)
      double[] mu = new double[nc], sd = new double[nc];
      for (int c = 0; c < nc; c++) {
        double s1 = 0, s2 = 0; for (float[] rj : r) { double v = dot(rj, w[c]); s1 += v; s2 += v * v; }
        mu[c] = s1 / r.length; sd[c] = Math.sqrt(s2 / r.length - mu[c] * mu[c]);
      }
      double[][] z = new double[x.length][nc];
      for (int i = 0; i < x.length; i++) for (int c = 0; c < nc; c++) z[i][c] = (plain[i][c] - mu[c]) / sd[c];
      report("zscore-seen", z, labels, nc);
      double[][] zm = new double[x.length][nc];
      for (int i = 0; i < x.length; i++) for (int c = 0; c < nc; c++) zm[i][c] = plain[i][c] - mu[c];
      report("mean-sub-seen", zm, labels, nc);
      // transductive reference: the same, with the evaluation images themselves (not zero-shot protocol)
      double[] mu2 = new double[nc], sd2 = new double[nc];
      for (int c = 0; c < nc; c++) { double s1 = 0, s2 = 0; for (float[] xi : x) { double v = dot(xi, w[c]); s1 += v; s2 += v * v; }
        mu2[c] = s1 / x.length; sd2[c] = Math.sqrt(s2 / x.length - mu2[c] * mu2[c]); }
      double[][] z2 = new double[x.length][nc];
      for (int i = 0; i < x.length; i++) for (int c = 0; c < nc; c++) z2[i][c] = (plain[i][c] - mu2[c]) / sd2[c];
      report("zscore-TRANSDUCTIVE", z2, labels, nc);
      // ConSE (Norouzi et al. 2014): the convex combination of the top-T seen classes' text embeddings
      List<String> seen = Files.list(ref).filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
      float[][] ws = clip.zeroShot(seen, Templates.load("objects")).classEmbeddings();
      double scale = clip.logitScale();
      for (int T : new int[]{1, 3, 10, seen.size()}) {
        double[][] sc = new double[x.length][nc];
        for (int i = 0; i < x.length; i++) {
          double[] p = new double[ws.length];
          for (int s = 0; s < ws.length; s++) p[s] = scale * dot(x[i], ws[s]);
          Integer[] idx = new Integer[ws.length];
          for (int s = 0; s < ws.length; s++) idx[s] = s;
          Arrays.sort(idx, (u, v) -> Double.compare(p[v], p[u]));
          double mx = p[idx[0]], zsum = 0;
          float[] e = new float[ws[0].length];
          for (int t = 0; t < T; t++) {
            double wt = Math.exp(p[idx[t]] - mx);
            zsum += wt;
            for (int d = 0; d < e.length; d++) e[d] += wt * ws[idx[t]][d];
          }
          for (int c = 0; c < nc; c++) sc[i][c] = dot(e, w[c]) / zsum;
        }
        report("conse T=" + T, sc, labels, nc);
      }
    }
  }
}
