package dev.batchudp.bind;

import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One open socket of a {@link StdNetBind}, with its batched view when it has one. Immutable; the bind
 * replaces it on re-open, so a receive function holding an old one reads a closed socket.
 */
final class FamilySocket {
    private final UdpConnection conn;
    final BatchingConn batching;
    final UdpFamily family;
    final String name;
    final int batchSize;

    FamilySocket(UdpConnection conn, BatchingConn batching, UdpFamily family, String name, int batchSize) {
        this.conn = conn;
        this.batching = batching;
        this.family = family;
        this.name = name;
        this.batchSize = batchSize;
    }

    /** Returns the connection to use: the batched view when there is one. */
    UdpConnection connection() {
        return batching != null ? batching : conn;
    }

    void send(ByteBuffer[] bufs, int offset, int count, InetSocketAddress dst) throws IOException {
        if (batching != null) {
            batching.writeBatch(bufs, offset, count, dst);
            return;
        }
        for (int i = offset; i < offset + count; i++) {
            ByteBuffer buf = bufs[i];
            int position = buf.position();
            try {
                conn.send(buf, dst);
            } finally {
                buf.position(position);
            }
        }
    }

    void close() {
        connection().close();
    }
}
