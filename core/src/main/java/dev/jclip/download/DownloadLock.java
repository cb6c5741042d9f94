package dev.jclip.download;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Exclusive right to write one cached file, across threads and processes.
 *
 * <p>An OS file lock on {@code <file>.lock} keeps other JVMs out. Java file locks belong to the
 * whole JVM (a second lock attempt from another thread throws rather than waits), so threads of
 * this JVM first queue on an in-process lock for the same path. The lock file is left in place:
 * deleting it would let a waiter hold a lock on an unlinked file while a newcomer locks a new one.
 */
final class DownloadLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock fileLock;

    private DownloadLock(ReentrantLock local, FileChannel channel, FileLock fileLock) {
        this.local = local;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    static Path lockFileFor(Path target) {
        return target.resolveSibling(target.getFileName() + ".lock");
    }

    /** Blocks until the lock for {@code target} is held; {@code note} hears about any wait. */
    static DownloadLock acquire(Path target, Consumer<String> note) throws IOException {
        Path lockFile = lockFileFor(target).toAbsolutePath().normalize();
        ReentrantLock local = LOCAL.computeIfAbsent(lockFile, k -> new ReentrantLock());
        if (!local.tryLock()) {
            note.accept("waiting for another thread that is fetching " + target.getFileName());
            try {
                local.lockInterruptibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + lockFile);
            }
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fl = channel.tryLock();
            if (fl == null) {
                note.accept("waiting for another process that is fetching " + target.getFileName()
                        + " (lock " + lockFile + ")");
                fl = channel.lock();
            }
            return new DownloadLock(local, channel, fl);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            local.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            fileLock.release();
        } finally {
            try {
                channel.close();
            } finally {
                local.unlock();
            }
        }
    }
}
