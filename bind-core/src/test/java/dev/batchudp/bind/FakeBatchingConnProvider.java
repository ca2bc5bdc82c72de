package dev.batchudp.bind;

import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.bind.spi.BatchingConnProvider;
import dev.batchudp.bind.spi.Message;
import dev.batchudp.bind.spi.MessageBatch;
import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Upgrades any connection to a {@link BatchingConn} that emulates batching with single-datagram calls,
 * so StdNetBind's batched path can be tested on the loopback network. Counts calls.
 */
final class FakeBatchingConnProvider extends BatchingConnProvider {
    final AtomicInteger readBatchCalls = new AtomicInteger();
    final AtomicInteger writeBatchCalls = new AtomicInteger();

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return Optional.empty();
    }

    @Override
    public boolean supports(Network network) {
        return true;
    }

    @Override
    public Optional<BatchingConn> tryUpgrade(UdpConnection connection, int batchSize) {
        return Optional.of(new Conn(connection, batchSize));
    }

    private final class Conn implements BatchingConn {
        private final UdpConnection conn;
        private final int batchSize;

        Conn(UdpConnection conn, int batchSize) {
            this.conn = conn;
            this.batchSize = batchSize;
        }

        @Override
        public int batchSize() {
            return batchSize;
        }

        @Override
        public int readBatch(MessageBatch batch, int count) throws IOException {
            if (count > batchSize) {
                throw new IllegalArgumentException("batch size exceeds batching connection capacity");
            }
            readBatchCalls.incrementAndGet();
            int n = 0;
            Duration timeout = conn.readTimeout();
            try {
                while (n < count) {
                    readOne(batch, n);
                    n++;
                    conn.setReadTimeout(Duration.ofMillis(20));
                }
            } catch (SocketTimeoutException e) {
                if (n == 0) {
                    throw e;
                }
            } finally {
                conn.setReadTimeout(timeout);
            }
            return n;
        }

        private void readOne(MessageBatch batch, int i) throws IOException {
            ByteBuffer dst = batch.buffer(i);
            int position = dst.position();
            try {
                InetSocketAddress sender = conn.receive(dst);
                batch.set(i, dst.position() - position, 0, 0, sender, null, 0);
            } catch (DatagramTruncatedException e) {
                batch.set(i, e.datagramLength(), Message.FLAG_TRUNCATED, 0, e.sender(), null, 0);
            } finally {
                dst.position(position);
            }
        }

        @Override
        public void writeBatch(ByteBuffer[] bufs, int offset, int count, InetSocketAddress target)
                throws IOException {
            if (count > batchSize) {
                throw new IllegalArgumentException("batch size exceeds batching connection capacity");
            }
            writeBatchCalls.incrementAndGet();
            for (int i = offset; i < offset + count; i++) {
                ByteBuffer b = bufs[i].duplicate();
                conn.send(b, target);
            }
        }

        @Override
        public void writeMessages(Message[] msgs, int count) throws IOException {
            for (int i = 0; i < count; i++) {
                conn.send(msgs[i].buffer().duplicate(), msgs[i].address());
            }
        }

        @Override public Network network() { return conn.network(); }
        @Override public UdpFamily family() { return conn.family(); }
        @Override public boolean isDualStack() { return conn.isDualStack(); }
        @Override public InetSocketAddress localAddress() { return conn.localAddress(); }
        @Override public Optional<InetSocketAddress> remoteAddress() { return conn.remoteAddress(); }

        @Override
        public InetSocketAddress receive(ByteBuffer dst) {
            throw new UnsupportedOperationException("single-packet reads are unsupported on batching connections");
        }

        @Override public void send(ByteBuffer src, InetSocketAddress target) throws IOException { conn.send(src, target); }
        @Override public void setReadTimeout(Duration timeout) { conn.setReadTimeout(timeout); }
        @Override public Duration readTimeout() { return conn.readTimeout(); }

        @Override
        public <T> UdpConnection setOption(SocketOption<T> name, T value) throws IOException {
            conn.setOption(name, value);
            return this;
        }

        @Override public <T> T getOption(SocketOption<T> name) throws IOException { return conn.getOption(name); }
        @Override public Set<SocketOption<?>> supportedOptions() { return conn.supportedOptions(); }
        @Override public boolean isOpen() { return conn.isOpen(); }
        @Override public void close() { conn.close(); }
    }
}
