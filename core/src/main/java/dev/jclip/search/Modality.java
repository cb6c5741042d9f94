package dev.jclip.search;

import java.util.Locale;

/** What an index entry is and what a search looks through: images (by their embedding) or texts (captions and text collections). */
public enum Modality {
    IMAGE, TEXT;

    /** The lower-case name used in documents, on the command line and in JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code image} or {@code text}; anything else is refused with the allowed values. */
    public static Modality parse(String s) {
        for (Modality m : values()) {
            if (m.label().equalsIgnoreCase(s.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("modality '" + s + "': use image or text");
    }
}
