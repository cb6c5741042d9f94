package dev.jclip.data;

import java.util.ArrayList;
import java.util.List;

/**
 * WebDataset-style brace expansion: {@code shard-{000000..000009}.tar} (numeric ranges keep the
 * zero padding of the first bound) and {@code {a,b}} lists; several braces expand to every
 * combination, in order.
 */
public final class BracePatterns {
    private BracePatterns() {
    }

    public static List<String> expand(String pattern) {
        int open = pattern.indexOf('{');
        if (open < 0) {
            return List.of(pattern);
        }
        int close = pattern.indexOf('}', open);
        if (close < 0) {
            throw new IllegalArgumentException("unclosed '{' in " + pattern);
        }
        String head = pattern.substring(0, open), body = pattern.substring(open + 1, close);
        List<String> options = new ArrayList<>();
        int dots = body.indexOf("..");
        if (dots >= 0) {
            String lo = body.substring(0, dots), hi = body.substring(dots + 2);
            long a, b;
            try {
                a = Long.parseLong(lo);
                b = Long.parseLong(hi);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad range {" + body + "} in " + pattern);
            }
            if (b < a || b - a > 10_000_000) {
                throw new IllegalArgumentException("bad range {" + body + "} in " + pattern);
            }
            int width = lo.length();
            for (long i = a; i <= b; i++) {
                options.add(String.format("%0" + width + "d", i));
            }
        } else {
            options.addAll(List.of(body.split(",", -1)));
        }
        List<String> out = new ArrayList<>();
        for (String rest : expand(pattern.substring(close + 1))) {
            for (String o : options) {
                out.add(head + o + rest);
            }
        }
        // keep the outer brace varying slowest
        out.sort(null);
        return out;
    }
}
