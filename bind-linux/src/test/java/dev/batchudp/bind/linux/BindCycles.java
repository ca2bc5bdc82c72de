package dev.batchudp.bind.linux;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The child JVM of {@link StdNetBindNativeMemoryTest}: {@code N} cycles of opening a
 * {@link StdNetBind} on {@link SystemNetwork#open()} (the {@code linux} backend, both families, port
 * 0), sending a few datagrams to itself on 127.0.0.1 and on ::1, receiving them once with
 * {@code receive} and once with {@code receiveBorrowed}, and closing it. Run with a small
 * {@code -XX:MaxDirectMemorySize} and {@code -XX:+DisableExplicitGC}, it fails when a bind's native
 * memory outlives its close (or is only released by the garbage collector).
 *
 * <p>Arguments: the number of cycles. Exit status: 0 on success; 1 when a cycle fails (the cycle and
 * the exception are printed); 2 when file descriptors leaked (the counts and the extra fds are
 * printed); 3 when the set-up is not what the test needs (not the batching {@code linux} backend).
 */
public final class BindCycles {
    /** Exit status: every cycle succeeded and no fd leaked. */
    static final int OK = 0;
    /** Exit status: a cycle failed. */
    static final int CYCLE_FAILED = 1;
    /** Exit status: more fds were open after the cycles than before. */
    static final int FDS_LEAKED = 2;
    /** Exit status: the bind did not get the batching linux backend. */
    static final int WRONG_SETUP = 3;

    private static final int DATAGRAMS = 4;
    private static final int DATAGRAM_SIZE = 1_000;

    /** The caller's receive buffers, allocated once. */
    private final ByteBuffer[] own = new ByteBuffer[Bind.IDEAL_BATCH_SIZE];
    private final ByteBuffer[] packets = new ByteBuffer[Bind.IDEAL_BATCH_SIZE];
    private final int[] sizes = new int[Bind.IDEAL_BATCH_SIZE];
    private final Endpoint[] eps = new Endpoint[Bind.IDEAL_BATCH_SIZE];

    private BindCycles() {
        for (int i = 0; i < own.length; i++) {
            own[i] = ByteBuffer.allocateDirect(2_048);
        }
    }

    /**
     * Runs the cycles and exits.
     *
     * @param args the number of cycles
     */
    public static void main(String[] args) {
        int cycles = Integer.parseInt(args[0]);
        PrintStream out = System.out;
        int status;
        try (SystemNetwork network = SystemNetwork.open()) {
            status = new BindCycles().run(network, cycles, out);
        }
        out.flush();
        System.exit(status);
    }

    private int run(SystemNetwork network, int cycles, PrintStream out) {
        // Cycle 0 also loads classes (and opens the jars they come from): count fds after it.
        long fdsBefore = -1;
        List<String> fdsBeforeList = List.of();
        for (int c = 0; c < cycles; c++) {
            try {
                if (!cycle(network, c)) {
                    out.println("cycle " + c + ": the bind does not batch on " + network.backendName()
                            + "; the linux backend is needed");
                    return WRONG_SETUP;
                }
            } catch (Throwable t) {
                out.println("cycle " + c + " of " + cycles + " failed: " + t);
                t.printStackTrace(out);
                return CYCLE_FAILED;
            }
            if (c == 0) {
                fdsBeforeList = fds();
                fdsBefore = fdsBeforeList.size();
            }
        }
        List<String> fdsAfter = fds();
        if (fdsAfter.size() > fdsBefore) {
            List<String> before = fdsBeforeList;
            out.println("fds leaked: " + fdsBefore + " open after cycle 0, " + fdsAfter.size() + " after cycle "
                    + (cycles - 1) + "; new: " + fdsAfter.stream().filter(f -> !before.contains(f))
                            .collect(Collectors.joining(", ")));
            return FDS_LEAKED;
        }
        out.println(cycles + " cycles, " + fdsBefore + " fds open before and " + fdsAfter.size() + " after");
        return OK;
    }

    /** One open, send and receive (both ways), close. Returns false if the bind does not batch. */
    private boolean cycle(SystemNetwork network, int cycle) throws IOException {
        StdNetBind bind = StdNetBind.create(network);
        try {
            Bind.Opened opened = bind.open(0);
            if (!bind.isBatching(UdpFamily.UDP4) || !bind.isBatching(UdpFamily.UDP6)) {
                return false;
            }
            for (UdpFamily family : List.of(UdpFamily.UDP4, UdpFamily.UDP6)) {
                ReceiveFunc f = opened.receiveFuncs().stream()
                        .filter(r -> r.name().equals(family == UdpFamily.UDP6 ? "v6" : "v4"))
                        .findFirst().orElseThrow();
                Endpoint self = bind.parseEndpoint(
                        (family == UdpFamily.UDP6 ? "[::1]:" : "127.0.0.1:") + opened.port());
                for (boolean borrowed : new boolean[] {false, true}) {
                    int tag = cycle * 4 + family.ordinal() * 2 + (borrowed ? 1 : 0);
                    bind.send(datagrams(tag), self);
                    receive(f, tag, borrowed);
                }
            }
        } finally {
            bind.close();
        }
        return true;
    }

    private static ByteBuffer[] datagrams(int tag) {
        ByteBuffer[] bufs = new ByteBuffer[DATAGRAMS];
        for (int i = 0; i < DATAGRAMS; i++) {
            ByteBuffer b = ByteBuffer.allocate(DATAGRAM_SIZE);
            for (int j = 0; j < DATAGRAM_SIZE; j++) {
                b.put(j, (byte) (tag * 31 + i * 7 + j));
            }
            bufs[i] = b;
        }
        return bufs;
    }

    private void receive(ReceiveFunc f, int tag, boolean borrowed) throws IOException {
        System.arraycopy(own, 0, packets, 0, own.length); // receiveBorrowed replaced some
        int got = 0;
        while (got < DATAGRAMS) {
            int n = borrowed ? f.receiveBorrowed(packets, sizes, eps) : f.receive(packets, sizes, eps);
            for (int i = 0; i < n; i++, got++) {
                ByteBuffer b = packets[i];
                if (sizes[i] != DATAGRAM_SIZE) {
                    throw new IllegalStateException("datagram " + got + ": " + sizes[i] + " bytes");
                }
                for (int j = 0; j < DATAGRAM_SIZE; j++) {
                    if (b.get(b.position() + j) != (byte) (tag * 31 + got * 7 + j)) {
                        throw new IllegalStateException("datagram " + got + " differs at byte " + j);
                    }
                }
            }
        }
    }

    private static List<String> fds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(BindCycles::describeFd).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String describeFd(Path fd) {
        try {
            return fd.getFileName() + "->" + Files.readSymbolicLink(fd);
        } catch (IOException e) {
            return fd.getFileName() + "->?"; // the fd of the listing itself, closed by now
        }
    }
}
