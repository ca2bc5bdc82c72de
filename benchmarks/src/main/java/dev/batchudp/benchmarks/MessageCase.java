package dev.batchudp.benchmarks;

import dev.batchudp.network.Message;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * The batch-message API ({@link UdpConnection#writeBatch}/{@link UdpConnection#readBatch}) on the
 * system network's {@code linux} backend, without GSO or GRO and without control data. A connection no
 * bind has upgraded takes 64 messages per system call, so a {@code writeBatch} of
 * {@value ThroughputHarness#BATCH} is two {@code sendmmsg} calls and a read returns at most 64.
 *
 * <ul>
 *   <li>{@code linux-messages}: an unconnected sender, each message addressed (as {@code c-mmsg} and
 *       a bind send).
 *   <li>{@code linux-messages-connected}: a connected sender, messages without an address: the socket
 *       configuration of Netty's {@code netty-epoll} case and of {@code c-mmsg-connected}
 *       (udplimit {@code -c}), which saves the kernel a route lookup per datagram.
 * </ul>
 *
 * <p>Like the bind cases it sends 128 slices of one direct block and receives into 64 KiB direct
 * buffers (or {@code --rxbuf}).
 */
final class MessageCase extends HarnessCase {
    private final boolean connected;
    private final int receiveBufferSize;
    private Network network;
    private UdpConnection receiver;
    private UdpConnection sender;
    private Message[] out;

    MessageCase(boolean connected, HarnessSettings settings) {
        this.connected = connected;
        this.receiveBufferSize = settings.receiveBufferSize();
    }

    @Override
    String name() {
        return connected ? "linux-messages-connected" : "linux-messages";
    }

    @Override
    String cReference() {
        return connected ? "c-mmsg-connected" : "c-mmsg";
    }

    @Override
    String description() {
        return "UdpConnection.writeBatch of " + ThroughputHarness.BATCH + " messages (2 sendmmsg of 64)/readBatch of "
                + ThroughputHarness.BATCH + " (recvmmsg of up to 64) on the linux backend, no GSO/GRO, no control data, "
                + (connected ? "connected sender, messages without an address" : "unconnected sender, each message addressed");
    }

    @Override
    void open(InetAddress loopback, int size) throws IOException {
        network = SystemNetwork.open("linux");
        UdpFamily family = loopback.getAddress().length == 16 ? UdpFamily.UDP6 : UdpFamily.UDP4;
        receiver = network.openUdp(family, new InetSocketAddress(loopback, 0));
        // As an application sets them, and as the Netty and DatagramChannel cases do: a plain SO_RCVBUF,
        // which the kernel caps at net.core.rmem_max (the bind forces its buffers past that).
        receiver.setOption(StandardSocketOptions.SO_RCVBUF, ThroughputHarness.SOCKET_BUFFER);
        InetSocketAddress target = receiver.localAddress();
        sender = network.openUdp(family, new InetSocketAddress(loopback, 0), connected ? target : null);
        sender.setOption(StandardSocketOptions.SO_SNDBUF, ThroughputHarness.SOCKET_BUFFER);
        out = new Message[ThroughputHarness.BATCH];
        ByteBuffer block = ByteBuffer.allocateDirect(size * out.length);
        for (int i = 0; i < out.length; i++) {
            ByteBuffer b = block.slice(i * size, size);
            b.put(0, (byte) i);
            out[i] = new Message(b).address(connected ? null : target);
        }
    }

    @Override
    void receiveLoop() throws IOException {
        Message[] in = new Message[ThroughputHarness.BATCH];
        for (int i = 0; i < in.length; i++) {
            in[i] = new Message(ByteBuffer.allocateDirect(receiveBufferSize));
        }
        try {
            while (true) {
                received.addAndGet(receiver.readBatch(in, 0, in.length, 0));
            }
        } catch (ClosedChannelException done) {
            // Closed after the drain period.
        }
    }

    @Override
    int sendBatch() throws IOException {
        int n = 0;
        while (n < out.length) {
            n += sender.writeBatch(out, n, out.length - n, 0);
        }
        return n;
    }

    @Override
    void close() throws IOException {
        receiver.close();
        sender.close();
        network.close();
    }
}
