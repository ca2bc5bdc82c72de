package dev.batchudp.bind.testing;

import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.bind.spi.BatchingConnProvider;
import dev.batchudp.bind.spi.MessageBatch;
import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
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
        public UdpConnection connection() {
            return conn;
        }

        @Override
        public int readBatch(MessageBatch.Fill batch, int count) throws IOException {
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

        private void readOne(MessageBatch.Fill batch, int i) throws IOException {
            ByteBuffer dst = batch.buffer(i);
            int position = dst.position();
            try {
                InetSocketAddress sender = conn.receive(dst);
                batch.datagram(i, dst.position() - position, 0, sender);
            } catch (DatagramTruncatedException e) {
                batch.datagram(i, e.datagramLength(), MessageBatch.FLAG_TRUNCATED, e.sender());
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
    }
}
