package dev.batchudp.network.loopback;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A recording of every datagram sent on a {@link LoopbackNetwork}, started with
 * {@link LoopbackNetwork#startCapture()} and stopped with {@link #close()}. Each datagram is recorded
 * once, when it is sent, with its clock timestamp, before the simulation drops, delays or corrupts it.
 * The recording can be read as a list or written as a pcap file that Wireshark and tcpdump open:
 *
 * <pre>{@code
 * try (LoopbackCapture capture = network.startCapture()) {
 *     ... run the scenario ...
 *     capture.writePcap(Path.of("target/scenario.pcap"));
 * }
 * }</pre>
 *
 * <p>A capture keeps every payload in memory until it is garbage; payloads are shared with the
 * network, not copied. Thread-safe.
 *
 * @since 0.1
 */
public final class LoopbackCapture implements AutoCloseable {
    private final Simulator simulator;
    private final List<CapturedDatagram> datagrams = new ArrayList<>();

    LoopbackCapture(Simulator simulator) {
        this.simulator = simulator;
    }

    synchronized void record(CapturedDatagram datagram) {
        datagrams.add(datagram);
    }

    /**
     * Returns the datagrams recorded so far, in the order they were sent.
     *
     * @return a snapshot
     */
    public synchronized List<CapturedDatagram> datagrams() {
        return List.copyOf(datagrams);
    }

    /**
     * Writes the recording as a classic libpcap file (magic {@code 0xa1b2c3d4}, version 2.4, snap
     * length 262144, link type 101 {@code LINKTYPE_RAW}): each datagram becomes an IPv4 or IPv6 packet
     * with a UDP header synthesised from its addresses (IPv4 header checksum computed, IPv4 UDP
     * checksum 0, IPv6 UDP checksum computed), timestamped with the network's clock in microseconds.
     *
     * @param file the file to create or replace
     * @throws IOException if it cannot be written
     */
    public void writePcap(Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            writePcap(out);
        }
    }

    /**
     * Writes the recording as a pcap stream, as {@link #writePcap(Path)} does. The stream is flushed,
     * not closed.
     *
     * @param out where to write
     * @throws IOException if writing fails
     */
    public void writePcap(OutputStream out) throws IOException {
        PcapWriter.write(datagrams(), out);
        out.flush();
    }

    /** Stops recording; what was recorded stays readable. Idempotent. */
    @Override
    public void close() {
        simulator.removeCapture(this);
    }
}
