package dev.jclip.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * COCO captions ({@code images[{id, file_name}]}, {@code annotations[{image_id, caption}]}):
 * one sample per caption for training, and images with all their captions for retrieval
 * evaluation. The image folder defaults to the one named like the json's split (e.g.
 * {@code captions_val2017.json} → {@code ../val2017}).
 */
public final class CocoCaptionsDataset implements IndexedDataset {
    private final List<Path> imageFiles = new ArrayList<>();
    private final List<List<String>> captions = new ArrayList<>();
    private final List<int[]> pairs = new ArrayList<>(); // (image index, caption index)

    private CocoCaptionsDataset() {
    }

    public static CocoCaptionsDataset open(Path json, Path imagesOrNull) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        if (!root.has("images") || !root.has("annotations")) {
            throw new IOException(json + " is not a COCO captions file (needs 'images' and 'annotations')");
        }
        Path images = imagesOrNull;
        if (images == null) {
            String name = json.getFileName().toString().replaceFirst("^captions_", "").replaceFirst("\\.json$", "");
            images = json.toAbsolutePath().getParent().getParent().resolve(name);
        }
        CocoCaptionsDataset d = new CocoCaptionsDataset();
        Map<Long, Integer> index = new LinkedHashMap<>();
        for (JsonNode im : root.get("images")) {
            index.put(im.get("id").asLong(), d.imageFiles.size());
            d.imageFiles.add(images.resolve(im.get("file_name").asText()));
            d.captions.add(new ArrayList<>());
        }
        for (JsonNode a : root.get("annotations")) {
            Integer i = index.get(a.get("image_id").asLong());
            if (i == null) {
                continue; // a caption of an image outside this split
            }
            d.pairs.add(new int[]{i, d.captions.get(i).size()});
            d.captions.get(i).add(a.get("caption").asText().strip());
        }
        return d;
    }

    /** Images in json order. */
    public List<Path> imageFiles() {
        return List.copyOf(imageFiles);
    }

    /** Captions of each image, in json order. */
    public List<List<String>> captionsPerImage() {
        return captions.stream().map(List::copyOf).toList();
    }

    @Override
    public int size() {
        return pairs.size();
    }

    @Override
    public Sample get(int i) throws IOException {
        int[] p = pairs.get(i);
        Path f = imageFiles.get(p[0]);
        return new Sample(f.getFileName() + "#" + p[1], new ImageData.Encoded(Files.readAllBytes(f), f.toString()),
                captions.get(p[0]).get(p[1]), -1);
    }

    @Override
    public List<String> classNames() {
        return List.of();
    }
}
