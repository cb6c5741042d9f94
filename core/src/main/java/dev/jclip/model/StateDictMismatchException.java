package dev.jclip.model;

import java.io.IOException;
import java.util.List;

/** A checkpoint whose tensors do not fit the model: names every missing, unexpected and mis-shaped tensor. */
public final class StateDictMismatchException extends IOException {
    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> mismatched;

    public StateDictMismatchException(List<String> missing, List<String> unexpected, List<String> mismatched) {
        super(describe(missing, unexpected, mismatched));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.mismatched = List.copyOf(mismatched);
    }

    public List<String> missing() {
        return missing;
    }

    public List<String> unexpected() {
        return unexpected;
    }

    public List<String> mismatched() {
        return mismatched;
    }

    private static String describe(List<String> missing, List<String> unexpected, List<String> mismatched) {
        StringBuilder sb = new StringBuilder("checkpoint does not match the model:");
        part(sb, "missing", missing);
        part(sb, "unexpected", unexpected);
        part(sb, "wrong shape", mismatched);
        return sb.toString();
    }

    private static void part(StringBuilder sb, String what, List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        sb.append(' ').append(names.size()).append(' ').append(what).append(" (");
        sb.append(String.join(", ", names.subList(0, Math.min(names.size(), 12))));
        if (names.size() > 12) {
            sb.append(", …");
        }
        sb.append(')').append(';');
    }
}
