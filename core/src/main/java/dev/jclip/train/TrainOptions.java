package dev.jclip.train;

/**
 * Hyper-parameters and run settings of {@link Trainer}.
 *
 * @param steps               optimizer steps in total
 * @param batchSize           global batch size (pairs per optimizer step)
 * @param optimizer           AdamW settings (lr is the peak rate of the schedule)
 * @param warmup              warmup steps
 * @param schedule            cosine, const or const-cooldown
 * @param cooldown            cooldown steps for const-cooldown
 * @param gradClipNorm        clip the global gradient norm to this (0: off)
 * @param step                accumulation, checkpointing, precision
 * @param seed                the seed of data order, augmentation and initialization
 * @param saveEvery           write a checkpoint every this many steps (0: only at the end)
 * @param keepLast            checkpoints to keep
 * @param evalEvery           run the evaluation hook every this many steps (0: only at the end)
 * @param logEvery            log a metrics line every this many steps
 */
public record TrainOptions(long steps, int batchSize, AdamW.Options optimizer, long warmup, String schedule,
                           long cooldown, double gradClipNorm, StepRunner.Options step, long seed,
                           long saveEvery, int keepLast, long evalEvery, long logEvery) {
}
