package dev.jclip.download;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReleasedModelsTest {
    private static final String HASH = "ab".repeat(32);

    @Test
    void bundledRegistryMatchesEveryShapesFixture() throws IOException {
        Path shapes = Shared.fixtures("shapes");
        List<Path> files;
        try (Stream<Path> s = Files.list(shapes)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        ReleasedModels bundled = ReleasedModels.bundled();
        assertEquals(files.size(), bundled.all().size(), "one registry entry per shapes fixture");
        ObjectMapper json = new ObjectMapper();
        for (Path f : files) {
            JsonNode fixture = json.readTree(f.toFile());
            String name = fixture.get("name").asText();
            ReleasedModel m = bundled.get(name);
            assertEquals(name, m.name(), f.toString());
            assertEquals(URI.create(fixture.get("url").asText()), m.url(), name);
            assertEquals(fixture.get("sha256").asText(), m.sha256(), name);
        }
    }

    @Test
    void bundledRegistryHasTheNineModelsInReleaseOrder() {
        assertEquals(List.of("RN50", "RN101", "RN50x4", "RN50x16", "RN50x64",
                        "ViT-B/32", "ViT-B/16", "ViT-L/14", "ViT-L/14@336px"),
                ReleasedModels.bundled().names());
        assertEquals("ViT-L-14-336px.pt", ReleasedModels.bundled().get("ViT-L/14@336px").fileName());
    }

    @Test
    void lookupToleratesCaseAndSeparators() {
        ReleasedModels r = ReleasedModels.bundled();
        for (String spelling : List.of("ViT-B/32", "ViT-B-32", "vit-b-32", "VIT_B_32", " vit b/32 ")) {
            assertEquals("ViT-B/32", r.get(spelling).name(), spelling);
        }
        assertEquals("ViT-L/14@336px", r.get("ViT-L-14-336px").name());
        assertEquals("ViT-L/14@336px", r.get("vit-l/14@336PX").name());
        assertEquals("ViT-L/14", r.get("vit-l-14").name());
        assertEquals("RN50x4", r.get("rn50x4").name());
        assertEquals("RN50", r.get("rn50").name());
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        ReleasedModels r = ReleasedModels.bundled();
        assertTrue(r.find("ViT-H/14").isEmpty());
        assertTrue(r.find(null).isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.get("ViT-H/14"));
        assertTrue(e.getMessage().contains("ViT-H/14"), e.getMessage());
        for (String known : r.names()) {
            assertTrue(e.getMessage().contains(known), e.getMessage());
        }
    }

    @Test
    void customRegistryRejectsNamesThatLookTheSame() {
        ReleasedModel a = new ReleasedModel("Tiny-1", URI.create("http://127.0.0.1/a.pt"), HASH);
        ReleasedModel b = new ReleasedModel("tiny/1", URI.create("http://127.0.0.1/b.pt"), HASH);
        assertThrows(IllegalArgumentException.class, () -> new ReleasedModels(List.of(a, b)));
        assertEquals("Tiny-1", new ReleasedModels(List.of(a)).get("TINY_1").name());
    }

    @Test
    void entriesAreValidated() {
        URI ok = URI.create("https://example.org/m.pt");
        assertThrows(IllegalArgumentException.class, () -> new ReleasedModel("m", ok, "abc"));
        assertThrows(IllegalArgumentException.class, () -> new ReleasedModel(" ", ok, HASH));
        assertThrows(IllegalArgumentException.class,
                () -> new ReleasedModel("m", URI.create("file:///tmp/m.pt"), HASH));
        assertThrows(IllegalArgumentException.class, () -> new ReleasedModel("m", URI.create("m.pt"), HASH));
        assertEquals(HASH, new ReleasedModel("m", ok, HASH.toUpperCase()).sha256(), "hash stored lower-case");
    }

    @Test
    void parseReportsBadEntries() {
        String bad = "{\"models\":[{\"name\":\"x\",\"url\":\"https://e.org/x.pt\",\"sha256\":\"nothex\"}]}";
        IOException e = assertThrows(IOException.class, () -> ReleasedModels.parse(
                new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8)), "test.json"));
        assertTrue(e.getMessage().contains("test.json"), e.getMessage());
        assertThrows(IOException.class, () -> ReleasedModels.parse(
                new ByteArrayInputStream("[]".getBytes(StandardCharsets.UTF_8)), "test.json"));
    }
}
