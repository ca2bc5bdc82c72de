package dev.batchudp.network.spi;

import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A connection that only implements {@link #receive} and {@link #send}, over a queue of datagrams to
 * receive and a list of those sent, so that the default {@link UdpConnection#readBatch} and
 * {@link UdpConnection#writeBatch} ({@link SingleMessageIo}) can be tested without sockets.
 * {@link #receive} on an empty queue fails instead of blocking.
 */
final class FakeUdpConnection implements UdpConnection {
    static final InetSocketAddress LOCAL = address(127, 0, 0, 1, 1000);
    static final InetSocketAddress PEER = address(127, 0, 0, 2, 2000);

    /** Datagrams {@link #receive} returns, in order, all from {@link #PEER}. */
    final Deque<byte[]> inbound = new ArrayDeque<>();
    /** Payloads {@link #send} was given, in order. */
    final List<byte[]> sent = new ArrayList<>();
    /** Destinations {@link #send} was given, in order. */
    final List<InetSocketAddress> targets = new ArrayList<>();
    /** Sends larger than this fail with {@link DatagramTooLargeException}. */
    int maxDatagram = 65_507;
    int receives;

    static InetSocketAddress address(int a, int b, int c, int d, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        byte[] datagram = inbound.poll();
        if (datagram == null) {
            throw new IllegalStateException("the test queued no datagram");
        }
        receives++;
        int stored = Math.min(dst.remaining(), datagram.length);
        dst.put(datagram, 0, stored);
        if (stored < datagram.length) {
            throw new DatagramTruncatedException(PEER, datagram.length, stored);
        }
        return PEER;
    }

    @Override
    public void send(ByteBuffer src, InetSocketAddress target) throws IOException {
        if (src.remaining() > maxDatagram) {
            throw new DatagramTooLargeException(src.remaining(), maxDatagram);
        }
        byte[] payload = new byte[src.remaining()];
        src.get(payload);
        sent.add(payload);
        targets.add(target);
    }

    @Override
    public Network network() {
        throw new UnsupportedOperationException();
    }

    @Override
    public UdpFamily family() {
        return UdpFamily.UDP4;
    }

    @Override
    public boolean isDualStack() {
        return false;
    }

    @Override
    public InetSocketAddress localAddress() {
        return LOCAL;
    }

    @Override
    public Optional<InetSocketAddress> remoteAddress() {
        return Optional.empty();
    }

    @Override
    public void setReadTimeout(Duration timeout) {}

    @Override
    public Duration readTimeout() {
        return Duration.ZERO;
    }

    @Override
    public <T> UdpConnection setOption(SocketOption<T> name, T value) {
        throw new UnsupportedOperationException(name.name());
    }

    @Override
    public <T> T getOption(SocketOption<T> name) {
        throw new UnsupportedOperationException(name.name());
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return Set.of();
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {}
}
