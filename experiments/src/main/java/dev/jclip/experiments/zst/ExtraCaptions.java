package dev.jclip.experiments.zst;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Captioned seen-side data for the zero-shot transfer experiment (rounds 2 and 3 of
 * docs/zero-shot-transfer.md). With only the 59 seen class names the image tower is fitted to 59
 * points of the text tower's space; this adds images whose captions are other texts, none naming a
 * held-out class:
 * <ul>
 *   <li>Tux Paint stamps (Debian tuxpaint-stamps-default, GPL-2): PNG drawings with a one-line
 *       English caption, flattened onto white and scaled to 96 px (ImageMagick);</li>
 *   <li>COCO-mini (SHARED/data/coco-mini): 159 photos with 5 captions each, scaled to 96 px;</li>
 *   <li>CIFAR-10 test photos (SHARED/data/cifar10/test), N per class, captioned from the
 *       train-photo templates with the class name.</li>
 * </ul>
 * Builds OUT/extra/ once (images, and extra.tsv with every candidate row), then for each
 * OUT/split-SEED/split.json writes train-mixed.tsv (seen Caltech photos with one train-photo
 * template each, plus the extra rows whose caption names no held-out class) and
 * train-mixed-shuffled.tsv (the same rows with the captions permuted against the images: the
 * shuffled-names control). Every random choice is {@link PyRandom}'s, seeded as
 * {@code scripts/zst-extra.py} seeded Python's, so the files are the ones the published runs used.
 */
public final class ExtraCaptions {
    private ExtraCaptions() {
    }

    /** The train-photo caption templates ("a photo of a {}."), as the core ships them. */
    static List<String> templates() throws IOException {
        try (InputStream in = ExtraCaptions.class.getResourceAsStream("/dev/jclip/zeroshot/templates/train-photo.txt")) {
            if (in == null) {
                throw new IOException("train-photo.txt is missing from jclip-core");
            }
            List<String> out = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                if (!PyText.strip(l).isEmpty() && !l.startsWith("#")) {
                    out.add(PyText.strip(l));
                }
            }
            return out;
        }
    }

    /** Runs the step: OUT/extra/ if missing, then the mixed files of every split under OUT; one summary line per split. */
    public static List<String> run(Path out, Path shared, int cifarPerClass) throws IOException {
        List<String> templates = templates();
        Path extra = out.resolve("extra");
        List<List<String>> rows;
        if (Files.isRegularFile(extra.resolve("extra.tsv"))) {
            List<List<String>> all = Tsv.read(extra.resolve("extra.tsv"));
            rows = all.subList(1, all.size());
        } else {
            rows = build(extra, shared, cifarPerClass, templates);
        }
        List<String> lines = new ArrayList<>();
        for (String s : SplitTrees.list(out, false)) {
            Path meta = out.resolve(s).resolve("split.json");
            if (s.startsWith("split-") && Files.isRegularFile(meta)) {
                lines.add(mix(out.resolve(s), RunSummary.JSON.readTree(meta.toFile()), rows, templates));
            }
        }
        return lines;
    }

    private static List<List<String>> build(Path extra, Path shared, int cifarPerClass, List<String> templates)
            throws IOException {
        List<List<String>> rows = new ArrayList<>();
        String tool = Tools.convertTool();
        Path stamps = extra.resolve("deb/usr/share/tuxpaint/stamps");
        if (!Files.isDirectory(stamps)) {
            Tools.debianPackage("tuxpaint-stamps-default", extra.resolve("deb"));
        }
        Files.createDirectories(extra.resolve("tux"));
        // os.walk, sorted by folder path
        List<Path> dirs;
        try (Stream<Path> w = Files.walk(stamps)) {
            dirs = w.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        }
        for (Path d : dirs) {
            for (String f : SplitTrees.list(d, false)) {
                if (Files.isDirectory(d.resolve(f))) {
                    continue;
                }
                String[] be = PyText.splitext(f);
                Path txt = d.resolve(be[0] + ".txt");
                if (!be[1].equals(".png") || !Files.isRegularFile(txt)) {
                    continue;
                }
                String caption = PyText.strip(firstLine(txt));
                if (caption.isEmpty()) {
                    continue;
                }
                String rel = stamps.relativize(d.resolve(be[0])).toString().replace("/", "__");
                Path dst = extra.resolve("tux").resolve(rel + ".jpg");
                if (!Files.isRegularFile(dst)) {
                    Tools.scale(tool, d.resolve(f), dst);
                }
                rows.add(List.of("tux", abs(dst), caption));
            }
        }
        Path coco = shared.resolve("data/coco-mini");
        Files.createDirectories(extra.resolve("coco"));
        for (String part : List.of("train2017", "val2017")) {
            JsonNode ann = RunSummary.JSON.readTree(coco.resolve("annotations/captions_" + part + ".json").toFile());
            Map<Long, String> files = new HashMap<>();
            ann.get("images").forEach(i -> files.put(i.get("id").asLong(), i.get("file_name").asText()));
            List<JsonNode> annotations = new ArrayList<>();
            ann.get("annotations").forEach(annotations::add);
            annotations.sort(Comparator.comparingLong(a -> a.get("id").asLong()));
            for (JsonNode a : annotations) {
                String file = files.get(a.get("image_id").asLong());
                Path dst = extra.resolve("coco").resolve(file);
                if (!Files.isRegularFile(dst)) {
                    Tools.scale(tool, coco.resolve(part).resolve(file), dst);
                }
                rows.add(List.of("coco", abs(dst), String.join(" ", PyText.split(a.get("caption").asText()))));
            }
        }
        Path cifar = shared.resolve("data/cifar10");
        List<String> names = Files.readAllLines(cifar.resolve("classes.txt"), StandardCharsets.UTF_8).stream()
                .map(PyText::strip).filter(l -> !l.isEmpty()).toList();
        PyRandom rng = new PyRandom("cifar");
        for (String n : names) {
            List<String> files = SplitTrees.list(cifar.resolve("test").resolve(n), false);
            for (String f : files.subList(0, Math.min(cifarPerClass, files.size()))) {
                rows.add(List.of("cifar10", abs(cifar.resolve("test").resolve(n).resolve(f)), rng.choice(templates).replace("{}", n)));
            }
        }
        List<List<String>> all = new ArrayList<>();
        all.add(List.of("source", "filepath", "title"));
        all.addAll(rows);
        Tsv.write(extra.resolve("extra.tsv"), all);
        return rows;
    }

    /** Writes one split's mixed files; returns the line zst-extra.py printed for it. */
    static String mix(Path split, JsonNode meta, List<List<String>> rows, List<String> templates) throws IOException {
        int seed = meta.get("seed").asInt();
        List<String> held = new ArrayList<>();
        meta.get("val_unseen").forEach(n -> held.add(n.asText()));
        meta.get("test_unseen").forEach(n -> held.add(n.asText()));
        Pattern pat = PyText.namesPattern(held);
        PyRandom rng = new PyRandom("mixed/" + seed);
        List<String[]> caltech = photos(split.resolve("train-seen"), seed, templates);
        // train-shuffled holds the same photos under permuted names: pair each photo with its permuted caption
        Map<String, String> permuted = new HashMap<>();
        photos(split.resolve("train-shuffled"), seed, templates).forEach(pc -> permuted.put(pc[0], pc[1]));
        List<String[]> caltechShuffled = caltech.stream().map(pc -> new String[]{pc[0], permuted.get(pc[0])}).toList();
        List<List<String>> kept = rows.stream().filter(r -> !pat.matcher(r.get(2)).find()).toList();
        List<String> captions = new ArrayList<>(kept.stream().map(r -> r.get(2)).toList());
        List<String> shuffled = new ArrayList<>(captions);
        rng.shuffle(shuffled);
        List<List<String>> mixed = new ArrayList<>();
        List<List<String>> mixedShuffled = new ArrayList<>();
        mixed.add(List.of("filepath", "title"));
        mixedShuffled.add(List.of("filepath", "title"));
        caltech.forEach(pc -> mixed.add(List.of(pc[0], pc[1])));
        caltechShuffled.forEach(pc -> mixedShuffled.add(List.of(pc[0], pc[1])));
        for (int i = 0; i < kept.size(); i++) {
            mixed.add(List.of(kept.get(i).get(1), captions.get(i)));
            mixedShuffled.add(List.of(kept.get(i).get(1), shuffled.get(i)));
        }
        Tsv.write(split.resolve("train-mixed.tsv"), mixed);
        Tsv.write(split.resolve("train-mixed-shuffled.tsv"), mixedShuffled);
        Map<String, Integer> bySource = new TreeMap<>();
        kept.forEach(r -> bySource.merge(r.get(0), 1, Integer::sum));
        HashSet<String> distinct = new HashSet<>();
        mixed.subList(1, mixed.size()).forEach(r -> distinct.add(r.get(1)));
        return "%s: %d Caltech rows + %d extra rows (%s), %d extra captions dropped for naming a held-out class, %d distinct captions"
                .formatted(split.getFileName(), caltech.size(), kept.size(),
                        String.join(", ", bySource.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()),
                        rows.size() - kept.size(), distinct.size());
    }

    /** Every photo of a class-folder tree (real path) with one template filled with its folder's name. */
    private static List<String[]> photos(Path tree, int seed, List<String> templates) throws IOException {
        PyRandom r = new PyRandom("mixed/" + seed); // the same template per photo in both trees
        List<String[]> out = new ArrayList<>();
        for (String name : SplitTrees.list(tree, false)) {
            for (String f : SplitTrees.list(tree.resolve(name), false)) {
                out.add(new String[]{tree.resolve(name).resolve(f).toRealPath().toString(), r.choice(templates).replace("{}", name)});
            }
        }
        return out;
    }

    /** Python's os.path.abspath: absolute and normalised, no link resolved. */
    static String abs(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

    /** The first line of a UTF-8 file (universal newlines), as readline() gives it, without the line end. */
    private static String firstLine(Path txt) throws IOException {
        String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(txt))).toString();
        int end = s.length();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n' || s.charAt(i) == '\r') {
                end = i;
                break;
            }
        }
        return s.substring(0, end);
    }
}
