package dev.batchudp.benchmarks;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Java implementation under test in {@link ThroughputHarness}: a receiver and a sender on
 * loopback. The harness opens it, runs {@link #receiveLoop} on its receiver thread and
 * {@link #sendUntil} on its sender thread (pinned to the CPUs udplimit uses), and closes it.
 */
abstract class HarnessCase {
    /** Datagrams received so far; read by the harness after the drain period. */
    final AtomicLong received = new AtomicLong();
    /** CPUs for the sender (index 0) and receiver (index 1), or null. */
    int[] pin;

    /** The case's name on the command line. */
    abstract String name();

    /**
     * The C case whose rate of the same round this case is divided by: the one with the same socket
     * configuration, {@code c-mmsg}, {@code c-mmsg-connected} (a connected sender) or {@code c-gso}.
     * A run without {@code c-mmsg-connected} divides connected cases by {@code c-mmsg}
     * ({@link #fallbackReference}).
     */
    abstract String cReference();

    /** The reference of a case whose own C reference is not in the run, or null. */
    static String fallbackReference(String reference) {
        return reference.endsWith("-connected") ? reference.substring(0, reference.length() - "-connected".length()) : null;
    }

    /** What the case does, in one line, for the output and BENCHMARKS.md. */
    abstract String description();

    /** Opens the receiver and the sender. */
    abstract void open(InetAddress loopback, int size) throws Exception;

    /** Receives until closed, adding to {@link #received}. Runs on the receiver thread. */
    abstract void receiveLoop() throws Exception;

    /** Sends one batch; returns how many datagrams were handed to the kernel. */
    abstract int sendBatch() throws Exception;

    /**
     * Sends until {@code endNanos} ({@link System#nanoTime}); runs on the sender thread. By default
     * calls {@link #sendBatch} in a loop; a case whose sending runs on threads of its own overrides it.
     *
     * @return datagrams handed to the kernel
     */
    long sendUntil(long endNanos) throws Exception {
        long sent = 0;
        while (System.nanoTime() < endNanos) {
            sent += sendBatch();
        }
        return sent;
    }

    /**
     * CPU time so far, in nanoseconds, of threads the case runs itself (such as Netty's event
     * loops): index 0 on the sending side, 1 on the receiving side. The harness's own sender and
     * receiver threads are measured by the harness. Called before and after a run, on another thread.
     */
    long[] ownThreadsCpuNanos() throws Exception {
        return new long[2];
    }

    /** Closes everything the case opened. */
    abstract void close() throws Exception;

    /**
     * Creates a case by name.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    static HarnessCase create(String name, HarnessSettings settings) {
        switch (name) {
            case "stdnetbind-linux":
                return new BindCase(name, "linux", false, false, settings);
            case "stdnetbind-linux-borrowed":
                return new BindCase(name, "linux", false, true, settings);
            case "stdnetbind-linux-nogso":
                return new BindCase(name, "linux", true, false, settings);
            case "stdnetbind-linux-nogso-borrowed":
                return new BindCase(name, "linux", true, true, settings);
            case "stdnetbind-jdk":
                return new BindCase(name, "jdk", false, false, settings);
            case "jdk-channel":
                return new JdkChannelCase();
            case "linux-messages":
                return new MessageCase(false, settings);
            case "linux-messages-connected":
                return new MessageCase(true, settings);
            case "netty-epoll":
                return new NettyEpollCase(false, true, settings);
            case "netty-epoll-unconnected":
                return new NettyEpollCase(false, false, settings);
            case "netty-epoll-gso":
                return new NettyEpollCase(true, true, settings);
            default:
                throw new IllegalArgumentException("unknown case " + name);
        }
    }
}
