package dev.batchudp.bind.linux;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.linux.DifferentialWorkload.Batch;
import dev.batchudp.bind.linux.DifferentialWorkload.Datagram;
import dev.batchudp.bind.linux.DifferentialWorkload.Mode;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * Runs a {@link DifferentialWorkload} through a pair of {@link StdNetBind}s on one system network
 * backend: a sender and a receiver, the receiver driven by its own thread. Each batch is received
 * completely before the next one is sent, so at most one batch is in flight and nothing is lost.
 * Every check failure is an {@link AssertionError} naming the seed, backend, batch, datagram, its
 * size and shapes, family and mode.
 */
final class DifferentialRunner implements AutoCloseable {
    /** How long one batch may take to arrive before the run is declared stuck (a safety net only). */
    private static final long BATCH_TIMEOUT_SECONDS = 20;

    final String backend;
    private final SystemNetwork network;
    private final StdNetBind tx;
    private final StdNetBind rx;
    private final int txPort;
    private final Map<UdpFamily, ReceiveFunc> funcs = new EnumMap<>(UdpFamily.class);
    private final Map<UdpFamily, Endpoint> destinations = new EnumMap<>(UdpFamily.class);
    private final ExecutorService receiver;
    private final ByteBuffer[] sendPool = new ByteBuffer[Bind.IDEAL_BATCH_SIZE];
    private final ByteBuffer[] receivePool = new ByteBuffer[Bind.IDEAL_BATCH_SIZE];

    private DifferentialRunner(String backend, boolean offload) throws IOException {
        this.backend = offload ? backend : backend + " (GSO and GRO off)";
        network = SystemNetwork.open(backend);
        tx = StdNetBind.create(network);
        rx = StdNetBind.create(network);
        Bind.Opened opened;
        // The offload properties are read when a socket is upgraded, which open() does.
        String gso = System.getProperty(LinuxBatching.GSO_DISABLED_PROPERTY);
        String gro = System.getProperty(LinuxBatching.GRO_DISABLED_PROPERTY);
        try {
            if (!offload) {
                System.setProperty(LinuxBatching.GSO_DISABLED_PROPERTY, "true");
                System.setProperty(LinuxBatching.GRO_DISABLED_PROPERTY, "true");
            }
            opened = rx.open(0);
            txPort = tx.open(0).port();
        } finally {
            restore(LinuxBatching.GSO_DISABLED_PROPERTY, gso);
            restore(LinuxBatching.GRO_DISABLED_PROPERTY, gro);
        }
        for (UdpFamily family : List.of(UdpFamily.UDP4, UdpFamily.UDP6)) {
            String want = family == UdpFamily.UDP6 ? "v6" : "v4";
            funcs.put(family, opened.receiveFuncs().stream()
                    .filter(f -> f.name().equals(want) || f.name().equals("v4v6"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(backend + ": no receive function for " + family)));
            destinations.put(family, rx.parseEndpoint(
                    (family == UdpFamily.UDP6 ? "[::1]:" : "127.0.0.1:") + opened.port()));
        }
        receiver = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "differential-receiver-" + backend);
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the binds on the named backend ({@code linux} or {@code jdk}). */
    static DifferentialRunner open(String backend) throws IOException {
        return new DifferentialRunner(backend, true);
    }

    /** Opens the binds on the {@code linux} backend with UDP GSO and GRO off: plain recvmmsg/sendmmsg. */
    static DifferentialRunner openLinuxWithoutOffload() throws IOException {
        return new DifferentialRunner("linux", false);
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    /** Returns whether the receiver's sockets coalesce (GRO), for checking the set-up. */
    boolean receiveOffload() {
        return rx.connection(UdpFamily.UDP4).flatMap(c -> c.capability(OffloadStatus.class))
                .map(OffloadStatus::rxOffload).orElse(false);
    }

    /** Returns the smallest receive buffer (as the kernel reports it, doubled) of the receiver's sockets. */
    int receiveBufferBytes() throws IOException {
        int min = Integer.MAX_VALUE;
        for (UdpFamily family : List.of(UdpFamily.UDP4, UdpFamily.UDP6)) {
            UdpConnection c = rx.connection(family).orElseThrow();
            min = Math.min(min, c.getOption(StandardSocketOptions.SO_RCVBUF));
        }
        return min;
    }

    /** Returns the receiver's batch size. */
    int batchSize() {
        return rx.batchSize();
    }

    /**
     * Runs the workload and returns one line per received datagram (batch, index, size, CRC-32,
     * sender address), for comparing backends.
     */
    List<String> run(DifferentialWorkload w) throws Exception {
        List<String> log = new ArrayList<>(w.datagramCount());
        for (Batch batch : w.batches) {
            log.addAll(runBatch(w, batch));
        }
        return log;
    }

    private List<String> runBatch(DifferentialWorkload w, Batch batch) throws Exception {
        List<Datagram> ds = batch.datagrams();
        byte[][] payloads = new byte[ds.size()][];
        for (int i = 0; i < ds.size(); i++) {
            payloads[i] = w.payload(batch, ds.get(i));
        }
        AtomicInteger progress = new AtomicInteger();
        Future<List<String>> received = receiver.submit(() -> receiveBatch(w, batch, payloads, progress));

        GuardedBuffer[] out = new GuardedBuffer[ds.size()];
        ByteBuffer[] bufs = new ByteBuffer[ds.size()];
        for (int i = 0; i < ds.size(); i++) {
            Datagram d = ds.get(i);
            out[i] = GuardedBuffer.create(d.sendShape(), d.size(), new SplittableRandom(d.layoutSeed()), sendPool, i);
            out[i].fill(payloads[i]);
            bufs[i] = out[i].view;
        }
        Endpoint to = destinations.get(batch.family());
        int step = tx.batchSize();
        for (int from = 0; from < bufs.length; from += step) {
            int n = Math.min(step, bufs.length - from);
            try {
                tx.send(bufs, from, n, to);
            } catch (IOException | RuntimeException e) {
                received.cancel(true);
                throw new AssertionError(context(w, batch) + ": send of datagrams " + from + ".." + (from + n - 1)
                        + " failed: " + e, e);
            }
        }
        for (int i = 0; i < out.length; i++) {
            String problem = out[i].checkUnchanged(payloads[i]);
            if (problem != null) {
                throw new AssertionError(context(w, batch, ds.get(i)) + ": " + problem + "; sent from "
                        + out[i].describe());
            }
        }
        try {
            return received.get(BATCH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            int got = progress.get();
            close(); // wakes the receiver
            throw new AssertionError(context(w, batch) + ": received " + got + " of " + ds.size()
                    + " datagrams, the rest never came; next expected: " + describe(ds.get(got)));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof AssertionError ? new AssertionError(cause.getMessage(), cause)
                    : new AssertionError(context(w, batch) + ": receiving failed after " + progress.get()
                            + " datagrams: " + cause, cause);
        }
    }

    private List<String> receiveBatch(DifferentialWorkload w, Batch batch, byte[][] payloads, AtomicInteger progress)
            throws IOException {
        List<Datagram> ds = batch.datagrams();
        ReceiveFunc f = funcs.get(batch.family());
        int slots = rx.batchSize();
        ByteBuffer[] packets = new ByteBuffer[slots];
        int[] sizes = new int[slots];
        Endpoint[] eps = new Endpoint[slots];
        SplittableRandom spare = new SplittableRandom(w.seed ^ batch.number());
        BufferShape[] shapes = BufferShape.values();
        List<String> log = new ArrayList<>(ds.size());
        int got = 0;
        while (got < ds.size()) {
            GuardedBuffer[] in = null;
            int n;
            if (batch.mode() == Mode.COPY) {
                // Slot i will get datagram got + i (loopback keeps order): size it for that one.
                in = new GuardedBuffer[slots];
                for (int i = 0; i < slots; i++) {
                    if (got + i < ds.size()) {
                        Datagram d = ds.get(got + i);
                        in[i] = GuardedBuffer.create(d.receiveShape(), d.size() + d.receiveSlack(),
                                new SplittableRandom(d.layoutSeed() ^ 1), receivePool, i);
                    } else {
                        BufferShape s = shapes[spare.nextInt(shapes.length)];
                        in[i] = GuardedBuffer.create(s.writable() ? s : BufferShape.HEAP, spare.nextInt(64), spare,
                                receivePool, i);
                    }
                    packets[i] = in[i].view;
                }
                n = f.receive(packets, sizes, eps);
            } else {
                java.util.Arrays.fill(packets, null); // receiveBorrowed only writes the array
                n = f.receiveBorrowed(packets, sizes, eps);
            }
            if (n < 1 || n > slots) {
                throw new AssertionError(context(w, batch) + ": receive returned " + n + " (batch size " + slots + ")");
            }
            for (int i = 0; i < n; i++) {
                if (got + i >= ds.size()) {
                    throw new AssertionError(context(w, batch) + ": more datagrams than sent: slot " + i + " holds "
                            + sizes[i] + " bytes " + DifferentialWorkload.identify(packets[i], sizes[i]));
                }
                Datagram d = ds.get(got + i);
                log.add(check(w, batch, d, payloads[d.index()], packets[i], in == null ? null : in[i], sizes[i], eps[i], i));
            }
            if (in != null) {
                for (int i = n; i < slots; i++) {
                    String problem = in[i].checkUntouched();
                    if (problem != null) {
                        throw new AssertionError(context(w, batch) + ": slot " + i + " beyond the " + n
                                + " filled ones was written: " + problem + "; " + in[i].describe());
                    }
                }
            }
            got += n;
            progress.set(got);
        }
        return log;
    }

    private String check(DifferentialWorkload w, Batch batch, Datagram d, byte[] expected, ByteBuffer packet,
            GuardedBuffer region, int size, Endpoint ep, int slot) {
        String where = context(w, batch, d) + ", slot " + slot
                + (region != null ? ", received into " + region.describe() : ", lent " + packet);
        if (size != d.size()) {
            throw new AssertionError(where + ": size " + size + ", expected " + d.size() + " "
                    + DifferentialWorkload.identify(packet, size));
        }
        if (region != null) {
            if (packet != region.view) {
                throw new AssertionError(where + ": receive replaced the caller's buffer in the array");
            }
            String problem = region.checkReceived(expected);
            if (problem != null) {
                throw new AssertionError(where + ": " + problem + " " + DifferentialWorkload.identify(packet, size));
            }
        } else {
            if (packet == null || packet.remaining() != size) {
                throw new AssertionError(where + ": lent buffer " + packet + " does not frame " + size + " bytes");
            }
            int m = packet.mismatch(ByteBuffer.wrap(expected));
            if (m >= 0) {
                throw new AssertionError(where + ": payload differs at byte " + m + " "
                        + DifferentialWorkload.identify(packet, size) + GuardedBuffer.explainBytes(packet, expected));
            }
        }
        InetAddress loopback = LinuxTestSupport.loopback(batch.family(), 0).getAddress();
        if (ep == null || !ep.dst().getAddress().equals(loopback) || ep.dst().getPort() != txPort) {
            throw new AssertionError(where + ": sender " + (ep == null ? null : ep.dst()) + ", expected "
                    + loopback.getHostAddress() + " port " + txPort);
        }
        CRC32 crc = new CRC32();
        crc.update(expected);
        return batch.number() + "." + d.index() + " " + size + " " + Long.toHexString(crc.getValue()) + " "
                + loopback.getHostAddress();
    }

    private String context(DifferentialWorkload w, Batch batch) {
        return "seed 0x" + Long.toHexString(w.seed) + ", backend " + backend + ", batch " + batch.number() + " ("
                + batch.family() + ", " + batch.mode() + ", " + batch.kind() + ", " + batch.datagrams().size()
                + " datagrams)";
    }

    private String context(DifferentialWorkload w, Batch batch, Datagram d) {
        return context(w, batch) + ", " + describe(d);
    }

    private static String describe(Datagram d) {
        return "index " + d.index() + ": size " + d.size() + ", sent from " + d.sendShape() + ", received into "
                + d.receiveShape() + " (slack " + d.receiveSlack() + ")";
    }

    @Override
    public void close() throws IOException {
        receiver.shutdownNow();
        try {
            rx.close();
            tx.close();
        } finally {
            network.close();
        }
    }
}
