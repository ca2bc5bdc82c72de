package dev.batchudp.bind;

import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.bind.spi.SocketControl;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One open socket of a {@link StdNetBind}: its connection, and the connection's batched I/O when it
 * has it. Immutable; the bind replaces it on re-open, so a receive function holding an old one reads
 * a closed socket.
 */
final class FamilySocket {
    private final UdpConnection conn;
    final BatchingConn batching;
    final UdpFamily family;
    final String name;
    final int batchSize;
    /** What {@link StdReceiveFunc#receiveBorrowed} lends when {@link #batching} cannot. */
    final LendingBuffers lending;

    FamilySocket(UdpConnection conn, BatchingConn batching, UdpFamily family, String name, int batchSize) {
        this.conn = conn;
        this.batching = batching;
        this.family = family;
        this.name = name;
        this.batchSize = batchSize;
        this.lending = new LendingBuffers(name);
    }

    /** Returns the connection: everything that is not batched goes through it. */
    UdpConnection connection() {
        return conn;
    }

    /**
     * Sends to an endpoint's destination, from its sticky source when it has one and the batched
     * I/O can attach it. A source the kernel refused is cleared from the endpoint (if unchanged).
     */
    void send(ByteBuffer[] bufs, int offset, int count, StdNetEndpoint ep) throws IOException {
        InetSocketAddress dst = ep.dst();
        if (batching != null) {
            StdNetEndpoint.Source src = ep.source();
            if (src == null) {
                batching.writeBatch(bufs, offset, count, dst);
            } else if (!batching.writeBatch(bufs, offset, count, dst, src.ip, src.ifIndex)) {
                ep.clearSrcIf(src);
            }
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

    /** Returns the socket's native control, or throws naming the bind's socket. */
    SocketControl control() {
        return conn.capability(SocketControl.class).orElseThrow(() -> new UnsupportedOperationException(
                "socket " + name + " (" + conn.getClass().getSimpleName()
                        + ") has no native socket control; only native sockets (bind-linux) support this"));
    }

    void close() {
        conn.close();
        lending.close();
    }
}
