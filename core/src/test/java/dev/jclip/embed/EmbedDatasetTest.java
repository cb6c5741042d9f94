package dev.jclip.embed;

import dev.jclip.Clip;
import dev.jclip.data.ImageData;
import dev.jclip.data.ImageTransforms;
import dev.jclip.tensor.HostTensor;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local engine of embed-dataset on generated WebDataset shards and class folders: layout,
 * metadata, vectors equal to {@link Clip}'s, bad samples and a corrupt shard counted, resume.
 */
class EmbedDatasetTest {
    static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    static String model() {
        return Shared.fixtures("models/vit-s/openai_state_dict.pt").toString();
    }

    static float[] direct(Clip clip, byte[] png) throws Exception {
        float[] px = clip.preprocessor().preprocess(ImageTransforms.decode(new ImageData.Encoded(png, "x.png")));
        int r = clip.config().imageResolution();
        return clip.encodePixels(HostTensor.ofFloats(px, 1, 3, r, r))[0];
    }

    static void assertClose(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol, what + " [" + i + "]");
        }
    }

    @Test
    void shardsGiveOnePartitionEachWithMetadataVectorsAndCountedFailures(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        TinyDatasets.shard(data, 0, 7);
        TinyDatasets.shard(data, 1, 6, 2);               // one sample is not an image
        TinyDatasets.truncate(TinyDatasets.shard(data, 2, 40)); // a download that broke off
        Path out = dir.resolve("out");
        EmbedJob job = EmbedJob.of(data + "/shard-{000000..000002}.tar.gz", out, model()).withBatchSize(4)
                .withTexts(true);
        EmbedSummary s = EmbedDataset.run(job, "local", Map.of("threads", "2"), QUIET);

        assertEquals(3, s.partitions());
        assertEquals(3, s.finished());
        // the one-time model load is reported apart, so the rate after it can be read against the encoder benchmark
        assertTrue(s.modelLoadSeconds() >= 0 && s.modelLoadSeconds() < s.runSeconds(), s.toString());
        assertTrue(s.imagesPerSecondAfterLoad() >= s.imagesPerSecond(), s.toString());
        assertEquals(1, s.corruptShards().size(), s.toString());
        assertTrue(s.corruptShards().get(0).startsWith("part-00002: "), s.toString());
        for (String f : List.of("_job.json", "_summary.json", "part-00000.parquet", "part-00000.image.npy",
                "part-00000.text.npy", "part-00000._SUCCESS")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        try (var files = Files.list(out)) {
            assertEquals(0, files.filter(f -> f.toString().endsWith(".tmp")).count(), "temporary files left");
        }

        PartitionResult p1 = EmbeddingLayout.readMarker(out, "part-00001");
        assertEquals(5, p1.rows());
        assertEquals(1, p1.skipped());
        assertTrue(p1.errors().get(0).startsWith(TinyDatasets.key(1, 2) + ": "), p1.errors().toString());
        assertEquals("1", MetadataFile.keyValues(out.resolve("part-00001.parquet")).get("jclip.skipped"));
        PartitionResult p2 = EmbeddingLayout.readMarker(out, "part-00002");
        assertNotNull(p2.shardError());
        assertTrue(p2.rows() < 40, "rows read before the break: " + p2.rows());
        assertEquals(7 + 5 + p2.rows(), s.rows());

        Clip clip = ModelHolder.get(model(), "fp32");
        EmbeddingShards.Shard s0 = EmbeddingShards.read(out, "part-00000");
        assertEquals(7, s0.meta().size());
        for (int i = 0; i < 7; i++) {
            MetadataRow m = s0.meta().get(i);
            assertEquals(TinyDatasets.key(0, i), m.key());
            assertEquals(data.resolve("shard-000000.tar.gz").toString(), m.source());
            assertEquals(TinyDatasets.key(0, i) + ".png", m.member());
            assertEquals(TinyDatasets.caption(0, i), m.caption());
            assertEquals(i % 3, m.label());
            assertEquals(TinyDatasets.width(0, i), m.width());
            assertEquals(TinyDatasets.height(0, i), m.height());
            byte[] png = TinyDatasets.png(i, TinyDatasets.width(0, i), TinyDatasets.height(0, i));
            assertEquals(png.length, m.bytes());
            assertClose(direct(clip, png), s0.images()[i], 1e-5, "image row " + i);
            assertClose(clip.encodeTexts(List.of(m.caption()))[0], s0.texts()[i], 1e-5, "text row " + i);
        }
        List<String> keys1 = EmbeddingShards.read(out, "part-00001").meta().stream().map(MetadataRow::key).toList();
        assertEquals(List.of(TinyDatasets.key(1, 0), TinyDatasets.key(1, 1), TinyDatasets.key(1, 3),
                TinyDatasets.key(1, 4), TinyDatasets.key(1, 5)), keys1, "the bad sample is left out, order kept");
        assertEquals(s.rows(), EmbeddingShards.readAll(out).size());
    }

    @Test
    void rerunSkipsFinishedPartitionsAndRedoesOnlyTheUnfinished(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        for (int i = 0; i < 3; i++) {
            TinyDatasets.shard(data, i, 5);
        }
        Path out = dir.resolve("out");
        EmbedJob job = EmbedJob.of(data + "/shard-{000000..000002}.tar.gz", out, model()).withBatchSize(4);
        EmbedDataset.run(job, "local", Map.of(), QUIET);
        byte[] before = Files.readAllBytes(out.resolve("part-00001.image.npy"));
        FileTime t0 = Files.getLastModifiedTime(out.resolve("part-00000.image.npy"));
        // as a kill between the rename of the data files and the marker would leave it
        Files.delete(out.resolve("part-00001._SUCCESS"));
        Files.write(out.resolve(".part-00001.image.npy.1234.tmp"), new byte[]{1, 2, 3});
        Thread.sleep(20);

        EmbedSummary s = EmbedDataset.run(job, "local", Map.of(), QUIET);
        assertEquals(2, s.resumed());
        assertEquals(3, s.finished());
        assertEquals(5, s.runImages(), "only the unfinished partition is embedded again");
        assertEquals(t0, Files.getLastModifiedTime(out.resolve("part-00000.image.npy")), "finished files untouched");
        assertArrayEquals(before, Files.readAllBytes(out.resolve("part-00001.image.npy")), "same vectors again");

        EmbedJob other = job.withTexts(true);
        IOException e = assertThrows(IOException.class, () -> EmbedDataset.run(other, "local", Map.of(), QUIET));
        assertTrue(e.getMessage().contains("another job"), e.getMessage());
    }

    @Test
    void foldersAreCutIntoFixedPartitionsAndFp16IsClose(@TempDir Path dir) throws Exception {
        Path data = TinyDatasets.folders(dir.resolve("data"), 2, 5);
        Path out32 = dir.resolve("f32"), out16 = dir.resolve("f16");
        EmbedJob job = EmbedJob.of(data.toString(), out32, model()).withPartitionSize(4).withBatchSize(3);
        EmbedSummary s = EmbedDataset.run(job, "local", Map.of(), QUIET);
        assertEquals(3, s.partitions());
        assertEquals(List.of(4L, 4L, 2L), EmbeddingLayout.finishedPartitions(out32).stream().map(p -> {
            try {
                return EmbeddingLayout.readMarker(out32, p).rows();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }).toList());
        List<EmbeddingShards.Row> rows = EmbeddingShards.readAll(out32);
        assertEquals(10, rows.size());
        assertEquals(data.resolve("class1").resolve("000.png").toString(), rows.get(5).meta().source());
        assertNull(rows.get(5).meta().member());
        assertEquals(1, rows.get(5).meta().label());
        assertNull(rows.get(5).text());

        EmbedDataset.run(EmbedJob.of(data.toString(), out16, model()).withPartitionSize(4).withBatchSize(3)
                .withFp16(true), "local", Map.of(), QUIET);
        List<EmbeddingShards.Row> half = EmbeddingShards.readAll(out16);
        for (int i = 0; i < rows.size(); i++) {
            float[] a = rows.get(i).image(), b = half.get(i).image();
            for (int j = 0; j < a.length; j++) {
                assertEquals(a[j], b[j], Math.abs(a[j]) * 1e-3 + 1e-4, "fp16 row " + i);
            }
        }
    }
}
