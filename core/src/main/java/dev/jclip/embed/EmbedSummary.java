package dev.jclip.embed;

import java.util.List;

/**
 * The totals of an output folder after a run: the content of {@code _summary.json}.
 *
 * @param engine        the engine of the last run
 * @param partitions    partitions in the plan
 * @param finished      partitions with a marker
 * @param resumed       partitions that were already finished when the run started (skipped)
 * @param rows          samples embedded, over all finished partitions
 * @param skipped       bad samples skipped, over all finished partitions
 * @param corruptShards shards abandoned part-way ({@code "<partition>: <error>"})
 * @param runSeconds    wall time of this run's engine
 * @param runImages     samples this run embedded
 * @param imagesPerSecond this run's throughput (samples embedded / wall time)
 * @param modelLoadSeconds of {@code runSeconds}, the time spent loading the model (NaN when the engine cannot tell)
 */
public record EmbedSummary(String engine, int partitions, int finished, int resumed, long rows, long skipped,
                           List<String> corruptShards, double runSeconds, long runImages, double imagesPerSecond,
                           double modelLoadSeconds) {
    /** Throughput over the wall time after the model load, or NaN when the load time is unknown. */
    public double imagesPerSecondAfterLoad() {
        double t = runSeconds - modelLoadSeconds;
        return Double.isNaN(modelLoadSeconds) || t <= 0 ? Double.NaN : runImages / t;
    }
}
