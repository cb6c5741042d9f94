package dev.jclip.zeroshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemplatesTest {
    /** Zero-shot evaluation must use wording the model never saw as a training caption. */
    @Test
    void evaluationSetsShareNoTemplateWithTheTrainingCaptions() {
        Set<String> train = new HashSet<>(Templates.bundled("train-photo").templates());
        for (String eval : List.of("clothing", "objects", "digits")) {
            Set<String> shared = new HashSet<>(Templates.bundled(eval).templates());
            shared.retainAll(train);
            assertTrue(shared.isEmpty(), eval + " repeats training captions " + shared);
        }
    }

    @Test
    void everyBundledSetLoadsAndFillsTheLabel() throws Exception {
        for (String name : Templates.BUNDLED) {
            Templates t = Templates.load(name);
            assertTrue(t.size() >= 5, name);
            t.apply("cat").forEach(s -> assertTrue(s.contains("cat") && !s.contains("{}"), s));
        }
    }

    @Test
    void loadsAPublishedListFromAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "# comment\nitap of a {}.\n\na bad photo of the {}.\n");
        assertEquals(List.of("itap of a dog.", "a bad photo of the dog."), Templates.load(f.toString()).apply("dog"));
        Files.writeString(f, "no placeholder here\n");
        assertThrows(IllegalArgumentException.class, () -> Templates.load(f.toString()));
    }
}
