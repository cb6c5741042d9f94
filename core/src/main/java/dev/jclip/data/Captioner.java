package dev.jclip.data;

import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns class labels into captions: each labelled sample without a caption gets one of the
 * templates (chosen from the seed, the epoch and its position) filled with its class name,
 * e.g. "a blurry photo of a {}." → "a blurry photo of a sneaker.".
 */
public final class Captioner implements SampleSource {
    private final SampleSource source;
    private final List<String> templates;
    private final List<String> names;
    private final long seed;

    public Captioner(SampleSource source, List<String> templates, List<String> classNames, long seed) {
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("no caption templates");
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("the source has no class names to build captions from");
        }
        this.source = source;
        this.templates = List.copyOf(templates);
        this.names = List.copyOf(classNames);
        this.seed = seed;
    }

    @Override
    public Iterator<Sample> samples(long epoch, long skip) {
        Iterator<Sample> it = source.samples(epoch, skip);
        return new Iterator<>() {
            long pos = skip;

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Sample next() {
                Sample s = it.next();
                long p = pos++;
                if (s.caption() != null || s.label() < 0) {
                    return s;
                }
                if (s.label() >= names.size()) {
                    throw new IllegalStateException(s.key() + ": label " + s.label() + " has no class name");
                }
                SplittableRandom r = new SplittableRandom(Seeds.mix(seed, epoch, p, 0xCA9));
                String t = templates.get(r.nextInt(templates.size()));
                return s.withCaption(t.replace("{}", names.get(s.label())));
            }
        };
    }

    @Override
    public List<Skipped> skippedItems() {
        return source.skippedItems();
    }

    @Override
    public long size() {
        return source.size();
    }

    @Override
    public List<String> classNames() {
        return names;
    }
}
