package dev.jclip.distributed;

import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;

import java.time.Duration;
import java.util.List;

/**
 * torch.distributed's Gloo process group over a TCPStore rendezvous: the collectives of
 * data-parallel training. Every operation waits at most the configured timeout, so a dead or
 * hung peer turns into an exception naming the operation instead of a silent hang.
 */
public final class ProcessGroup implements AutoCloseable {
    private final DistEnv env;
    private final TCPStore store;
    private final ProcessGroupGloo pg;
    private final Duration timeout;
    private volatile boolean failed;

    private ProcessGroup(DistEnv env, TCPStore store, ProcessGroupGloo pg, Duration timeout) {
        this.env = env;
        this.store = store;
        this.pg = pg;
        this.timeout = timeout;
    }

    /** Joins the group described by {@code env} (rank 0 hosts the store). */
    public static ProcessGroup connect(DistEnv env, Duration timeout) {
        TCPStoreOptions so = new TCPStoreOptions();
        so.port((short) env.masterPort());
        so.isServer(env.rank() == 0);
        so.waitWorkers(false);
        so.timeout(new Milliseconds(timeout.toMillis()));
        TCPStore store;
        try {
            store = new TCPStore(env.masterAddr(), so);
        } catch (RuntimeException e) {
            throw new IllegalStateException("rank " + env.rank() + " could not reach the rendezvous at "
                    + env.masterAddr() + ":" + env.masterPort() + " within " + timeout.toSeconds() + " s: "
                    + firstLine(e.getMessage()), e);
        }
        ProcessGroupGloo.Options opts = ProcessGroupGloo.Options.create(new Milliseconds(timeout.toMillis()));
        String host = isLoopback(env.masterAddr()) ? "127.0.0.1" : hostName();
        opts.devices().push_back(ProcessGroupGloo.createDeviceForHostname(host));
        ProcessGroupGloo pg;
        try {
            pg = new ProcessGroupGloo(store, env.rank(), env.worldSize(), opts);
        } catch (RuntimeException e) {
            throw new IllegalStateException("rank " + env.rank() + " could not form the process group of "
                    + env.worldSize() + ": " + firstLine(e.getMessage()), e);
        }
        return new ProcessGroup(env, store, pg, timeout);
    }

    private static boolean isLoopback(String addr) {
        return addr.startsWith("127.") || addr.equals("localhost") || addr.equals("::1");
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    public DistEnv env() {
        return env;
    }

    public int rank() {
        return env.rank();
    }

    public int worldSize() {
        return env.worldSize();
    }

    /** Waits for one collective; marks the group failed unless it completes. */
    private void await(Work w, String what) {
        failed = true;
        try {
            if (!w._wait(new Milliseconds(timeout.toMillis()))) {
                throw new CollectiveTimeoutException(what, env.rank(), timeout);
            }
            failed = false;
        } catch (CollectiveTimeoutException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CollectiveTimeoutException(what, env.rank(), timeout, firstLine(e.getMessage()));
        } finally {
            // Free the Work now, while its process group is alive: left to the garbage collector it
            // may be destroyed after the group is closed, which aborts the process.
            w.close();
        }
    }

    /**
     * Sums each tensor element-wise across ranks, in place (one collective per tensor: Gloo's
     * multi-tensor form is for several devices and needs equal shapes).
     */
    public void allReduceSum(List<Tensor> tensors) {
        for (Tensor t : tensors) {
            AllreduceOptions o = new AllreduceOptions();
            o.reduceOp(new ReduceOp(ReduceOp.RedOpType.SUM));
            o.timeout(new Milliseconds(timeout.toMillis()));
            await(pg.allreduce(new TensorVector(t), o), "all-reduce");
        }
    }

    /** The concatenation (along dim 0) of every rank's tensor, in rank order; all must have equal shapes. */
    public Tensor allGather(Tensor local) {
        Tensor c = local.contiguous();
        long[] shape = c.sizes().vec().get();
        shape[0] *= env.worldSize();
        Tensor out = torch.empty(shape, new org.bytedeco.pytorch.TensorOptions(c.scalar_type()), null);
        await(pg._allgather_base(out, c), "all-gather");
        return out;
    }

    /** Copies rank {@code root}'s tensors into every rank's, in place. */
    public void broadcast(List<Tensor> tensors, int root) {
        for (Tensor t : tensors) {
            BroadcastOptions o = new BroadcastOptions();
            o.rootRank(root);
            o.timeout(new Milliseconds(timeout.toMillis()));
            await(pg.broadcast(new TensorVector(t), o), "broadcast");
        }
    }

    /** Waits until every rank arrives. */
    public void barrier() {
        Tensor t = torch.zeros(1);
        allReduceSum(List.of(t));
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * Tears the group down. After a healthy run the ranks first meet at a barrier, so that no rank
     * closes its sockets (or, on rank 0, the store) while a peer's Gloo threads still use them,
     * which makes Gloo abort the peer process. After a failure the barrier is skipped.
     */
    @Override
    public void close() {
        if (!failed) {
            try {
                barrier();
            } catch (RuntimeException peerGone) {
                // closing anyway
            }
        }
        pg.close();
        store.close();
    }
}
