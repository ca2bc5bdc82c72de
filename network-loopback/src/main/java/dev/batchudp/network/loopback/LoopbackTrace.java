package dev.batchudp.network.loopback;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A record of every datagram's fate on a {@link LoopbackNetwork}, from {@link LoopbackNetwork#startTrace()}
 * until {@link #close()}: each {@link TraceEvent} (sent, dropped with its cause, duplicated, corrupted,
 * held, released, delivered) with its time on the network's clock and its link. Query it in the test,
 * or export it as JSON Lines or as a pcapng file that Wireshark opens, with each packet's fate in its
 * comments:
 *
 * <pre>{@code
 * try (LoopbackTrace trace = network.startTrace()) {
 *     ... run the scenario ...
 *     assertThat(trace.count(TraceEvent.Cause.LOSS)).isEqualTo(3);
 *     trace.writePcapng(Path.of("target/scenario.pcapng"));
 * }
 * }</pre>
 *
 * <p>Events are recorded in the order they happen; with a {@link ManualClock} advanced from one thread,
 * the same seed and the same sends give the same trace. Datagrams sent before the trace started are
 * not followed. A trace keeps every sent payload in memory (shared with the network, not copied) for
 * pcapng. Thread-safe.
 *
 * @since 0.1
 */
public final class LoopbackTrace implements AutoCloseable {
    private final Simulator simulator;
    private final List<TraceEvent> events = new ArrayList<>();
    private final Map<Long, byte[]> payloads = new HashMap<>();
    private final LoopbackClock clock;

    LoopbackTrace(Simulator simulator, LoopbackClock clock) {
        this.simulator = simulator;
        this.clock = clock;
    }

    synchronized void record(TraceEvent event, byte[] sentPayload) {
        events.add(event);
        if (sentPayload != null) {
            payloads.put(event.sequence(), sentPayload);
        }
    }

    /**
     * Returns every event recorded so far, in the order they happened.
     *
     * @return a snapshot
     */
    public synchronized List<TraceEvent> events() {
        return List.copyOf(events);
    }

    /**
     * Returns the events of one datagram (all its copies), in order.
     *
     * @param sequence the datagram's sequence number
     * @return its events; empty if the trace did not see it
     */
    public synchronized List<TraceEvent> events(long sequence) {
        List<TraceEvent> out = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e.sequence() == sequence) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Counts the events of a kind.
     *
     * @param kind the kind
     * @return how many were recorded
     */
    public synchronized long count(TraceEvent.Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).count();
    }

    /**
     * Counts the drops with a cause.
     *
     * @param cause the cause
     * @return how many datagrams (copies included) were dropped for it
     */
    public synchronized long count(TraceEvent.Cause cause) {
        return events.stream().filter(e -> e.cause() == cause).count();
    }

    /**
     * Writes the events as JSON Lines (one {@link TraceEvent#toJson() JSON object} per line, UTF-8).
     *
     * @param file the file to create or replace
     * @throws IOException if it cannot be written
     */
    public void writeJsonLines(Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            writeJsonLines(out);
        }
    }

    /**
     * Writes the events as JSON Lines to a stream, flushed but not closed.
     *
     * @param out where to write
     * @throws IOException if writing fails
     */
    public void writeJsonLines(OutputStream out) throws IOException {
        for (TraceEvent e : events()) {
            out.write(e.toJson().getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        out.flush();
    }

    /**
     * Writes a pcapng file: one interface per link ({@code if_name} "from->to", {@code LINKTYPE_RAW},
     * nanosecond timestamps, no snap length limit) and one packet per datagram as it was sent (IP and
     * UDP headers synthesised as {@link LoopbackCapture#writePcap(Path)} does), timestamped at its
     * send time, with one comment per event of its way after the send: for example
     * {@code "#7 dropped at 0.020000000 s: loss"} or {@code "#8 delivered at 0.030000000 s"}.
     * Wireshark shows them as packet comments ({@code frame.comment}).
     *
     * @param file the file to create or replace
     * @throws IOException if it cannot be written
     */
    public void writePcapng(Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            writePcapng(out);
        }
    }

    /**
     * Writes the pcapng file of {@link #writePcapng(Path)} to a stream, flushed but not closed.
     *
     * @param out where to write
     * @throws IOException if writing fails
     */
    public void writePcapng(OutputStream out) throws IOException {
        List<TraceEvent> snapshot;
        Map<Long, byte[]> sent;
        synchronized (this) {
            snapshot = List.copyOf(events);
            sent = new HashMap<>(payloads);
        }
        PcapngWriter.write(snapshot, sent, clock.epoch(), out);
        out.flush();
    }

    /** Stops recording; what was recorded stays readable. Idempotent. */
    @Override
    public void close() {
        simulator.removeTrace(this);
    }
}
