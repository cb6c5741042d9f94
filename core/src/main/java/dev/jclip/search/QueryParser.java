package dev.jclip.search;

import dev.jclip.search.fetch.UrlFetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the query syntax of {@code clip search} and the server:
 * <pre>
 *   query  := term (sign term)*        e.g.  "a dog" + "2:snow" - ./dark.jpg
 *   sign   := "+" | "-"                 a separate word; a leading "-" negates the first term
 *   term   := [weight ":"] [kind ":"] value
 *   weight := a decimal number (default 1)
 *   kind   := "text" | "image" | "id" | "url"
 *             (default: url when value looks like scheme://..., image when it names an existing file, else text)
 * </pre>
 * The query vector is Σ sign·weight·normalize(embedding(term)), normalized again.
 */
public final class QueryParser {
    private static final Pattern WEIGHT = Pattern.compile("^([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?):(.*)$", Pattern.DOTALL);
    private static final Pattern KIND = Pattern.compile("^(text|image|id|url):(.*)$", Pattern.DOTALL);

    private QueryParser() {
    }

    /** Parses words (as the shell split them); values naming an existing regular file are images. */
    public static List<QueryTerm> parse(List<String> words) {
        return parse(words, v -> Files.isRegularFile(Path.of(v)));
    }

    /** Parses words, deciding untyped values with {@code isImage}. */
    public static List<QueryTerm> parse(List<String> words, Predicate<String> isImage) {
        List<QueryTerm> out = new ArrayList<>();
        double sign = 1;
        boolean signPending = false;
        for (String w : words) {
            if (w.equals("+") || w.equals("-")) {
                if (signPending) {
                    throw new IllegalArgumentException("two signs in a row in the query at '" + w + "'");
                }
                sign = w.equals("-") ? -1 : 1;
                signPending = true;
                continue;
            }
            if (!out.isEmpty() && !signPending) {
                throw new IllegalArgumentException("missing '+' or '-' between query terms before '" + w
                        + "' (quote a text of several words: \"a red car\")");
            }
            out.add(term(w, sign, isImage));
            sign = 1;
            signPending = false;
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("empty query");
        }
        if (signPending) {
            throw new IllegalArgumentException("the query ends with a sign");
        }
        return out;
    }

    private static QueryTerm term(String word, double sign, Predicate<String> isImage) {
        double weight = 1;
        String rest = word;
        Matcher m = WEIGHT.matcher(rest);
        if (m.matches()) {
            weight = Double.parseDouble(m.group(1));
            rest = m.group(2);
        }
        Matcher k = KIND.matcher(rest);
        QueryTerm.Kind kind;
        if (k.matches()) {
            kind = switch (k.group(1)) {
                case "text" -> QueryTerm.Kind.TEXT;
                case "image" -> QueryTerm.Kind.IMAGE;
                case "url" -> QueryTerm.Kind.URL;
                default -> QueryTerm.Kind.INDEXED;
            };
            rest = k.group(2);
        } else {
            // a URL of any scheme is a URL term, so that ftp: or file: is refused by name, not searched as text
            kind = UrlFetcher.looksLikeUrl(rest) ? QueryTerm.Kind.URL
                    : isImage.test(rest) ? QueryTerm.Kind.IMAGE : QueryTerm.Kind.TEXT;
        }
        if (rest.isBlank()) {
            throw new IllegalArgumentException("empty query term '" + word + "'");
        }
        if (kind == QueryTerm.Kind.INDEXED && !rest.matches("[0-9]{1,18}")) {
            throw new IllegalArgumentException("id: takes an image id (digits), not '" + rest + "'");
        }
        return new QueryTerm(kind, rest, sign * weight);
    }
}
