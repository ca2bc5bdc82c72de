package dev.batchudp.benchmarks;

/**
 * One measured run of one case.
 *
 * @param name the case
 * @param round the round (0-based; -1 for a warm-up run)
 * @param sent datagrams handed to the kernel
 * @param received datagrams received
 * @param seconds the sender's active time
 * @param txCpuNanos CPU time of the sending threads during the run, or -1 if unknown
 * @param rxCpuNanos CPU time of the receiving threads during the run, or -1 if unknown
 * @param otherCpuPercent CPU other processes used during the run, in percent of one CPU, or NaN
 */
record Sample(String name, int round, long sent, long received, double seconds, long txCpuNanos, long rxCpuNanos,
        double otherCpuPercent) {

    /** Datagrams received per second of the sender's active time (udplimit's rate). */
    double rxPerSecond() {
        return received / seconds;
    }

    /** {@code (sent - received) / sent}, in percent. */
    double lossPercent() {
        return sent == 0 ? 0 : 100.0 * Math.max(0, sent - received) / sent;
    }

    /** Sending threads' CPU nanoseconds per datagram sent, or NaN. */
    double txNsPerDatagram() {
        return txCpuNanos < 0 || sent == 0 ? Double.NaN : (double) txCpuNanos / sent;
    }

    /** Receiving threads' CPU nanoseconds per datagram received, or NaN. */
    double rxNsPerDatagram() {
        return rxCpuNanos < 0 || received == 0 ? Double.NaN : (double) rxCpuNanos / received;
    }

    /** Sending threads' CPU time over the sending time, in percent (100: one CPU busy throughout), or NaN. */
    double txBusyPercent() {
        return txCpuNanos < 0 ? Double.NaN : txCpuNanos / (seconds * 1e7);
    }

    /** Receiving threads' CPU time over the sending time, in percent, or NaN. */
    double rxBusyPercent() {
        return rxCpuNanos < 0 ? Double.NaN : rxCpuNanos / (seconds * 1e7);
    }
}
