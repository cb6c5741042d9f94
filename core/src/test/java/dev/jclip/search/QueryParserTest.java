package dev.jclip.search;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static dev.jclip.search.QueryTerm.Kind.IMAGE;
import static dev.jclip.search.QueryTerm.Kind.INDEXED;
import static dev.jclip.search.QueryTerm.Kind.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class QueryParserTest {
    static List<QueryTerm> parse(String... w) {
        return QueryParser.parse(List.of(w), v -> v.endsWith(".jpg"));
    }

    @Test
    void weightsSignsAndKinds() {
        assertEquals(List.of(new QueryTerm(TEXT, "a dog", 1), new QueryTerm(TEXT, "snow", 2), new QueryTerm(IMAGE, "./dark.jpg", -1)),
                parse("a dog", "+", "2:snow", "-", "./dark.jpg"));
        assertEquals(List.of(new QueryTerm(TEXT, "cat", -0.5), new QueryTerm(INDEXED, "12", 1)), parse("-", "0.5:cat", "+", "id:12"));
        assertEquals(List.of(new QueryTerm(TEXT, "photo.jpg", 1)), parse("text:photo.jpg"));
        assertEquals(List.of(new QueryTerm(IMAGE, "x", 3)), parse("3:image:x"));
        assertEquals(List.of(new QueryTerm(TEXT, "10:30 train", 1)), parse("text:10:30 train"), "only the first prefix is a weight");
    }

    @Test
    void urlsAreUrlTermsWhateverTheirScheme() {
        assertEquals(List.of(new QueryTerm(QueryTerm.Kind.URL, "https://example.com/a.jpg", 2), new QueryTerm(TEXT, "snow", -1)),
                parse("2:https://example.com/a.jpg", "-", "snow"));
        assertEquals(List.of(new QueryTerm(QueryTerm.Kind.URL, "ftp://x/y.png", 1)), parse("ftp://x/y.png"), "refused later, by name");
        assertEquals(List.of(new QueryTerm(QueryTerm.Kind.URL, "file:/etc/passwd", 1)), parse("file:/etc/passwd"));
        assertEquals(List.of(new QueryTerm(QueryTerm.Kind.URL, "http://h/x", 1)), parse("url:http://h/x"));
        assertEquals(List.of(new QueryTerm(TEXT, "https://example.com", 1)), parse("text:https://example.com"));
    }

    @Test
    void badSyntaxIsRefusedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> parse());
        assertThrows(IllegalArgumentException.class, () -> parse("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> parse("a", "+", "-", "b"));
        assertThrows(IllegalArgumentException.class, () -> parse("a", "+"));
        assertThrows(IllegalArgumentException.class, () -> parse("2:"));
        assertThrows(IllegalArgumentException.class, () -> parse("id:../etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> parse("  "));
    }

    @Test
    void combinationIsTheNormalizedWeightedSum() throws IOException {
        QueryEncoder enc = new QueryEncoder() {
            public float[] text(String t) {
                return t.equals("x") ? new float[]{2, 0} : new float[]{0, 5};
            }

            public float[] image(String p) {
                return new float[]{1, 1};
            }

            public float[] indexed(long id) {
                return new float[]{0, 1};
            }
        };
        assertArrayEquals(new float[]{0.6f, 0.8f}, QueryEncoder.combine(parse("3:x", "+", "4:y"), enc), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> QueryEncoder.combine(parse("y", "-", "id:1"), enc));
    }
}
