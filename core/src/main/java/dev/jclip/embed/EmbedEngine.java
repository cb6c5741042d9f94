package dev.jclip.embed;

import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Runs the partitions of an embedding job. Found with {@link java.util.ServiceLoader} by
 * {@link #name()}: {@code local} is in core; {@code spark} comes with the jclip-spark module's
 * jar on the class path, so that neither core nor the CLI depends on Spark.
 */
public interface EmbedEngine {
    /** Option the driver sets: how many partitions the whole job has (finished or not). */
    String PLANNED = "planned-partitions";

    /** The name {@code --engine} selects. */
    String name();

    /**
     * Embeds {@code pending} (partitions without a marker) and returns their results, in any order.
     *
     * @param options  engine settings ({@code threads}, {@code master}, ...); unknown keys are ignored
     * @param progress hears samples done, from any thread
     */
    List<PartitionResult> run(EmbedJob job, List<Partition> pending, Map<String, String> options, LongConsumer progress)
            throws Exception;

    /**
     * Seconds the last {@link #run} spent loading the model in this JVM, so that the encoding rate
     * can be read apart from the one-time load; NaN when the engine cannot tell (remote executors).
     */
    default double modelLoadSeconds() {
        return Double.NaN;
    }
}
