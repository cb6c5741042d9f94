package dev.jclip.eval;

import dev.jclip.data.CocoCaptionsDataset;
import dev.jclip.data.CsvDataset;
import dev.jclip.data.DataSources;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Images with one or more captions each, for retrieval: a COCO captions file (images beside it or
 * in a given folder) or a CSV/TSV manifest whose rows sharing an image path are that image's
 * captions. Images without a caption are left out.
 *
 * @param description  type and path, for reports
 * @param images       image files, in the source's order
 * @param captions     the captions of each image
 * @param fingerprint  a key identifying the data (files, sizes, times, limit)
 */
public record CaptionedImages(String description, List<Path> images, List<List<String>> captions, String fingerprint) {
    public CaptionedImages {
        images = List.copyOf(images);
        captions = captions.stream().map(List::copyOf).toList();
        if (images.size() != captions.size()) {
            throw new IllegalArgumentException(images.size() + " images but " + captions.size() + " caption lists");
        }
    }

    /**
     * Opens a captioned set.
     *
     * @param limit at most this many images, the first ones (≤ 0: all)
     */
    public static CaptionedImages open(DataSources.Spec spec, int limit) throws IOException {
        String type = DataSources.detect(spec);
        Path path = Path.of(spec.path());
        Fingerprint fp = new Fingerprint().add("kind", "captioned").add("type", type).add("limit", limit).addFiles(path);
        List<Path> images = new ArrayList<>();
        List<List<String>> caps = new ArrayList<>();
        switch (type) {
            case "coco" -> {
                CocoCaptionsDataset d = CocoCaptionsDataset.open(path, spec.cocoImages());
                images.addAll(d.imageFiles());
                caps.addAll(d.captionsPerImage());
                if (!images.isEmpty()) {
                    fp.addFiles(images.get(0).getParent());
                }
            }
            case "csv", "tsv" -> {
                CsvDataset d = CsvDataset.open(path, type.equals("tsv") ? '\t' : ',', spec.csvImageKey(), spec.csvCaptionKey(), null);
                fp.add("image", spec.csvImageKey()).add("caption", spec.csvCaptionKey());
                Map<Path, List<String>> grouped = new LinkedHashMap<>();
                for (int i = 0; i < d.size(); i++) {
                    grouped.computeIfAbsent(d.imageFile(i), k -> new ArrayList<>()).add(d.caption(i));
                }
                images.addAll(grouped.keySet());
                caps.addAll(grouped.values());
            }
            default -> throw new IllegalArgumentException("retrieval needs captions: a COCO captions json or a CSV/TSV "
                    + "manifest, not a " + type + " dataset");
        }
        List<Path> keptImages = new ArrayList<>();
        List<List<String>> keptCaps = new ArrayList<>();
        for (int i = 0; i < images.size() && (limit <= 0 || keptImages.size() < limit); i++) {
            List<String> c = caps.get(i).stream().filter(s -> s != null && !s.isBlank()).toList();
            if (!c.isEmpty()) {
                keptImages.add(images.get(i));
                keptCaps.add(c);
            }
        }
        return new CaptionedImages(type + " " + spec.path(), keptImages, keptCaps, fp.hex());
    }

    /** All captions in image order. */
    public List<String> allCaptions() {
        return captions.stream().flatMap(List::stream).toList();
    }

    /** For each caption of {@link #allCaptions()}, the index of its image. */
    public int[] imageOfCaption() {
        int[] out = new int[captions.stream().mapToInt(List::size).sum()];
        int t = 0;
        for (int i = 0; i < captions.size(); i++) {
            for (int k = 0; k < captions.get(i).size(); k++) {
                out[t++] = i;
            }
        }
        return out;
    }

    /** The same set restricted to the images at {@code positions} (those that could be decoded). */
    public CaptionedImages select(int[] positions) {
        List<Path> im = new ArrayList<>();
        List<List<String>> c = new ArrayList<>();
        for (int p : positions) {
            im.add(images.get(p));
            c.add(captions.get(p));
        }
        return new CaptionedImages(description, im, c, fingerprint);
    }
}
