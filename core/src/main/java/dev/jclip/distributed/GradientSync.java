package dev.jclip.distributed;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Averages parameter gradients across ranks with bucketed all-reduce: gradients are flattened
 * into buckets of about {@code bucketBytes} so that few, large messages cross the network (as
 * DDP does), then copied back divided by the world size. Parameters without a gradient on this
 * rank contribute zeros, so every rank sends identical bucket layouts.
 */
public final class GradientSync {
    private final ProcessGroup group;
    private final long bucketBytes;
    private double lastSeconds;

    public GradientSync(ProcessGroup group, long bucketBytes) {
        this.group = group;
        this.bucketBytes = bucketBytes;
    }

    /** Seconds the last {@link #average} spent, communication included. */
    public double lastSeconds() {
        return lastSeconds;
    }

    public void average(List<Tensor> params) {
        long t0 = System.nanoTime();
        try (NoGradGuard ng = new NoGradGuard()) {
            List<Tensor> bucket = new ArrayList<>();
            long bytes = 0;
            for (Tensor p : params) {
                if (!p.grad().defined()) {
                    p.mutable_grad().put(torch.zeros_like(p));
                }
                bucket.add(p);
                bytes += p.numel() * 4;
                if (bytes >= bucketBytes) {
                    flush(bucket);
                    bucket.clear();
                    bytes = 0;
                }
            }
            if (!bucket.isEmpty()) {
                flush(bucket);
            }
        }
        lastSeconds = (System.nanoTime() - t0) / 1e9;
    }

    private void flush(List<Tensor> params) {
        TensorVector grads = new TensorVector();
        for (Tensor p : params) {
            grads.push_back(p.grad().reshape(-1));
        }
        Tensor flat = torch.cat(grads, 0);
        group.allReduceSum(List.of(flat));
        flat.div_(new Scalar((double) group.worldSize()));
        long off = 0;
        for (Tensor p : params) {
            long n = p.numel();
            p.grad().copy_(flat.narrow(0, off, n).view_as(p.grad()));
            off += n;
        }
    }

    /** Makes every rank's parameters and buffers equal to rank 0's. */
    public static void broadcastFromRankZero(ProcessGroup group, List<Tensor> tensors) {
        try (NoGradGuard ng = new NoGradGuard()) {
            group.broadcast(tensors, 0);
        }
    }
}
