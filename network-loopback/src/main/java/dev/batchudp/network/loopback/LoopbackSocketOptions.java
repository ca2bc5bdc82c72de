package dev.batchudp.network.loopback;

import dev.batchudp.network.UdpSocketOptions;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Set;

/**
 * The socket options of one {@link LoopbackUdpConnection}: which it supports, their values, and the
 * receive options {@link LoopbackMessageFiller} reads for every datagram it stores. {@code SO_RCVBUF}
 * is the receive queue's byte capacity and {@code RECEIVE_QUEUE_OVERFLOW} also turns on the queue's
 * drop stamps; the other values are plain volatile fields. Checking that the connection is open is the
 * caller's job.
 */
final class LoopbackSocketOptions {
    static final Set<SocketOption<?>> SUPPORTED = Set.of(
            StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF, UdpSocketOptions.IP_DONTFRAG,
            UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, UdpSocketOptions.RECEIVE_PACKET_INFO,
            UdpSocketOptions.RECEIVE_HOP_LIMIT, UdpSocketOptions.RECEIVE_QUEUE_OVERFLOW);

    /** Initial {@code SO_SNDBUF}: Linux's {@code net.core.wmem_default}. */
    static final int SEND_BUFFER_DEFAULT = 212_992;

    private final ReceiveQueue queue;
    private volatile int sendBufferSize = SEND_BUFFER_DEFAULT;
    private volatile boolean dontFragment;
    private volatile boolean receiveTrafficClass;
    private volatile boolean receivePacketInfo;
    private volatile boolean receiveHopLimit;
    private volatile boolean receiveQueueOverflow;

    LoopbackSocketOptions(ReceiveQueue queue, boolean dontFragment) {
        this.queue = queue;
        this.dontFragment = dontFragment;
    }

    /** Throws {@link UnsupportedOperationException} for an option the loopback network does not have. */
    static void checkSupported(SocketOption<?> name) {
        if (!SUPPORTED.contains(name)) {
            throw new UnsupportedOperationException(
                    "socket option " + name.name() + " is not supported by the loopback network; supported: "
                    + "SO_RCVBUF (receive queue bytes), SO_SNDBUF (stored only), IP_DONTFRAG, RECEIVE_TRAFFIC_CLASS, "
                    + "RECEIVE_PACKET_INFO, RECEIVE_HOP_LIMIT, RECEIVE_QUEUE_OVERFLOW");
        }
    }

    /** Sets a supported option ({@link #checkSupported} has passed), checking its value. */
    <T> void set(SocketOption<T> name, T value) {
        if (name.type() == Boolean.class) {
            if (!(value instanceof Boolean)) {
                throw new IllegalArgumentException(name.name() + " must be a Boolean, got " + value);
            }
            boolean on = (Boolean) value;
            if (name == UdpSocketOptions.IP_DONTFRAG) {
                dontFragment = on;
            } else if (name == UdpSocketOptions.RECEIVE_TRAFFIC_CLASS) {
                receiveTrafficClass = on;
            } else if (name == UdpSocketOptions.RECEIVE_PACKET_INFO) {
                receivePacketInfo = on;
            } else if (name == UdpSocketOptions.RECEIVE_HOP_LIMIT) {
                receiveHopLimit = on;
            } else {
                receiveQueueOverflow = on;
                queue.stampDrops(on);
            }
            return;
        }
        if (!(value instanceof Integer) || (Integer) value <= 0) {
            throw new IllegalArgumentException(name.name() + " must be a positive Integer, got " + value);
        }
        int size = (Integer) value;
        if (name == StandardSocketOptions.SO_RCVBUF) {
            queue.setByteCapacity(size);
        } else {
            sendBufferSize = size;
        }
    }

    /** Returns a supported option's value ({@link #checkSupported} has passed). */
    <T> T get(SocketOption<T> name) {
        if (name.type() == Boolean.class) {
            boolean on = name == UdpSocketOptions.IP_DONTFRAG ? dontFragment
                    : name == UdpSocketOptions.RECEIVE_TRAFFIC_CLASS ? receiveTrafficClass
                    : name == UdpSocketOptions.RECEIVE_PACKET_INFO ? receivePacketInfo
                    : name == UdpSocketOptions.RECEIVE_HOP_LIMIT ? receiveHopLimit
                    : receiveQueueOverflow;
            return name.type().cast(on);
        }
        int size = name == StandardSocketOptions.SO_RCVBUF ? queue.byteCapacity() : sendBufferSize;
        return name.type().cast(size);
    }

    /** {@link UdpSocketOptions#IP_DONTFRAG}: whether sends are limited to the interface MTU. */
    boolean dontFragment() {
        return dontFragment;
    }

    /** {@link UdpSocketOptions#RECEIVE_TRAFFIC_CLASS}. */
    boolean receiveTrafficClass() {
        return receiveTrafficClass;
    }

    /** {@link UdpSocketOptions#RECEIVE_PACKET_INFO}. */
    boolean receivePacketInfo() {
        return receivePacketInfo;
    }

    /** {@link UdpSocketOptions#RECEIVE_HOP_LIMIT}. */
    boolean receiveHopLimit() {
        return receiveHopLimit;
    }

    /** {@link UdpSocketOptions#RECEIVE_QUEUE_OVERFLOW}. */
    boolean receiveQueueOverflow() {
        return receiveQueueOverflow;
    }
}
