package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.POLLIN;
import static dev.batchudp.bind.linux.internal.LinuxConstants.SHUT_RDWR;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The life of one socket's file descriptors (the socket and its close eventfd): every native call
 * holds a reference ({@link #begin()}/{@link #end()}), {@link #close()} marks the socket closed and
 * wakes blocked calls, and whoever drops the last reference closes the fds and runs the release
 * actions (owners giving their native memory back), so neither an fd number nor memory can be
 * reused under a running call.
 *
 * <p>Waking: {@code close()} writes the eventfd, which every {@link #await poll} watches, and calls
 * {@code shutdown(SHUT_RDWR)}, which on Linux also wakes a thread blocked in
 * {@code recvmsg}/{@code recvmmsg} on an unconnected UDP socket; the shutdown state persists, so a
 * receive entered just after it returns at once ({@code ENOTCONN} from {@code shutdown} is ignored).
 */
final class FdLifecycle {
    private static final System.Logger LOG = System.getLogger(LinuxUdpSocket.class.getName());

    private static final int CLOSED = 1 << 30;
    private static final int RELEASED = 1 << 29;
    private static final int COUNT_MASK = RELEASED - 1;

    private final Syscalls sys;
    private final int fd;
    private final int eventFd;
    /** Bits 0-28: native calls in flight; {@link #CLOSED}; {@link #RELEASED} once the fds are closed. */
    private final AtomicInteger state = new AtomicInteger();
    /** Run once the fds are closed and no call is in flight: owners give their memory back. */
    private final List<Runnable> onRelease = new CopyOnWriteArrayList<>();

    FdLifecycle(Syscalls sys, int fd, int eventFd) {
        this.sys = sys;
        this.fd = fd;
        this.eventFd = eventFd;
    }

    /**
     * Registers a native call on the fd; pair with {@link #end()} in a {@code finally}.
     *
     * @throws ClosedChannelException if the socket is closed
     */
    void begin() throws ClosedChannelException {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                throw new ClosedChannelException();
            }
            if ((s & COUNT_MASK) == COUNT_MASK) {
                throw new IllegalStateException("too many concurrent calls on one socket");
            }
            if (state.compareAndSet(s, s + 1)) {
                return;
            }
        }
    }

    /** Ends a native call; the last call to leave a closed socket closes the fds. */
    void end() {
        if (state.decrementAndGet() == CLOSED) {
            release();
        }
    }

    private void release() {
        if (state.compareAndSet(CLOSED, CLOSED | RELEASED)) {
            sys.close(fd);
            sys.close(eventFd);
            for (Runnable r : onRelease) {
                if (onRelease.remove(r)) { // whoever removes an action runs it: exactly once
                    runReleaseAction(r);
                }
            }
        }
    }

    /**
     * Runs {@code action} once this socket is released: closed, with no native call in flight, so
     * no system call can still use memory the action frees. Runs it at once if that is already so.
     *
     * @param action what to run, on the thread that ends the last call (or closes)
     */
    void whenReleased(Runnable action) {
        onRelease.add(Objects.requireNonNull(action, "action"));
        if (isReleased() && onRelease.remove(action)) {
            runReleaseAction(action);
        }
    }

    private static void runReleaseAction(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "release action failed", e);
        }
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Returns whether the fds have been closed (every call has left a closed socket).
     *
     * @return whether the fds are released
     */
    boolean isReleased() {
        return (state.get() & RELEASED) != 0;
    }

    /**
     * Waits until the socket is ready for {@code events}, the deadline passes or the socket is
     * closed. Must be called between {@link #begin()} and {@link #end()}.
     *
     * @param arena the caller's arena (for its pollfd array)
     * @param events {@code POLLIN} or {@code POLLOUT}
     * @param deadline a {@link System#nanoTime()} deadline, or 0 for none
     * @return {@code false} if the deadline passed
     * @throws AsynchronousCloseException if the socket was closed meanwhile
     * @throws IOException if poll fails
     */
    boolean await(Arena arena, short events, long deadline) throws IOException {
        ByteBuffer block = arena.block;
        int p = arena.pollOffset;
        for (;;) {
            if (isClosed()) {
                throw new AsynchronousCloseException();
            }
            int timeoutMillis = -1;
            if (deadline != 0) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                timeoutMillis = (int) Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000);
            }
            Pollfd.set(block, p, fd, events);
            Pollfd.set(block, p + Pollfd.SIZE, eventFd, POLLIN);
            int n = sys.poll(arena.pollAddress(), 2, timeoutMillis);
            if (isClosed() || (n > 0 && Pollfd.revents(block, p + Pollfd.SIZE) != 0)) {
                throw new AsynchronousCloseException();
            }
            if (n > 0) {
                return true;
            }
        }
    }

    /**
     * Returns what to throw for a failed call: a failure caused by a concurrent close (such as
     * {@code EPIPE} after {@code shutdown}) becomes {@link AsynchronousCloseException}.
     *
     * @param e the failure
     * @return the exception to throw
     */
    IOException closedOr(IOException e) {
        if (isClosed() && !(e instanceof ClosedChannelException)) {
            AsynchronousCloseException x = new AsynchronousCloseException();
            x.initCause(e);
            return x;
        }
        return e;
    }

    /**
     * Closes the socket: marks it closed, wakes pollers through the eventfd and
     * {@code shutdown(SHUT_RDWR)}, and closes the fds once no native call is using them (at once if
     * none is). Idempotent.
     *
     * @return whether this call closed it (false if it was closed already)
     */
    boolean close() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            // Take a reference as part of closing, so the fd stays ours while we wake the others.
            if (state.compareAndSet(s, (s | CLOSED) + 1)) {
                break;
            }
        }
        try {
            sys.eventfdWrite(eventFd, 1);
            sys.shutdown(fd, SHUT_RDWR);
        } finally {
            end();
        }
        return true;
    }
}
