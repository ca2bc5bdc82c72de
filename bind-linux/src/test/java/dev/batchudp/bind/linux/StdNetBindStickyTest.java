package dev.batchudp.bind.linux;

import static dev.batchudp.bind.linux.internal.LinuxConstants.IPPROTO_IP;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IPPROTO_IPV6;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IPV6_RECVPKTINFO;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IPV6_UNICAST_IF;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IP_PKTINFO;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IP_UNICAST_IF;
import static dev.batchudp.bind.linux.internal.LinuxConstants.SOL_SOCKET;
import static dev.batchudp.bind.linux.internal.LinuxConstants.SO_MARK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.StdNetBindOptions;
import dev.batchudp.bind.StdNetEndpoint;
import dev.batchudp.bind.linux.internal.LinuxBatchingConn;
import dev.batchudp.bind.linux.internal.Syscalls;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Sticky sources, marks, interface binding, blackhole and fd access of StdNetBind on native sockets.
 * A plain JDK socket is the peer: what its {@code receive} returns as the sender is the reply's
 * source address. Linux routes all of 127.0.0.0/8 to {@code lo}, so 127.0.0.2 and 127.0.0.3 are
 * local addresses a wildcard-bound bind receives on.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class StdNetBindStickyTest {
    private static final int LO = 1;

    private SystemNetwork network;
    private StdNetBind bind;
    private Bind.Opened opened;
    private final List<DatagramChannel> peers = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        LinuxTestSupport.assumeLinuxBatching();
        network = SystemNetwork.open("linux");
        bind = StdNetBind.create(network);
        opened = bind.open(0);
    }

    @AfterEach
    void close() throws IOException {
        for (DatagramChannel p : peers) {
            p.close();
        }
        if (bind != null) {
            bind.close();
        }
        if (network != null) {
            network.close();
        }
    }

    private DatagramChannel peer(String host) throws IOException {
        InetAddress ip = InetAddress.getByName(host);
        DatagramChannel p = DatagramChannel.open(ip.getAddress().length == 16 ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET);
        peers.add(p);
        return p.bind(new InetSocketAddress(ip, 0));
    }

    private ReceiveFunc func(String name) {
        return opened.receiveFuncs().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void nativeLinuxBindsSupportStickySocketsAndPortableOnesDoNot() throws IOException {
        assertThat(bind.supportsStickySockets()).isTrue();
        assertThat(StdNetBind.supportsStickySockets(network)).isTrue();
        assertThat(StdNetBind.create(network, StdNetBindOptions.builder().batchingDisabled(true).build())
                .supportsStickySockets()).isFalse();
        try (SystemNetwork jdk = SystemNetwork.open("jdk")) {
            assertThat(StdNetBind.supportsStickySockets(jdk)).isFalse();
        }
    }

    /** Receives one datagram through a receive function and returns its endpoint. */
    private Endpoint receiveOne(String func, byte[] expected) throws IOException {
        int n = bind.batchSize();
        ByteBuffer[] packets = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            packets[i] = ByteBuffer.allocateDirect(2048);
        }
        int[] sizes = new int[n];
        Endpoint[] eps = new Endpoint[n];
        assertThat(func(func).receive(packets, sizes, eps)).isEqualTo(1);
        byte[] got = new byte[sizes[0]];
        packets[0].get(0, got);
        assertThat(got).isEqualTo(expected);
        return eps[0];
    }

    private static ByteBuffer[] one(byte[] payload) {
        return new ByteBuffer[] {ByteBuffer.allocateDirect(payload.length).put(payload).flip()};
    }

    /** The peer receives one datagram; returns its sender (the reply's source). */
    private static InetSocketAddress receiveFrom(DatagramChannel peer, byte[] expected) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2048);
        SocketAddress from = peer.receive(b);
        b.flip();
        byte[] got = new byte[b.remaining()];
        b.get(got);
        assertThat(got).isEqualTo(expected);
        return (InetSocketAddress) from;
    }

    private LinuxBatchingConn conn(UdpFamily family) {
        return bind.connection(family).orElseThrow().capability(LinuxBatchingConn.class).orElseThrow();
    }

    @Test
    void socketsAskForPacketInfo() throws IOException {
        Syscalls sys = Syscalls.system();
        assertThat(sys.getsockoptInt(bind.peekLookAtSocketFd4(), IPPROTO_IP, IP_PKTINFO)).isEqualTo(1);
        assertThat(conn(UdpFamily.UDP4).capturesSources()).isTrue();
        if (bind.connection(UdpFamily.UDP6).isPresent()) {
            assertThat(sys.getsockoptInt(bind.peekLookAtSocketFd6(), IPPROTO_IPV6, IPV6_RECVPKTINFO)).isEqualTo(1);
        }
    }

    @Test
    void replyComesFromTheAddressThePeerWroteTo() throws IOException {
        DatagramChannel peer = peer("127.0.0.1");
        for (String local : List.of("127.0.0.2", "127.0.0.3")) {
            byte[] ping = ("ping " + local).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            peer.send(ByteBuffer.wrap(ping), new InetSocketAddress(local, opened.port()));
            StdNetEndpoint ep = (StdNetEndpoint) receiveOne("v4", ping);
            assertThat(ep.srcIp()).contains(InetAddress.getByName(local));
            assertThat(ep.srcToString()).isEqualTo(local);
            assertThat(ep.srcIfIndex()).isEqualTo(LO);
            assertThat(ep.dst()).isEqualTo(peer.getLocalAddress());

            byte[] pong = ("pong " + local).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            bind.send(one(pong), ep);
            InetSocketAddress from = receiveFrom(peer, pong);
            assertThat(from).isEqualTo(new InetSocketAddress(local, opened.port()));
        }
    }

    @Test
    void clearSrcLeavesTheChoiceToTheKernel() throws IOException {
        DatagramChannel peer = peer("127.0.0.1");
        byte[] ping = {1, 2, 3};
        peer.send(ByteBuffer.wrap(ping), new InetSocketAddress("127.0.0.2", opened.port()));
        Endpoint ep = receiveOne("v4", ping);
        ep.clearSrc();
        assertThat(ep.srcIp()).isEmpty();
        assertThat(ep.srcToString()).isEmpty();
        assertThat(((StdNetEndpoint) ep).srcIfIndex()).isZero();
        bind.send(one(new byte[] {4}), ep);
        // Replying to 127.0.0.1 from a wildcard socket, Linux picks 127.0.0.1.
        assertThat(receiveFrom(peer, new byte[] {4}).getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void ipv6StickySourceRoundTrips() throws IOException {
        LinuxTestSupport.assumeIpv6();
        DatagramChannel peer = peer("::1");
        byte[] ping = {6, 6};
        peer.send(ByteBuffer.wrap(ping), new InetSocketAddress("::1", opened.port()));
        StdNetEndpoint ep = (StdNetEndpoint) receiveOne("v6", ping);
        assertThat(ep.srcIp()).contains(InetAddress.getByName("::1"));
        assertThat(ep.srcToString()).isEqualTo("::1");
        assertThat(ep.srcIfIndex()).isEqualTo(LO);
        bind.send(one(new byte[] {7}), ep);
        assertThat(receiveFrom(peer, new byte[] {7})).isEqualTo(new InetSocketAddress("::1", opened.port()));
        assertThat(conn(UdpFamily.UDP6).stickySourceDropCount()).isZero();
        ep.clearSrc();
        bind.send(one(new byte[] {8}), ep);
        assertThat(receiveFrom(peer, new byte[] {8}).getAddress()).isEqualTo(InetAddress.getByName("::1"));
    }

    @Test
    void stickySourceSurvivesABatchedGsoReply() throws IOException {
        DatagramChannel peer = peer("127.0.0.1");
        peer.send(ByteBuffer.wrap(new byte[] {9}), new InetSocketAddress("127.0.0.3", opened.port()));
        Endpoint ep = receiveOne("v4", new byte[] {9});
        LinuxBatchingConn conn = conn(UdpFamily.UDP4);
        long kernelMessages = conn.sentKernelMessages();
        ByteBuffer[] bufs = new ByteBuffer[10];
        for (int i = 0; i < bufs.length; i++) {
            byte[] b = new byte[1200];
            b[0] = (byte) i;
            bufs[i] = ByteBuffer.allocateDirect(1200).put(b).flip();
        }
        bind.send(bufs, ep);
        if (conn.txOffload()) {
            assertThat(conn.sentKernelMessages() - kernelMessages).as("one coalesced GSO entry").isEqualTo(1);
        }
        for (int i = 0; i < bufs.length; i++) {
            ByteBuffer b = ByteBuffer.allocate(2048);
            InetSocketAddress from = (InetSocketAddress) peer.receive(b);
            assertThat(b.position()).isEqualTo(1200);
            assertThat(b.get(0)).isEqualTo((byte) i);
            assertThat(from).isEqualTo(new InetSocketAddress("127.0.0.3", opened.port()));
        }
        assertThat(ep.srcIp()).contains(InetAddress.getByName("127.0.0.3"));
    }

    /**
     * A source that is not (or no longer) a local address: the kernel refuses it with {@code EINVAL};
     * the bind clears it, resends from the kernel's choice, and GSO stays on. 192.0.2.1 (TEST-NET-1)
     * is only named as a source: nothing is sent to it.
     */
    @Test
    void vanishedSourceIsClearedAndTheBatchResent() throws IOException {
        DatagramChannel peer = peer("127.0.0.1");
        StdNetEndpoint ep = StdNetEndpoint.withSource((InetSocketAddress) peer.getLocalAddress(),
                InetAddress.getByName("192.0.2.1"), 0);
        LinuxBatchingConn conn = conn(UdpFamily.UDP4);
        boolean gso = conn.txOffload();
        ByteBuffer[] bufs = new ByteBuffer[10];
        for (int i = 0; i < bufs.length; i++) {
            bufs[i] = ByteBuffer.allocateDirect(1000).put(0, (byte) i);
        }
        bind.send(bufs, ep);
        for (int i = 0; i < bufs.length; i++) {
            ByteBuffer b = ByteBuffer.allocate(2048);
            InetSocketAddress from = (InetSocketAddress) peer.receive(b);
            assertThat(b.get(0)).isEqualTo((byte) i);
            assertThat(from.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        }
        assertThat(ep.srcIp()).isEmpty();
        assertThat(conn.stickySourceDropCount()).isEqualTo(1);
        assertThat(conn.txOffload()).isEqualTo(gso);
        assertThat(conn.gsoDisabledCount()).isZero();
    }

    private static int mark(int fd) throws IOException {
        return Syscalls.system().getsockoptInt(fd, SOL_SOCKET, SO_MARK);
    }

    @Test
    void setMarkSetsSoMarkAndMustBeRepeatedAfterReopen() throws IOException {
        bind.setMark(0x2a);
        assertThat(mark(bind.peekLookAtSocketFd4())).isEqualTo(0x2a);
        boolean v6 = bind.connection(UdpFamily.UDP6).isPresent();
        if (v6) {
            assertThat(mark(bind.peekLookAtSocketFd6())).isEqualTo(0x2a);
        }
        bind.close();
        bind.setMark(1); // closed: nothing to do
        opened = bind.open(0);
        assertThat(mark(bind.peekLookAtSocketFd4())).as("not remembered across open").isZero();
        bind.setMark(0x2b);
        assertThat(mark(bind.peekLookAtSocketFd4())).isEqualTo(0x2b);
        if (v6) {
            assertThat(mark(bind.peekLookAtSocketFd6())).isEqualTo(0x2b);
        }
    }

    @Test
    void peekLookAtSocketFdLendsTheSocketsFds() throws IOException {
        int fd4 = bind.peekLookAtSocketFd4();
        assertThat(fd4).isEqualTo(bind.connection(UdpFamily.UDP4).orElseThrow().capability(dev.batchudp.bind.spi.SocketControl.class)
                .orElseThrow().fd());
        bind.close();
        assertThatThrownBy(bind::peekLookAtSocketFd4).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(bind::peekLookAtSocketFd6).isInstanceOf(ClosedChannelException.class);
    }

    private static int htonl(int v) {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(v) : v;
    }

    @Test
    void bindSocketToInterfaceSetsUnicastIf() throws IOException {
        bind.bindSocketToInterface4(LO, false);
        assertThat(Syscalls.system().getsockoptInt(bind.peekLookAtSocketFd4(), IPPROTO_IP, IP_UNICAST_IF))
                .as("network byte order").isEqualTo(htonl(LO));
        DatagramChannel peer = peer("127.0.0.1");
        bind.send(one(new byte[] {1}), bind.parseEndpoint("127.0.0.1:" + ((InetSocketAddress) peer.getLocalAddress())
                .getPort()));
        receiveFrom(peer, new byte[] {1});
        if (bind.connection(UdpFamily.UDP6).isPresent()) {
            bind.bindSocketToInterface6(LO, false);
            assertThat(Syscalls.system().getsockoptInt(bind.peekLookAtSocketFd6(), IPPROTO_IPV6, IPV6_UNICAST_IF))
                    .isEqualTo(htonl(LO));
        }
        assertThatThrownBy(() -> bind.bindSocketToInterface4(1 << 30, false)).isInstanceOf(IOException.class);
    }

    @Test
    void blackholeDropsSendsOfThatFamilyWithoutErrorOrTraffic() throws IOException {
        DatagramChannel peer = peer("127.0.0.1");
        Endpoint to = bind.parseEndpoint("127.0.0.1:" + ((InetSocketAddress) peer.getLocalAddress()).getPort());
        LinuxBatchingConn conn = conn(UdpFamily.UDP4);
        bind.bindSocketToInterface4(0, true);
        long calls = conn.sendCalls();
        bind.send(one(new byte[] {66}), to);
        assertThat(conn.sendCalls()).as("no system call").isEqualTo(calls);
        bind.bindSocketToInterface4(0, false);
        bind.send(one(new byte[] {1}), to);
        receiveFrom(peer, new byte[] {1}); // the first datagram the peer sees: nothing went out before
        bind.bindSocketToInterface4(0, true);
        bind.close();
        opened = bind.open(0);
        conn = conn(UdpFamily.UDP4);
        bind.send(one(new byte[] {2}), to);
        receiveFrom(peer, new byte[] {2});
        assertThat(conn.sendCalls()).as("close cleared the blackhole").isEqualTo(1);
    }

    @Test
    void interfaceBindingNeedsAnOpenFamily() throws IOException {
        bind.close();
        assertThatThrownBy(() -> bind.bindSocketToInterface4(LO, true)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> bind.bindSocketToInterface6(LO, true)).isInstanceOf(ClosedChannelException.class);
    }
}
