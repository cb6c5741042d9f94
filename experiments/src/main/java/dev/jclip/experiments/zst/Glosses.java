package dev.jclip.experiments.zst;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Dictionary descriptions of the class names (round 3 of docs/zero-shot-transfer.md): "platypus"
 * becomes "platypus, small densely furred aquatic monotreme of Australia and Tasmania having a broad
 * bill and tail and webbed feet". A definition names parts, shapes and kinds that seen and unseen
 * classes share, which is how attribute-based zero-shot learning transfers; it is looked up, never
 * written by hand, and uses no image, so the classifier stays zero-shot.
 *
 * <p>Source: WordNet 3.0 (Debian wordnet-base), unpacked into OUT/wordnet/ with apt-get download
 * when missing. Rule: the first noun sense of the name (or its plural) whose lexicographer file is a
 * physical thing (animal, artifact, body, food, object, plant); its gloss up to the first ';'. A
 * seen class whose definition names a held-out class keeps its plain name.
 *
 * <p>Writes OUT/glosses.tsv and, per OUT/split-SEED/, the trees {@code <tree>-gloss/<described name>/}
 * (links to the photos of val-unseen, unseen-test, test-seen and unseen-pool, '/' written " or "),
 * train-mixed-gloss.tsv and train-mixed-gloss-shuffled.tsv (after {@link ExtraCaptions}).
 */
public final class Glosses {
    /** noun.animal, artifact, body, food, object, plant. */
    private static final Set<String> PHYSICAL = Set.of("05", "06", "08", "13", "17", "20");
    private static final List<String> TREES = List.of("val-unseen", "unseen-test", "test-seen", "unseen-pool");

    private final Map<String, List<String>> senses = new HashMap<>();
    /** data.noun, one char per byte (Latin-1), searched for "\nOFFSET ". */
    private final String data;

    private Glosses(Path wordnet) throws IOException {
        for (String line : Files.readString(wordnet.resolve("index.noun"), StandardCharsets.ISO_8859_1).split("\n")) {
            if (line.startsWith(" ") || line.isEmpty()) {
                continue;
            }
            List<String> p = PyText.split(line);
            int first = 4 + Integer.parseInt(p.get(3)) + 2;
            senses.put(p.get(0), p.subList(Math.min(first, p.size()), p.size()));
        }
        data = Files.readString(wordnet.resolve("data.noun"), StandardCharsets.ISO_8859_1);
    }

    /** The definition of a class name, or "" when WordNet has no physical sense of it. */
    String gloss(String name) {
        String key = name.replace(" ", "_").toLowerCase(java.util.Locale.ROOT);
        for (String k : List.of(key, key + "s")) {
            for (String off : senses.getOrDefault(k, List.of())) {
                int i = data.indexOf("\n" + off + " ");
                if (i < 0) {
                    throw new IllegalStateException("synset " + off + " is missing from data.noun");
                }
                String line = data.substring(i + 1, data.indexOf('\n', i + 1));
                String lex = PyText.split(line).get(1);
                if (PHYSICAL.contains(lex)) {
                    String g = PyText.strip(line.split(" \\| ", 2)[1]);
                    return PyText.strip(g.split(";", -1)[0]);
                }
            }
        }
        return "";
    }

    /** Runs the step over every split under OUT; one summary line per split, as zst-gloss.py printed. */
    public static List<String> run(Path out) throws IOException {
        Path wn = out.resolve("wordnet/usr/share/wordnet");
        if (!Files.isDirectory(wn)) {
            Tools.debianPackage("wordnet-base", out.resolve("wordnet"));
        }
        Glosses wordnet = new Glosses(wn);
        Map<String, String> glosses = new HashMap<>();
        List<String> lines = new ArrayList<>();
        for (String s : SplitTrees.list(out, false)) {
            Path meta = out.resolve(s).resolve("split.json");
            if (s.startsWith("split-") && Files.isRegularFile(meta)) {
                lines.add(wordnet.describe(out.resolve(s), RunSummary.JSON.readTree(meta.toFile()), glosses));
            }
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("name", "gloss"));
        new TreeMap<>(glosses).forEach((n, g) -> rows.add(List.of(n, g)));
        Tsv.write(out.resolve("glosses.tsv"), rows);
        return lines;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private String describe(Path split, JsonNode meta, Map<String, String> glosses) throws IOException {
        List<String> seenList = texts(meta.get("seen"));
        List<String> held = new ArrayList<>(texts(meta.get("val_unseen")));
        held.addAll(texts(meta.get("test_unseen")));
        for (String n : seenList) {
            glosses.computeIfAbsent(n, this::gloss);
        }
        for (String n : held) {
            glosses.computeIfAbsent(n, this::gloss);
        }
        Pattern pat = PyText.namesPattern(held);
        Set<String> seen = new HashSet<>(seenList);
        java.util.function.UnaryOperator<String> described = n -> {
            String g = glosses.get(n);
            return g.isEmpty() || (seen.contains(n) && pat.matcher(g).find()) ? n : n + ", " + g;
        };
        for (String tree : TREES) {
            // the same photos under described folder names, which become the zero-shot prompts' names
            Path d = split.resolve(tree);
            Path g = split.resolve(tree + "-gloss");
            delete(g);
            for (String n : SplitTrees.list(d, false)) {
                Path dst = Files.createDirectories(g.resolve(described.apply(n).replace("/", " or ")));
                for (String f : SplitTrees.list(d.resolve(n), false)) {
                    Files.createSymbolicLink(dst.resolve(f), d.resolve(n).resolve(f).toRealPath());
                }
            }
        }
        // Caltech captions are "<template with {} = name>": describe the name in place
        String alts = String.join("|", seenList.stream().sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote).toList());
        Pattern caltech = Pattern.compile("^(.*\\b(?:a|the) )(" + alts + ")(\\.)$", Pattern.UNICODE_CHARACTER_CLASS);
        for (String[] pair : new String[][]{{"train-mixed.tsv", "train-mixed-gloss.tsv"},
                {"train-mixed-shuffled.tsv", "train-mixed-gloss-shuffled.tsv"}}) {
            List<List<String>> rows = new ArrayList<>();
            for (List<String> r : Tsv.read(split.resolve(pair[0]))) {
                rows.add(new ArrayList<>(r));
            }
            for (List<String> r : rows.subList(1, rows.size())) {
                if (r.get(0).contains("/caltech101-96/")) {
                    Matcher m = caltech.matcher(r.get(1));
                    if (!m.find()) {
                        throw new IllegalStateException("not a Caltech template caption: " + r);
                    }
                    r.set(1, m.group(1) + described.apply(m.group(2)) + m.group(3));
                }
            }
            Tsv.write(split.resolve(pair[1]), rows);
        }
        long kept = seenList.stream().filter(x -> !described.apply(x).equals(x)).count();
        long dropped = seenList.stream().filter(x -> !glosses.get(x).isEmpty() && pat.matcher(glosses.get(x)).find()).count();
        long heldDescribed = held.stream().filter(x -> !glosses.get(x).isEmpty()).count();
        return "%s: %d of %d seen classes described (%d dropped for naming a held-out class), %d of %d held-out described"
                .formatted(split.getFileName(), kept, seenList.size(), dropped, heldDescribed, held.size());
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
