package dev.jclip.examples;

import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's Java blocks are exactly the compiled examples, and its Maven coordinates are the build's. */
class ReadmeExamplesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** The marked regions of ReadmeExamples.java, indentation removed. */
    private static Map<String, String> regions() throws Exception {
        List<String> lines = Files.readAllLines(ROOT.resolve("core/src/test/java/dev/jclip/examples/ReadmeExamples.java"));
        Map<String, String> out = new LinkedHashMap<>();
        String name = null;
        List<String> body = new ArrayList<>();
        for (String l : lines) {
            String t = l.strip();
            if (t.startsWith("// README ")) {
                if (t.equals("// README end")) {
                    out.put(name, dedent(body));
                    name = null;
                } else {
                    name = t.substring("// README ".length());
                    body = new ArrayList<>();
                }
            } else if (name != null) {
                body.add(l);
            }
        }
        return out;
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l.length() >= indent ? l.substring(indent) : l.strip()).append('\n');
        }
        return sb.toString();
    }

    private static String readme() throws Exception {
        return Files.readString(ROOT.resolve("README.md"));
    }

    @Test
    void readmeJavaBlocksAreTheCompiledExamples() throws Exception {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme());
        while (m.find()) {
            blocks.add(m.group(1));
        }
        Map<String, String> regions = regions();
        assertEquals(2, regions.size(), regions.keySet().toString());
        assertEquals(List.copyOf(regions.values()), blocks, "README.md's ```java blocks differ from ReadmeExamples.java");
    }

    @Test
    void theManyModelsExampleRuns() throws Exception {
        ReadmeExamples.manyModels(List.of(Shared.fixtures("models/vit-s/openai_state_dict.pt").toString(),
                Shared.fixtures("models/vit-s/hf").toString()));
    }

    @Test
    void readmeGivesTheBuildsCoordinates() throws Exception {
        String pom = Files.readString(ROOT.resolve("core/pom.xml"));
        String version = Files.readString(ROOT.resolve("pom.xml")).replaceAll("(?s).*?<artifactId>jclip-parent</artifactId>\\s*<version>([^<]+)</version>.*", "$1");
        assertTrue(pom.contains("<artifactId>jclip-core</artifactId>"));
        String readme = readme();
        assertTrue(readme.contains("<groupId>dev.jclip</groupId>\n    <artifactId>jclip-core</artifactId>\n    <version>" + version + "</version>"),
                "README's dependency snippet should name dev.jclip:jclip-core:" + version);
    }
}
