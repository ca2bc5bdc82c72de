package dev.batchudp.bind;

import dev.batchudp.bind.spi.DirectBufferPool;
import dev.batchudp.network.UdpFamily;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The buffers a receive function lends ({@link ReceiveFunc#receiveBorrowed}) when its connection
 * cannot lend its own: at most {@link #SLOTS} buffers of {@link UdpFamily#MAX_IPV6_PAYLOAD} bytes,
 * views of one block from the {@link DirectBufferPool}, taken on first use. The block goes back to
 * the pool when the socket closes, or, if a receive is using it then, when that receive returns.
 * Views lent before that stay safe to read (pooled memory is never unmapped), with unspecified
 * content.
 */
final class LendingBuffers {
    /** Buffers at most: 8 × 65,527 bytes, about 512 KiB per socket. */
    static final int SLOTS = 8;

    private static final int IN_CALL = 1;
    private static final int CLOSED = 2;

    private final AtomicInteger state = new AtomicInteger();
    private final String name;
    private ByteBuffer block;
    private ByteBuffer[] views;

    LendingBuffers(String name) {
        this.name = name;
    }

    /**
     * Starts a receive that lends; pair with {@link #exit()} in a {@code finally}.
     *
     * @param slots buffers wanted, 1 to {@link #SLOTS}
     * @return the buffers (the same objects every call)
     * @throws BindClosedException if the socket was closed
     */
    ByteBuffer[] enter(int slots) throws BindClosedException {
        if (!state.compareAndSet(0, IN_CALL)) {
            throw new BindClosedException("bind socket " + name + " is closed");
        }
        if (views == null || views.length < slots) {
            DirectBufferPool.shared().release(block);
            block = DirectBufferPool.shared().acquire(slots * UdpFamily.MAX_IPV6_PAYLOAD);
            views = new ByteBuffer[slots];
            for (int i = 0; i < slots; i++) {
                views[i] = block.slice(i * UdpFamily.MAX_IPV6_PAYLOAD, UdpFamily.MAX_IPV6_PAYLOAD);
            }
        }
        return views;
    }

    /** Ends a receive; gives the block back if the socket was closed meanwhile. */
    void exit() {
        if (state.getAndUpdate(s -> s & ~IN_CALL) == (IN_CALL | CLOSED)) {
            releaseBlock();
        }
    }

    /** The socket closed: gives the block back now, or when the receive in progress returns. */
    void close() {
        int before = state.getAndUpdate(s -> s | CLOSED);
        if (before == 0) {
            releaseBlock();
        }
    }

    private void releaseBlock() {
        DirectBufferPool.shared().release(block);
        block = null;
    }
}
