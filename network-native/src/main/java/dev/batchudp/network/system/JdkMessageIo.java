package dev.batchudp.network.system;

import dev.batchudp.network.BatchFlags;
import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.Message;
import dev.batchudp.network.spi.SegmentationEmulation;
import dev.batchudp.network.spi.SingleMessageIo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link JdkUdpConnection#readBatch} and {@link JdkUdpConnection#writeBatch}: one datagram per
 * message, as golang.org/x/net does where the platform has no batch call.
 *
 * <p>A read fills one message (its buffers through {@link JdkReceiver}'s scratch paths, truncation in
 * its flags) and never delivers control messages: the JDK receives none, so no receive option is
 * supported. Neither {@link BatchFlags#DONTWAIT} nor {@link BatchFlags#PEEK} is supported
 * ({@link UnsupportedOperationException}): the channel is in blocking mode for its concurrent senders
 * and receivers, the JDK's shortest timed wait is a millisecond, and it has no peek.
 *
 * <p>A write gathers a vectored message into a per-connection staging buffer and honours two control
 * messages: a traffic class ({@code IP_TOS}/{@code IPV6_TCLASS}, and so an ECN codepoint), applied
 * for that datagram only through {@link JdkTrafficClass}, and {@code UDP_SEGMENT}, emulated by
 * sending each segment as a datagram ({@link SegmentationEmulation}: at most 64 segments, as Linux;
 * segments larger than the path MTU are fragmented by the kernel, since the JDK cannot set
 * don't-fragment). Unlike the kernel's one-call segmentation this is not all or nothing: if a
 * later segment fails, the earlier ones have left and the message counts as not sent, so a retry
 * repeats them. A source address, an interface or a hop limit cannot be given to the JDK and is
 * refused with {@link UnsupportedOperationException} naming the record.
 */
final class JdkMessageIo {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final JdkUdpConnection connection;
    private final JdkReceiver receiver;
    /** {@link #write(Message, ControlMessage)}, made once so a batch allocates nothing for it. */
    private final SingleMessageIo.MessageSender writer = this::write;

    /** Guards {@link #sendStaging}, where vectored messages are gathered. */
    private final ReentrantLock sendStagingLock = new ReentrantLock();
    private ByteBuffer sendStaging; // guarded by sendStagingLock

    JdkMessageIo(JdkUdpConnection connection, JdkReceiver receiver) {
        this.connection = connection;
        this.receiver = receiver;
    }

    /** Reads one datagram into {@code msgs[offset]}; flags are not supported. */
    int read(Message[] msgs, int offset, int count, int flags) throws IOException {
        Objects.checkFromIndexSize(offset, count, msgs.length);
        BatchFlags.checkRead(flags);
        if (count == 0) {
            return 0;
        }
        if (flags != 0) {
            throw new UnsupportedOperationException("the jdk backend supports neither DONTWAIT nor PEEK (flags 0x"
                    + Integer.toHexString(flags) + "): its channel blocks, and the JDK has no peek");
        }
        Message m = msgs[offset];
        SingleMessageIo.checkWritable(m);
        connection.ensureOpen();
        try {
            receiver.receive(m, connection.readTimeoutMillis());
            return 1;
        } catch (ClosedChannelException e) {
            throw connection.closed(e);
        }
    }

    /** Sends one datagram per message (one per segment with {@code UDP_SEGMENT}); DONTWAIT is not supported. */
    int write(Message[] msgs, int offset, int count, int flags) throws IOException {
        Objects.checkFromIndexSize(offset, count, msgs.length);
        BatchFlags.checkWrite(flags);
        if (count > 0 && flags != 0) {
            throw new UnsupportedOperationException(
                    "the jdk backend does not support DONTWAIT: its channel blocks for its concurrent users");
        }
        return SingleMessageIo.writeEach(msgs, offset, count, writer);
    }

    private void write(Message m, ControlMessage control) throws IOException {
        connection.ensureOpen();
        InetSocketAddress to = connection.checkTarget(m.address());
        int trafficClass = connection.socketTrafficClass();
        int segmentSize = 0;
        if (control != null) {
            refuseUnsupported(control);
            if (control.trafficClass() != ControlMessage.UNSET) {
                trafficClass = control.trafficClass();
            }
            segmentSize = control.segmentSize();
        }
        long total = m.remaining();
        int limit = connection.maxPayload(to.getAddress());
        if (total > limit) {
            throw new DatagramTooLargeException(total > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) total, limit);
        }
        int length = (int) total;
        int segments = SegmentationEmulation.checkSegmentCount(length, segmentSize);
        ByteBuffer[] buffers = m.buffers();
        if (buffers.length <= 1) {
            ByteBuffer payload = buffers.length == 0 ? EMPTY.duplicate() : buffers[0].duplicate();
            send(payload, to, trafficClass, segments == 1 ? 0 : segmentSize);
        } else {
            sendStagingLock.lock();
            try {
                ByteBuffer staging = sendStaging;
                if (staging == null) {
                    staging = ByteBuffer.allocateDirect(JdkReceiver.SCRATCH_SIZE);
                    sendStaging = staging;
                }
                staging.clear();
                SingleMessageIo.gather(m, staging);
                send(staging.flip(), to, trafficClass, segments == 1 ? 0 : segmentSize);
            } finally {
                sendStagingLock.unlock();
            }
        }
        m.length(length).controlLength(0).flags(0);
    }

    /** Sends {@code payload}'s remaining bytes as one datagram, or as segments of {@code segmentSize}. */
    private void send(ByteBuffer payload, InetSocketAddress to, int trafficClass, int segmentSize)
            throws IOException {
        if (segmentSize == 0) {
            connection.sendDatagram(payload, to, trafficClass);
        } else {
            SegmentationEmulation.forEachSegment(payload, segmentSize,
                    segment -> connection.sendDatagram(segment, to, trafficClass));
        }
    }

    /** The records the JDK cannot pass to the kernel, and receive-only records, which no send takes. */
    private static void refuseUnsupported(ControlMessage control) {
        if (control.source() != null || control.destination() != null || control.interfaceIndex() != 0) {
            throw new UnsupportedOperationException("the jdk backend cannot send with IP_PKTINFO/IPV6_PKTINFO "
                    + "(a source address or an interface): " + control);
        }
        if (control.hopLimit() != ControlMessage.UNSET) {
            throw new UnsupportedOperationException(
                    "the jdk backend cannot send with IP_TTL/IPV6_HOPLIMIT (a per-datagram hop limit): " + control);
        }
        SingleMessageIo.refuseReceiveOnly(control);
    }
}
