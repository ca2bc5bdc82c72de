package dev.batchudp.benchmarks;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.StdNetBindOptions;
import dev.batchudp.network.Network;
import dev.batchudp.network.system.SystemNetwork;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures UDP loopback throughput of one sender thread to one receiver thread, for several
 * implementations in one run, as {@code shared/tools/udplimit} does for C: StdNetBind on the Linux
 * path ({@code bind-linux}), StdNetBind on the portable JDK path, the JDK's {@link DatagramChannel}
 * directly, and Netty's epoll transport with {@code recvmmsg}. Cases are interleaved run by run and
 * medians reported, with ratios to the {@code jdk-channel} baseline measured in the same run.
 *
 * <pre>
 * usage: ThroughputHarness [--size 1200] [--seconds 3] [--runs 5] [--family 4|6]
 *                          [--cases stdnetbind-linux,stdnetbind-linux-borrowed,stdnetbind-linux-nogso,
 *                                   stdnetbind-linux-nogso-borrowed,stdnetbind-jdk,jdk-channel,
 *                                   netty-epoll,netty-epoll-gso,c-mmsg,c-gso]
 *                          [--pin 0,1|none] [--udplimit /path/to/udplimit] [--batch N] [--rxbuf BYTES]
 * </pre>
 *
 * <p>With {@code --udplimit}, the cases {@code c-mmsg} and {@code c-gso} run the C tool {@code udplimit}
 * (shared/tools/udplimit, built outside this repository) in the same interleaved run, so the ratio
 * to the C limit is measured under the same conditions.
 *
 * <p>Offload cases: {@code stdnetbind-linux} uses UDP GSO and GRO where the kernel has them (the
 * default); {@code stdnetbind-linux-nogso} turns both off through
 * {@code -Ddev.batchudp.bind.linux.gso.disabled}/{@code .gro.disabled}, set only while that case
 * opens its sockets; {@code netty-epoll-gso} sends Netty {@code SegmentedDatagramPacket}s (the same
 * 128 datagrams per batch, as many per packet as fit 65,507 bytes) to a receiver with
 * {@code UDP_GRO}. Compare them with {@code c-gso}. The {@code -borrowed} variants
 * ({@code stdnetbind-linux-borrowed}, {@code stdnetbind-linux-nogso-borrowed}) receive with
 * {@code ReceiveFunc.receiveBorrowed}, which lends the bind's buffers instead of copying into the
 * caller's.
 *
 * <p>Rates follow udplimit: datagrams received per second of the sender's active time; loss is
 * {@code (sent - received) / sent}. The receiver drains for 300 ms after the sender stops.
 */
public final class ThroughputHarness {
    static final int BATCH = Bind.IDEAL_BATCH_SIZE;
    static final int SOCKET_BUFFER = 8 << 20;
    /** {@code LinuxBatching.GSO_DISABLED_PROPERTY}. */
    static final String GSO_DISABLED = "dev.batchudp.bind.linux.gso.disabled";
    /** {@code LinuxBatching.GRO_DISABLED_PROPERTY}. */
    static final String GRO_DISABLED = "dev.batchudp.bind.linux.gro.disabled";
    /** The most payload bytes of one UDP_SEGMENT send over IPv4. */
    static final int MAX_GSO_PAYLOAD = 65_507;

    private ThroughputHarness() {}

    /** One measured run. */
    record Sample(String name, long sent, long received, double seconds) {
        double rxPerSecond() {
            return received / seconds;
        }

        double lossPercent() {
            return sent == 0 ? 0 : 100.0 * Math.max(0, sent - received) / sent;
        }
    }

    /** One implementation under test: a receiver and a sender on loopback. */
    abstract static class Case {
        final AtomicLong received = new AtomicLong();
        /** CPUs for the sender (index 0) and receiver (index 1), or null. */
        int[] pin;

        abstract String name();

        /** Opens the receiver and sender; returns the receiver address. */
        abstract void open(InetAddress loopback, int size) throws Exception;

        /** Receives until closed, adding to {@link #received}. Runs on the receiver thread. */
        abstract void receiveLoop() throws Exception;

        /** Sends one batch; returns how many datagrams were handed to the kernel. */
        abstract int sendBatch() throws Exception;

        abstract void close() throws Exception;
    }

    static final class BindCase extends Case {
        private final String name;
        private final String backend;
        private final boolean offloadDisabled;
        private final boolean borrowed;
        private Network network;
        private StdNetBind receiver;
        private StdNetBind sender;
        private ReceiveFunc func;
        private Endpoint target;
        private ByteBuffer[] bufs;

        BindCase(String name, String backend, boolean offloadDisabled, boolean borrowed) {
            this.name = name;
            this.backend = backend;
            this.offloadDisabled = offloadDisabled;
            this.borrowed = borrowed;
        }

        @Override
        String name() {
            return name;
        }

        @Override
        void open(InetAddress loopback, int size) throws IOException {
            network = SystemNetwork.open(backend);
            StdNetBindOptions options = StdNetBindOptions.builder().batchSize(bindBatchSize).build();
            receiver = StdNetBind.create(network, options);
            sender = StdNetBind.create(network, options);
            Bind.Opened opened;
            if (offloadDisabled) {
                // Read when the sockets are upgraded, so set only around this case's open.
                System.setProperty(GSO_DISABLED, "true");
                System.setProperty(GRO_DISABLED, "true");
            }
            try {
                opened = receiver.open(0);
                sender.open(0);
            } finally {
                System.clearProperty(GSO_DISABLED);
                System.clearProperty(GRO_DISABLED);
            }
            boolean v6 = loopback.getAddress().length == 16;
            for (ReceiveFunc f : opened.receiveFuncs()) {
                if (f.name().equals(v6 ? "v6" : "v4") || f.name().equals("v4v6")) {
                    func = f;
                }
            }
            target = sender.parseEndpoint(
                    (v6 ? "[::1]" : "127.0.0.1") + ":" + opened.port());
            bufs = new ByteBuffer[sender.batchSize()];
            // One contiguous block sliced per datagram, as an application's packet arena would be
            // (and as udplimit sends from one buffer).
            ByteBuffer block = ByteBuffer.allocateDirect(size * bufs.length);
            for (int i = 0; i < bufs.length; i++) {
                bufs[i] = block.slice(i * size, size);
                bufs[i].put(0, (byte) i);
            }
        }

        @Override
        void receiveLoop() throws IOException {
            int batch = receiver.batchSize();
            ByteBuffer[] packets = new ByteBuffer[batch];
            for (int i = 0; i < batch; i++) {
                packets[i] = ByteBuffer.allocateDirect(receiveBufferSize);
            }
            int[] sizes = new int[batch];
            Endpoint[] eps = new Endpoint[batch];
            try {
                while (true) {
                    int n = borrowed ? func.receiveBorrowed(packets, sizes, eps) : func.receive(packets, sizes, eps);
                    received.addAndGet(n);
                }
            } catch (ClosedChannelException done) {
                // Closed after the drain period.
            }
        }

        @Override
        int sendBatch() throws IOException {
            sender.send(bufs, target);
            return bufs.length;
        }

        @Override
        void close() throws IOException {
            receiver.close();
            sender.close();
            network.close();
        }
    }

    static final class JdkChannelCase extends Case {
        private DatagramChannel receiver;
        private DatagramChannel sender;
        private ByteBuffer buf;

        @Override
        String name() {
            return "jdk-channel";
        }

        @Override
        void open(InetAddress loopback, int size) throws IOException {
            StandardProtocolFamily family = loopback.getAddress().length == 16
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
            receiver = DatagramChannel.open(family);
            receiver.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            receiver.bind(new InetSocketAddress(loopback, 0));
            sender = DatagramChannel.open(family);
            sender.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            sender.connect(receiver.getLocalAddress());
            buf = ByteBuffer.allocateDirect(size);
        }

        @Override
        void receiveLoop() throws IOException {
            ByteBuffer dst = ByteBuffer.allocateDirect(65_536);
            try {
                while (true) {
                    dst.clear();
                    receiver.receive(dst);
                    received.incrementAndGet();
                }
            } catch (ClosedChannelException done) {
                // Closed after the drain period.
            }
        }

        @Override
        int sendBatch() throws IOException {
            for (int i = 0; i < BATCH; i++) {
                buf.clear();
                sender.write(buf);
            }
            return BATCH;
        }

        @Override
        void close() throws IOException {
            receiver.close();
            sender.close();
        }
    }

    static final class NettyEpollCase extends Case {
        private final boolean gso;
        private int size;
        private int perPacket;
        private InetSocketAddress recipient;
        private EpollEventLoopGroup receiverGroup;
        private EpollEventLoopGroup senderGroup;
        private Channel receiver;
        private Channel sender;
        private ByteBuf payload;
        private final CountDownLatch receiverClosed = new CountDownLatch(1);

        NettyEpollCase(boolean gso) {
            this.gso = gso;
        }

        @Override
        String name() {
            return gso ? "netty-epoll-gso" : "netty-epoll";
        }

        @Override
        void open(InetAddress loopback, int size) throws Exception {
            if (!Epoll.isAvailable()) {
                throw new IOException("Netty epoll unavailable", Epoll.unavailabilityCause());
            }
            if (gso && !EpollDatagramChannel.isSegmentedDatagramPacketSupported()) {
                throw new IOException("Netty epoll: SegmentedDatagramPacket unsupported here");
            }
            this.size = size;
            int limit = loopback.getAddress().length == 16 ? 65_527 : MAX_GSO_PAYLOAD;
            perPacket = Math.max(1, Math.min(64, limit / size));
            receiverGroup = new EpollEventLoopGroup(1);
            senderGroup = new EpollEventLoopGroup(1);
            // Netty's event loops do the I/O: pin them as the harness pins its own threads.
            receiverGroup.submit(() -> Affinity.pin(pin, 1)).sync();
            senderGroup.submit(() -> Affinity.pin(pin, 0)).sync();
            Bootstrap rb = new Bootstrap().group(receiverGroup).channel(EpollDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER);
            if (gso) {
                // UDP_GRO through Netty's recvmsg path (MAX_DATAGRAM_PAYLOAD_SIZE 0): its recvmmsg path
                // passes no control buffer, loses the segment size and hands a coalesced train over as
                // one packet (netty/netty#17492). Each read must hold a whole train (64 KiB).
                rb.option(EpollChannelOption.UDP_GRO, true)
                        .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 0)
                        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65_536));
            } else {
                // recvmmsg: the receive buffer is sliced into datagrams of this size.
                rb.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, size)
                        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(size * 64));
            }
            receiver = rb
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
                            if (msg instanceof SegmentedDatagramPacket) {
                                // A coalesced train Netty did not split: count its segments.
                                int seg = ((SegmentedDatagramPacket) msg).segmentSize();
                                received.addAndGet((msg.content().readableBytes() + seg - 1) / seg);
                                return;
                            }
                            received.incrementAndGet();
                        }
                    })
                    .bind(new InetSocketAddress(loopback, 0)).sync().channel();
            receiver.closeFuture().addListener(f -> receiverClosed.countDown());
            sender = new Bootstrap().group(senderGroup).channel(EpollDatagramChannel.class)
                    .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                    .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                    .connect(receiver.localAddress()).sync().channel();
            recipient = (InetSocketAddress) receiver.localAddress();
            payload = gso ? Unpooled.directBuffer(size * perPacket).writeZero(size * perPacket)
                    : Unpooled.directBuffer(size).writeZero(size);
        }

        @Override
        void receiveLoop() throws InterruptedException {
            receiverClosed.await();
        }

        /** Writes a batch on the sender's event loop and flushes once: Netty uses sendmmsg. */
        @Override
        int sendBatch() throws Exception {
            if (!sender.isWritable()) {
                Thread.onSpinWait();
                return 0;
            }
            sender.eventLoop().submit(() -> {
                if (gso) {
                    // The same 128 datagrams as the other cases, in UDP_SEGMENT sends of perPacket.
                    for (int left = BATCH; left > 0; left -= perPacket) {
                        int n = Math.min(left, perPacket);
                        sender.write(new SegmentedDatagramPacket(payload.retainedSlice(0, n * size), size, recipient),
                                sender.voidPromise());
                    }
                } else {
                    for (int i = 0; i < BATCH; i++) {
                        sender.write(payload.retainedDuplicate(), sender.voidPromise());
                    }
                }
                sender.flush();
            }).sync();
            return BATCH;
        }

        @Override
        void close() throws Exception {
            sender.close().sync();
            receiver.close().sync();
            senderGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            receiverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            payload.release();
        }
    }

    static Case newCase(String name) {
        switch (name) {
            case "stdnetbind-linux":
                return new BindCase(name, "linux", false, false);
            case "stdnetbind-linux-borrowed":
                return new BindCase(name, "linux", false, true);
            case "stdnetbind-linux-nogso":
                return new BindCase(name, "linux", true, false);
            case "stdnetbind-linux-nogso-borrowed":
                return new BindCase(name, "linux", true, true);
            case "stdnetbind-jdk":
                return new BindCase(name, "jdk", false, false);
            case "jdk-channel":
                return new JdkChannelCase();
            case "netty-epoll":
                return new NettyEpollCase(false);
            case "netty-epoll-gso":
                return new NettyEpollCase(true);
            default:
                throw new IllegalArgumentException("unknown case " + name);
        }
    }

    /** Receive buffer per slot for the stdnetbind cases (--rxbuf); 64 KiB holds any datagram. */
    static int receiveBufferSize = 65_536;

    /** StdNetBind batch size for the stdnetbind cases; 0 for the bind's default (128 on Linux). */
    static int bindBatchSize;

    /** Path of the udplimit binary (shared/tools/udplimit, built outside the repository), or null. */
    static String udplimit;

    /**
     * Runs udplimit ({@code c-mmsg}: sendmmsg/recvmmsg; {@code c-gso}: UDP_SEGMENT + UDP_GRO) for the
     * same payload, family, duration and CPUs, so the C limit is measured inside the same interleaved run.
     */
    static Sample measureC(String name, boolean ipv6, int size, double seconds, int[] pin) throws Exception {
        if (udplimit == null) {
            throw new IllegalArgumentException(name + " needs --udplimit PATH (build shared/tools/udplimit)");
        }
        String mode = name.substring(2);
        List<String> cmd = new ArrayList<>(List.of(udplimit, "-m", mode, "-s", Integer.toString(size),
                "-d", Integer.toString((int) Math.max(1, Math.round(seconds))), ipv6 ? "-6" : "-4",
                "-p", pin == null ? "none" : pin[0] + "," + pin[1]));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("udplimit failed: " + out);
        }
        double secs = Double.parseDouble(field(out, "secs"));
        double rx = Double.parseDouble(field(out, "rx_dgram_s"));
        double tx = Double.parseDouble(field(out, "tx_dgram_s"));
        return new Sample(name, Math.round(tx * secs), Math.round(rx * secs), secs);
    }

    private static String field(String out, String key) {
        for (String token : out.trim().split("\\s+")) {
            if (token.startsWith(key + "=")) {
                return token.substring(key.length() + 1);
            }
        }
        throw new IllegalStateException("no " + key + " in udplimit output: " + out);
    }

    static Sample measure(String name, InetAddress loopback, int size, double seconds, int[] pin)
            throws Exception {
        if (name.startsWith("c-")) {
            return measureC(name, loopback.getAddress().length == 16, size, seconds, pin);
        }
        Case c = newCase(name);
        c.pin = pin;
        c.open(loopback, size);
        Throwable[] receiverFailure = new Throwable[1];
        Thread rx = new Thread(() -> {
            Affinity.pin(pin, 1);
            try {
                c.receiveLoop();
            } catch (Throwable t) {
                receiverFailure[0] = t;
            }
        }, "harness-receiver");
        rx.start();
        Thread.sleep(100);
        long[] sent = new long[1];
        double[] elapsed = new double[1];
        Thread tx = new Thread(() -> {
            Affinity.pin(pin, 0);
            long end = System.nanoTime() + (long) (seconds * 1e9);
            long start = System.nanoTime();
            long now = start;
            try {
                while (now < end) {
                    sent[0] += c.sendBatch();
                    now = System.nanoTime();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            elapsed[0] = (now - start) / 1e9;
        }, "harness-sender");
        tx.start();
        tx.join();
        Thread.sleep(300);
        long got = c.received.get();
        c.close();
        rx.join(5_000);
        if (receiverFailure[0] != null) {
            throw new IllegalStateException(name + " receiver failed", receiverFailure[0]);
        }
        return new Sample(name, sent[0], got, elapsed[0]);
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * Runs the harness.
     *
     * @param args see the class documentation
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int size = 1200;
        double seconds = 3;
        int runs = 5;
        boolean ipv6 = false;
        int[] pin = {0, 1};
        List<String> cases = List.of("stdnetbind-linux", "stdnetbind-linux-nogso", "stdnetbind-jdk", "jdk-channel",
                "netty-epoll", "netty-epoll-gso");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--size": size = Integer.parseInt(args[i + 1]); break;
                case "--seconds": seconds = Double.parseDouble(args[i + 1]); break;
                case "--runs": runs = Integer.parseInt(args[i + 1]); break;
                case "--family": ipv6 = args[i + 1].equals("6"); break;
                case "--cases": cases = Arrays.asList(args[i + 1].split(",")); break;
                case "--udplimit": udplimit = args[i + 1]; break;
                case "--batch": bindBatchSize = Integer.parseInt(args[i + 1]); break;
                case "--rxbuf": receiveBufferSize = Integer.parseInt(args[i + 1]); break;
                case "--pin":
                    pin = args[i + 1].equals("none") ? null
                            : Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                    break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        InetAddress loopback = InetAddress.getByName(ipv6 ? "::1" : "127.0.0.1");
        System.out.printf(Locale.ROOT, "# java %s (%s), %s %s, %d cores; size=%d family=ipv%s seconds=%.1f runs=%d pin=%s%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.version"),
                Runtime.getRuntime().availableProcessors(), size, ipv6 ? "6" : "4", seconds, runs,
                pin == null ? "none" : Arrays.toString(pin));
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        for (String c : cases) {
            samples.put(c, new ArrayList<>());
        }
        // Warm-up: one short run of each case, discarded.
        for (String c : cases) {
            if (!c.startsWith("c-")) {
                measure(c, loopback, size, Math.min(1, seconds), pin);
            }
        }
        for (int r = 0; r < runs; r++) {
            for (String c : cases) {
                Sample s = measure(c, loopback, size, seconds, pin);
                samples.get(c).add(s);
                System.out.printf(Locale.ROOT, "run=%d case=%s sent=%d received=%d secs=%.3f rx_dgram_s=%.0f loss_pct=%.2f%n",
                        r, c, s.sent(), s.received(), s.seconds(), s.rxPerSecond(), s.lossPercent());
            }
        }
        double baseline = samples.containsKey("jdk-channel")
                ? median(samples.get("jdk-channel").stream().map(Sample::rxPerSecond).toList()) : Double.NaN;
        double cLimit = samples.containsKey("c-mmsg")
                ? median(samples.get("c-mmsg").stream().map(Sample::rxPerSecond).toList()) : Double.NaN;
        double gsoLimit = samples.containsKey("c-gso")
                ? median(samples.get("c-gso").stream().map(Sample::rxPerSecond).toList()) : Double.NaN;
        System.out.println();
        System.out.println("| case | received Mdgram/s (median, min-max) | Gbit/s payload | loss % | vs jdk-channel | vs c-mmsg"
                + " | vs c-gso |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
            List<Double> rates = e.getValue().stream().map(Sample::rxPerSecond).toList();
            double med = median(rates);
            double min = rates.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            double max = rates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            double loss = median(e.getValue().stream().map(Sample::lossPercent).toList());
            System.out.printf(Locale.ROOT, "| %s | %.3f (%.3f-%.3f) | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
                    e.getKey(), med / 1e6, min / 1e6, max / 1e6, med * size * 8 / 1e9, loss, med / baseline,
                    med / cLimit, med / gsoLimit);
        }
    }
}
