package dev.batchudp.benchmarks;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.Version;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Netty's epoll transport, in the configuration its API documents as the fast one for each path, as
 * an application would use it: the sending and receiving run on the channels' event loops (one
 * {@link MultiThreadIoEventLoopGroup} of one {@link EpollIoHandler} thread per side, pinned as the
 * harness pins its own threads).
 *
 * <ul>
 *   <li>{@code netty-epoll}: a connected sender channel, 128 writes of a datagram and one
 *       {@code flush()} per batch, which Netty sends with one {@code sendmmsg}; the receiver reads with
 *       {@code recvmmsg} of 128, which Netty uses when
 *       {@link EpollChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE} is set and the receive buffer holds
 *       several datagrams of that size. A connected socket is Netty's fastest configuration for one
 *       peer (no route lookup per datagram), so its C reference is {@code c-mmsg-connected}.
 *   <li>{@code netty-epoll-unconnected}: the same with an unconnected sender writing
 *       {@link DatagramPacket}s to the receiver's address, as a server answering many peers does
 *       (and as {@code StdNetBind} and {@code c-mmsg} send).
 *   <li>{@code netty-epoll-gso}: {@link SegmentedDatagramPacket}s (UDP GSO) of as many datagrams as
 *       one UDP send holds (54 × 1200 B; at most 64 segments), several per {@code flush()}, all in one
 *       {@code sendmmsg}; the receiver sets {@link EpollChannelOption#UDP_GRO} and reads each coalesced
 *       datagram with {@code recvmsg} into a 64 KiB buffer ({@code FixedRecvByteBufAllocator(65536)}
 *       with {@code MAX_DATAGRAM_PAYLOAD_SIZE} 65536, so one datagram per buffer), which Netty splits
 *       into a {@link DatagramPacket} per segment. Netty's {@code recvmmsg} path is not used with GRO: up
 *       to 4.2.18 it passes the kernel no control buffer unless {@code IP_RECVORIGDSTADDR} is set, so
 *       the segment size is lost and a coalesced datagram arrives unsplit (netty/netty#17492).
 * </ul>
 */
final class NettyEpollCase extends HarnessCase {
    /** The Netty release on the class path. */
    static final String NETTY_VERSION = nettyVersion();

    /** Pending outbound bytes that make a channel unwritable: above any batch, below the socket buffer. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(2 << 20, 4 << 20);

    private final boolean gso;
    private final boolean connected;
    private final int packetsPerFlush;
    private final int size;
    /** Datagrams per {@link SegmentedDatagramPacket}. */
    private final int perPacket;
    private InetSocketAddress recipient;
    private MultiThreadIoEventLoopGroup receiverGroup;
    private MultiThreadIoEventLoopGroup senderGroup;
    private Channel receiver;
    private Channel sender;
    private ByteBuf payload;
    private SendLoop sending;
    private final CountDownLatch receiverClosed = new CountDownLatch(1);

    NettyEpollCase(boolean gso, boolean connected, HarnessSettings settings) {
        this.gso = gso;
        this.connected = connected;
        this.packetsPerFlush = settings.nettyGsoPacketsPerFlush();
        this.size = settings.size();
        int limit = settings.ipv6() ? ThroughputHarness.MAX_GSO_PAYLOAD_V6 : ThroughputHarness.MAX_GSO_PAYLOAD_V4;
        this.perPacket = Math.max(1, Math.min(ThroughputHarness.MAX_GSO_SEGMENTS, limit / size));
    }

    private static String nettyVersion() {
        // A shaded jar keeps one META-INF/io.netty.versions.properties: try the artifacts in turn.
        Map<String, Version> versions = Version.identify();
        for (String artifact : new String[] {"netty-transport-classes-epoll", "netty-transport-native-epoll",
            "netty-transport", "netty-common"}) {
            Version v = versions.get(artifact);
            if (v != null) {
                return v.artifactVersion();
            }
        }
        return "unknown";
    }

    @Override
    String name() {
        return gso ? "netty-epoll-gso" : connected ? "netty-epoll" : "netty-epoll-unconnected";
    }

    @Override
    String cReference() {
        return gso ? "c-gso" : connected ? "c-mmsg-connected" : "c-mmsg";
    }

    @Override
    String description() {
        if (gso) {
            return String.format(Locale.ROOT, "Netty %s epoll: %d SegmentedDatagramPackets of %d x %d B (UDP_SEGMENT) per"
                    + " flush, one sendmmsg; UDP_GRO receive with recvmsg into 64 KiB buffers"
                    + " (FixedRecvByteBufAllocator(65536), MAX_DATAGRAM_PAYLOAD_SIZE 65536), split per segment",
                    NETTY_VERSION, packetsPerFlush, perPacket, size);
        }
        return String.format(Locale.ROOT, "Netty %s epoll: %s sender, %d writes + one flush (sendmmsg); recvmmsg of %d"
                + " (MAX_DATAGRAM_PAYLOAD_SIZE %d, FixedRecvByteBufAllocator(%d))", NETTY_VERSION,
                connected ? "connected" : "unconnected (DatagramPackets)", ThroughputHarness.BATCH,
                ThroughputHarness.BATCH, size, size * ThroughputHarness.BATCH);
    }

    @Override
    void open(InetAddress loopback, int size) throws Exception {
        if (!Epoll.isAvailable()) {
            throw new IOException("Netty epoll unavailable", Epoll.unavailabilityCause());
        }
        if (gso && !EpollDatagramChannel.isSegmentedDatagramPacketSupported()) {
            throw new IOException("Netty epoll: SegmentedDatagramPacket unsupported here");
        }
        receiverGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        senderGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        // Netty's event loops do the I/O: pin them as the harness pins its own threads.
        receiverGroup.submit(() -> Affinity.pin(pin, 1)).sync();
        senderGroup.submit(() -> Affinity.pin(pin, 0)).sync();
        // A socket of the run's family, as udplimit's and the bind's: Netty's default channel is an
        // IPv6 dual-stack socket, which sends IPv4 through udpv6_sendmsg.
        SocketProtocolFamily family = loopback.getAddress().length == 16 ? SocketProtocolFamily.INET6
                : SocketProtocolFamily.INET;
        Bootstrap rb = new Bootstrap().group(receiverGroup).channelFactory(() -> new EpollDatagramChannel(family))
                .option(ChannelOption.SO_RCVBUF, ThroughputHarness.SOCKET_BUFFER);
        if (gso) {
            // One coalesced datagram (< 64 KiB) per buffer: buffer / MAX_DATAGRAM_PAYLOAD_SIZE = 1, so
            // Netty reads it with recvmsg, whose control buffer carries the UDP_GRO segment size.
            rb.option(EpollChannelOption.UDP_GRO, true)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 65_536)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65_536));
        } else {
            // recvmmsg: the receive buffer is sliced into datagrams of this size.
            rb.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, size)
                    .option(ChannelOption.RECVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(size * ThroughputHarness.BATCH));
        }
        receiver = rb.handler(new Counter()).bind(new InetSocketAddress(loopback, 0)).sync().channel();
        receiver.closeFuture().addListener(f -> receiverClosed.countDown());
        Bootstrap sb = new Bootstrap().group(senderGroup).channelFactory(() -> new EpollDatagramChannel(family))
                .option(ChannelOption.SO_SNDBUF, ThroughputHarness.SOCKET_BUFFER)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new Resume());
        sender = (connected || gso ? sb.connect(receiver.localAddress()) : sb.bind(new InetSocketAddress(loopback, 0)))
                .sync().channel();
        recipient = (InetSocketAddress) receiver.localAddress();
        int bytes = gso ? size * perPacket : size;
        payload = Unpooled.directBuffer(bytes).writeZero(bytes);
    }

    /** Counts received datagrams on the receiver's event loop; publishes the count once per read. */
    private final class Counter extends SimpleChannelInboundHandler<DatagramPacket> {
        private long count;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            if (msg instanceof SegmentedDatagramPacket) {
                // A coalesced datagram Netty did not split: count its segments.
                int seg = ((SegmentedDatagramPacket) msg).segmentSize();
                count += (msg.content().readableBytes() + seg - 1) / seg;
            } else {
                count++;
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            received.lazySet(count);
        }
    }

    /** Resumes a send loop that stopped on an unwritable channel. */
    private final class Resume extends ChannelInboundHandlerAdapter {
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            SendLoop s = sending;
            if (ctx.channel().isWritable() && s != null && s.parked) {
                s.run();
            }
            ctx.fireChannelWritabilityChanged();
        }
    }

    /**
     * Writes a batch and flushes it, then queues itself on the event loop again (so the loop's I/O
     * runs in between) until the deadline; stops while the channel is unwritable.
     */
    private final class SendLoop implements Runnable {
        final long end;
        final CompletableFuture<Long> done = new CompletableFuture<>();
        long sent;
        boolean parked;

        SendLoop(long end) {
            this.end = end;
        }

        @Override
        public void run() {
            parked = false;
            try {
                if (System.nanoTime() >= end) {
                    done.complete(sent);
                    return;
                }
                if (!sender.isWritable()) {
                    parked = true;
                    return;
                }
                if (gso) {
                    for (int p = 0; p < packetsPerFlush; p++) {
                        sender.write(new SegmentedDatagramPacket(payload.retainedSlice(), size, recipient),
                                sender.voidPromise());
                    }
                    sent += (long) packetsPerFlush * perPacket;
                } else {
                    for (int i = 0; i < ThroughputHarness.BATCH; i++) {
                        sender.write(connected ? payload.retainedDuplicate()
                                : new DatagramPacket(payload.retainedDuplicate(), recipient), sender.voidPromise());
                    }
                    sent += ThroughputHarness.BATCH;
                }
                sender.flush();
                sender.eventLoop().execute(this);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }
    }

    @Override
    void receiveLoop() throws InterruptedException {
        receiverClosed.await();
    }

    @Override
    int sendBatch() {
        throw new UnsupportedOperationException("Netty sends on its event loop (sendUntil)");
    }

    /** Runs the send loop on the sender's event loop and waits for it. */
    @Override
    long sendUntil(long endNanos) throws Exception {
        SendLoop s = new SendLoop(endNanos);
        sender.eventLoop().submit(() -> {
            sending = s;
            s.run();
        }).sync();
        return s.done.get();
    }

    @Override
    long[] ownThreadsCpuNanos() throws Exception {
        return new long[] {senderGroup.submit(ThreadCpu::currentNanos).get(),
            receiverGroup.submit(ThreadCpu::currentNanos).get()};
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
