package dev.batchudp.network.system;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A per-datagram traffic class on a {@link DatagramChannel}, whose only handle on it is the
 * {@link StandardSocketOptions#IP_TOS} socket option (on an IPv6 socket the JDK sets both the IPv6
 * traffic class and, on Linux, the IPv4 TOS).
 *
 * <p>A datagram with its own traffic class and any other send must not interleave: sends hold the
 * read side of a read-write lock while the socket's value is the one they need, and take the write
 * side to change it. Datagrams without a traffic class of their own leave with the value last set
 * through {@link #setSocketOption}, as they would on Linux.
 */
final class JdkTrafficClass {
    /** Sends one datagram while the socket carries the traffic class it needs. */
    @FunctionalInterface
    interface DatagramSender {
        void send(ByteBuffer src, InetSocketAddress to) throws IOException;
    }

    private final DatagramChannel channel;
    /** Read side: a send while {@link #applied} is what it needs. Write side: changing it. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** The IP_TOS value set through {@link #setSocketOption}: what datagrams without their own carry. */
    private volatile int socketValue;
    /** The IP_TOS value on the channel now; written under the write lock. */
    private volatile int applied;

    JdkTrafficClass(DatagramChannel channel) throws IOException {
        this.channel = channel;
        int tos = channel.getOption(StandardSocketOptions.IP_TOS);
        this.socketValue = tos;
        this.applied = tos;
    }

    /** The value set through {@link #setSocketOption}, not one a datagram applied for itself. */
    int socketValue() {
        return socketValue;
    }

    /** Sets {@link StandardSocketOptions#IP_TOS} on the channel as the value for datagrams without their own. */
    <T> void setSocketOption(SocketOption<T> name, T value) throws IOException {
        ReentrantReadWriteLock.WriteLock exclusive = lock.writeLock();
        exclusive.lock();
        try {
            channel.setOption(name, value);
            socketValue = (Integer) value;
            applied = socketValue;
        } finally {
            exclusive.unlock();
        }
    }

    /**
     * Sends one datagram through {@code sender} with the channel's IP_TOS at {@code trafficClass}.
     *
     * @throws java.nio.channels.ClosedChannelException if the channel was closed when the value was set
     */
    void send(ByteBuffer src, InetSocketAddress to, int trafficClass, DatagramSender sender) throws IOException {
        ReentrantReadWriteLock.ReadLock shared = lock.readLock();
        shared.lock();
        try {
            if (applied == trafficClass) {
                sender.send(src, to);
                return;
            }
        } finally {
            shared.unlock();
        }
        ReentrantReadWriteLock.WriteLock exclusive = lock.writeLock();
        exclusive.lock();
        try {
            if (applied != trafficClass) {
                channel.setOption(StandardSocketOptions.IP_TOS, trafficClass);
                applied = trafficClass;
            }
            sender.send(src, to);
        } finally {
            exclusive.unlock();
        }
    }
}
