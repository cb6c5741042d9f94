package dev.jclip.eval;

import dev.jclip.Clip;
import dev.jclip.data.DataSources;
import dev.jclip.data.Sample;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Evaluation data: splits, shifts, labelled sets from every source, and the feature cache. */
class EvalDataTest {
    @Test
    void splitsAreStratifiedDisjointAndSeeded() {
        int[] labels = new int[50];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 5; // 10 per class
        }
        int[][] s = Splits.stratified(labels, 0.2, 1);
        assertEquals(40, s[0].length);
        assertEquals(10, s[1].length);
        assertEquals(2, Splits.minPerClass(labels, s[1]));
        assertTrue(Arrays.stream(s[0]).noneMatch(i -> Arrays.stream(s[1]).anyMatch(j -> j == i)));
        assertArrayEquals(s[1], Splits.stratified(labels, 0.2, 1)[1]);
        assertNotEquals(Arrays.toString(s[1]), Arrays.toString(Splits.stratified(labels, 0.2, 2)[1]));
        int[] k = Splits.kShot(labels, s[0], 3, 7);
        assertEquals(15, k.length);
        assertEquals(3, Splits.minPerClass(labels, k));
        assertTrue(Arrays.stream(k).allMatch(i -> Arrays.stream(s[0]).anyMatch(j -> j == i)));
        assertArrayEquals(k, Splits.kShot(labels, s[0], 3, 7));
    }

    @Test
    void shifts() {
        int size = 8;
        byte[] img = new byte[3 * size * size];
        for (int i = 0; i < img.length; i++) {
            img[i] = (byte) (i * 37);
        }
        byte[] g = img.clone();
        ImageShift.parse("gray").apply(g, size, 0);
        assertArrayEquals(Arrays.copyOfRange(g, 0, 64), Arrays.copyOfRange(g, 64, 128));
        assertArrayEquals(Arrays.copyOfRange(g, 0, 64), Arrays.copyOfRange(g, 128, 192));
        byte[] flat = new byte[3 * size * size];
        Arrays.fill(flat, (byte) 200);
        for (String s : new String[]{"blur:1.5", "contrast:0.3", "pixelate:3", "gray"}) {
            byte[] f = flat.clone();
            ImageShift.parse(s).apply(f, size, 0);
            assertArrayEquals(flat, f, s + " must leave a flat gray image alone");
        }
        byte[] n1 = img.clone(), n2 = img.clone(), n3 = img.clone();
        ImageShift noise = ImageShift.parse("noise:0.2+blur");
        noise.apply(n1, size, 42);
        noise.apply(n2, size, 42);
        noise.apply(n3, size, 43);
        assertArrayEquals(n1, n2);
        assertTrue(!Arrays.equals(n1, n3) && !Arrays.equals(n1, img));
        assertEquals(List.of("blur", "noise:0.05", "gray+contrast"),
                ImageShift.parseList("blur, noise:0.05,gray+contrast").stream().map(ImageShift::name).toList());
        assertThrows(IllegalArgumentException.class, () -> ImageShift.parse("fog"));
        assertThrows(IllegalArgumentException.class, () -> ImageShift.parse("blur:-1"));
    }

    @Test
    void labelledSetsFromFoldersShardsAndCsv(@TempDir Path dir) throws Exception {
        Path cifar = Shared.path("data/cifar10");
        LabelledSet folder = LabelledSet.open(DataSources.Spec.of(cifar.resolve("test").toString(), "auto"), null, 10);
        assertEquals(10, folder.expectedSize());
        assertEquals("airplane", folder.classNames().get(0));
        List<Integer> labels = new ArrayList<>();
        folder.samples().forEachRemaining(s -> labels.add(s.label()));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), labels); // evenly spaced over the sorted folders

        String shards = cifar.resolve("train-shards/cifar10-train-{000000..000001}.tar.gz").toString();
        LabelledSet web = LabelledSet.open(DataSources.Spec.of(shards, "auto").withClassNames(cifar.resolve("classes.txt").toString()), null, 7);
        List<Sample> got = new ArrayList<>();
        web.samples().forEachRemaining(got::add);
        assertEquals(7, got.size());
        assertTrue(got.stream().allMatch(s -> s.label() >= 0 && s.label() < 10));
        assertEquals(10, web.classNames().size());

        Path csv = dir.resolve("set.csv");
        Files.writeString(csv, "filepath,label\n" + cifar.resolve("test/cat/0000.jpg") + ",3\n"
                + cifar.resolve("test/dog/0000.jpg") + ",5\n");
        LabelledSet manifest = LabelledSet.open(DataSources.Spec.of(csv.toString(), "auto"), "label", 0);
        Iterator<Sample> it = manifest.samples();
        assertEquals(3, it.next().label());
        assertEquals(5, it.next().label());
        assertTrue(manifest.classNames().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> LabelledSet.open(DataSources.Spec.of(csv.toString(), "auto"), null, 0));
        assertNotEquals(folder.fingerprint(), LabelledSet.open(DataSources.Spec.of(cifar.resolve("test").toString(), "auto"), null, 11).fingerprint());
    }

    @Test
    void captionedImagesFromCoco() throws Exception {
        Path json = Shared.path("data/coco-mini/annotations/captions_val2017.json");
        CaptionedImages c = CaptionedImages.open(DataSources.Spec.of(json.toString(), "auto"), 3);
        assertEquals(3, c.images().size());
        assertEquals(c.allCaptions().size(), c.imageOfCaption().length);
        assertTrue(c.captions().stream().allMatch(l -> l.size() >= 5));
        assertTrue(Files.isRegularFile(c.images().get(0)));
        CaptionedImages sel = c.select(new int[]{2});
        assertEquals(c.images().get(2), sel.images().get(0));
    }

    @Test
    void secondRunReadsFeaturesFromTheCache(@TempDir Path dir) throws Exception {
        Path model = Shared.fixtures("models/vit-s/openai_state_dict.pt");
        LabelledSet set = LabelledSet.open(DataSources.Spec.of(Shared.path("data/cifar10/test").toString(), "auto"), null, 6);
        FeatureStore.Options o = new FeatureStore.Options(4, 2, false, 0);
        Clip clip = Clip.load(model.toString());
        String fp = FeatureStore.modelFingerprint(model);

        FeatureCache first = FeatureCache.at(dir);
        Features a = new FeatureStore(clip, fp, first, o).images(set, null);
        assertEquals(1, first.misses());
        assertEquals(6, a.size());
        assertEquals(64, a.dim());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }

        FeatureCache second = FeatureCache.at(dir);
        FeatureStore again = new FeatureStore(clip, fp, second, o);
        Features b = again.images(set, null);
        assertEquals(1, second.hits());
        assertEquals(0, second.misses());
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.positions(), b.positions());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.vectors()[i], b.vectors()[i]);
        }
        // a shift or another model is another key
        Features gray = again.images(set, ImageShift.parse("gray"));
        assertEquals(1, second.misses());
        assertTrue(!Arrays.equals(a.vectors()[0], gray.vectors()[0]));
        assertNotEquals(fp, FeatureStore.modelFingerprint(Shared.fixtures("models/vit-t/openai_state_dict.pt")));

        // text features and zero-shot classifiers go through the cache too
        float[][] t1 = again.texts(List.of("a cat", "a dog"), "test");
        float[][] t2 = new FeatureStore(clip, fp, FeatureCache.at(dir), o).texts(List.of("a cat", "a dog"), "test");
        assertArrayEquals(t1[1], t2[1]);
        assertArrayEquals(clip.encodeTexts(List.of("a dog"))[0], t1[1], 1e-4f); // batch of one vs two: float noise
        var zs = again.zeroShot(List.of("cat", "dog"), dev.jclip.zeroshot.Templates.bundled("generic"));
        var ref = clip.zeroShot(List.of("cat", "dog"), dev.jclip.zeroshot.Templates.bundled("generic"));
        assertArrayEquals(ref.classEmbeddings()[1], zs.classEmbeddings()[1], 1e-6f);
    }
}
