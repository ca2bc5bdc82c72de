package dev.batchudp.network.loopback;

import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpFamily;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Stores datagrams in messages under the receive queue's lock, with the control messages a
 * connection's receive options ask for, as Linux delivers them: built in one reused
 * {@link ControlMessage}, which the queue's lock guards, and marshalled as the kernel would.
 */
final class LoopbackMessageFiller implements ReceiveQueue.MessageFiller {
    private final LoopbackSocketOptions options;
    private final UdpFamily family;
    private final ControlMessage control = new ControlMessage();

    /**
     * @param options the connection's options, read for every datagram
     * @param ipv6 whether the connection is an IPv6 one (the records' family)
     */
    LoopbackMessageFiller(LoopbackSocketOptions options, boolean ipv6) {
        this.options = options;
        this.family = ipv6 ? UdpFamily.UDP6 : UdpFamily.UDP4;
    }

    @Override
    public boolean fill(Message m, byte[] payload, InetSocketAddress sender, InetAddress destination,
            int header, long drops) {
        int stored = 0;
        for (ByteBuffer b : m.buffers()) {
            int n = Math.min(b.remaining(), payload.length - stored);
            if (n > 0) {
                b.put(b.position(), payload, stored, n);
                stored += n;
            }
        }
        boolean truncated = stored < payload.length;
        int flags = truncated ? Message.TRUNCATED : 0;
        int controlLength = 0;
        boolean packetInfo = options.receivePacketInfo();
        boolean hopLimit = options.receiveHopLimit();
        boolean trafficClass = options.receiveTrafficClass();
        // SO_RXQ_OVFL is delivered only once something was dropped (sock_recv_drops, include/net/sock.h).
        boolean overflow = options.receiveQueueOverflow() && drops != 0;
        if (packetInfo || hopLimit || trafficClass || overflow) {
            ControlMessage c = control.reset();
            if (packetInfo) {
                c.destination(destination).interfaceIndex(destination.isLoopbackAddress()
                        ? AddressRegistry.INTERFACE_INDEX : LoopbackUdpConnection.HOST_INTERFACE_INDEX);
            }
            if (hopLimit) {
                c.hopLimit(ReceiveQueue.hopLimit(header));
            }
            if (trafficClass) {
                c.trafficClass(ReceiveQueue.trafficClass(header));
            }
            if (overflow) {
                c.dropCount(drops & 0xffffffffL);
            }
            ByteBuffer room = m.control();
            if (room == null) {
                flags |= Message.CONTROL_TRUNCATED; // put_cmsg (net/core/scm.c) without a buffer
            } else {
                int position = room.position();
                int written = c.marshalAsReceived(room, family);
                room.position(position);
                if (written < 0) {
                    flags |= Message.CONTROL_TRUNCATED;
                    written = ~written;
                }
                controlLength = written;
            }
        }
        m.address(sender).length(stored).controlLength(controlLength).flags(flags);
        return truncated;
    }
}
