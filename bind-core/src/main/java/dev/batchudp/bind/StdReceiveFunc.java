package dev.batchudp.bind;

import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.bind.spi.MessageBatch;
import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * A receive function of a {@link StdNetBind}, bound to one {@link FamilySocket}. Owns its message
 * array and endpoint cache, so it must be driven by one thread at a time (as wireguard-go does).
 */
final class StdReceiveFunc implements ReceiveFunc {
    private static final Logger LOG = System.getLogger(StdReceiveFunc.class.getName());
    private static final int ENDPOINT_CACHE_SIZE = 64;

    private final FamilySocket socket;
    /** The slots of a batched read, whose results this function reads; null when the socket does not batch. */
    private final MessageBatch batch;
    /** The side of {@link #batch} the batching connection fills. */
    private final MessageBatch.Fill fill;
    private final InetSocketAddress[] cachedAddresses = new InetSocketAddress[ENDPOINT_CACHE_SIZE];
    private final StdNetEndpoint[] cachedEndpoints = new StdNetEndpoint[ENDPOINT_CACHE_SIZE];
    private final LongAdder portUnreachable = new LongAdder();

    /** Owned buffers lent by the last {@link #receiveBorrowed}, whose limits it changed. */
    private int ownedOut;

    StdReceiveFunc(FamilySocket socket) {
        this.socket = socket;
        batch = socket.batching != null ? new MessageBatch(socket.batchSize) : null;
        fill = batch != null ? batch.fill() : null;
    }

    @Override
    public int receive(ByteBuffer[] packets, int[] sizes, Endpoint[] eps) throws IOException {
        checkReceive(packets, sizes, eps);
        return batch != null ? readBatch(packets, sizes, eps, false, socket.batchSize) : receiveOne(packets, sizes, eps);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: a batching connection that {@linkplain BatchingConn#lendsBuffers() lends}
     * ({@code bind-linux}) fills {@code packets} with its own buffers; otherwise the datagrams are
     * received into buffers the bind owns, at most {@value LendingBuffers#SLOTS} of
     * {@link UdpFamily#MAX_IPV6_PAYLOAD} bytes per socket (direct memory from the
     * {@link dev.batchudp.bind.spi.DirectBufferPool}, taken on the first such call and given back
     * when the bind closes), which are lent in turn, so such a call returns at most that many
     * datagrams. Either way nothing is copied after the kernel's copy, and a slot gets the same
     * buffer object call after call where it can.
     */
    @Override
    public int receiveBorrowed(ByteBuffer[] packets, int[] sizes, Endpoint[] eps) throws IOException {
        checkReceive(packets, sizes, eps);
        BatchingConn conn = socket.batching;
        if (conn != null && conn.lendsBuffers()) {
            return readBatch(packets, sizes, eps, true, socket.batchSize);
        }
        int slots = conn != null ? Math.min(socket.batchSize, LendingBuffers.SLOTS) : 1;
        ByteBuffer[] owned = socket.lending.enter(slots);
        try {
            for (int i = 0; i < ownedOut; i++) {
                owned[i].clear();
            }
            ownedOut = 0;
            int n = conn == null ? receiveOne(owned, sizes, eps) : readBatch(owned, sizes, eps, false, slots);
            ownedOut = n;
            for (int i = 0; i < n; i++) {
                ByteBuffer b = owned[i];
                b.limit(Math.min(sizes[i], b.capacity()));
                if (packets[i] != b) {
                    packets[i] = b;
                }
            }
            return n;
        } finally {
            socket.lending.exit();
        }
    }

    private void checkReceive(ByteBuffer[] packets, int[] sizes, Endpoint[] eps) throws BindClosedException {
        if (!socket.connection().isOpen()) {
            throw new BindClosedException("bind socket " + socket.name + " is closed");
        }
        int batchSize = socket.batchSize;
        if (packets.length < batchSize || sizes.length < batchSize || eps.length < batchSize) {
            throw new IllegalArgumentException("receive buffers list shorter than bind batch size "
                    + batchSize + ": packets " + packets.length + ", sizes " + sizes.length
                    + ", eps " + eps.length);
        }
    }

    /**
     * One batched read of {@code count} slots into {@code buffers} (the batch's buffer array for the
     * call; with {@code lend}, filled with the connection's buffers), then sizes and endpoints.
     */
    private int readBatch(ByteBuffer[] buffers, int[] sizes, Endpoint[] eps, boolean lend, int count)
            throws IOException {
        int n;
        try {
            batch.buffers(buffers);
            n = lend ? socket.batching.readBatchLending(fill, count) : socket.batching.readBatch(fill, count);
        } finally {
            batch.buffers(null);
        }
        resolveEndpoints(n, sizes, eps);
        return n;
    }

    /** Sets {@code sizes} and {@code eps} for the {@code n} slots the batch holds. */
    private void resolveEndpoints(int n, int[] sizes, Endpoint[] eps) {
        // Consecutive datagrams (the segments of one coalesced read, a burst from one peer) share
        // the sender and source objects: reuse the previous endpoint without a cache lookup.
        MessageBatch b = batch;
        InetSocketAddress lastSender = null;
        InetAddress lastSource = null;
        int lastIfIndex = 0;
        StdNetEndpoint last = null;
        for (int i = 0; i < n; i++) {
            sizes[i] = b.length(i);
            InetSocketAddress sender = b.sender(i);
            InetAddress source = b.sourceAddress(i);
            int ifIndex = b.sourceIfIndex(i);
            if (last == null || sender != lastSender || source != lastSource || ifIndex != lastIfIndex) {
                last = endpoint(sender, source, ifIndex);
                lastSender = sender;
                lastSource = source;
                lastIfIndex = ifIndex;
            }
            if (eps[i] != last) {
                eps[i] = last; // only on change: a reference store costs G1 a fence
            }
        }
    }

    private int receiveOne(ByteBuffer[] packets, int[] sizes, Endpoint[] eps) throws IOException {
        ByteBuffer dst = packets[0];
        int position = dst.position();
        while (true) {
            try {
                InetSocketAddress sender = socket.connection().receive(dst);
                sizes[0] = dst.position() - position;
                eps[0] = endpoint(sender, null, 0);
                return 1;
            } catch (DatagramTruncatedException e) {
                sizes[0] = Math.max(e.datagramLength(), e.storedLength() + 1);
                eps[0] = endpoint(e.sender(), null, 0);
                return 1;
            } catch (PortUnreachableException e) {
                // An ICMP port unreachable for an earlier send (ECONNREFUSED, udp(7) "ERRORS"): it
                // says nothing about this socket, so it is counted and never tears the bind down.
                portUnreachable.increment();
                LOG.log(Level.DEBUG, "ignoring port unreachable on {0}", socket.name);
            } finally {
                dst.position(position);
            }
        }
    }

    /**
     * Returns an endpoint for a sender and the sticky source it wrote to, reusing the one made
     * recently for the same sender when its source (which {@code clearSrc} may have dropped) is
     * still the same.
     */
    private StdNetEndpoint endpoint(InetSocketAddress source, InetAddress localSource, int ifIndex) {
        int slot = (source.hashCode() & 0x7fffffff) % ENDPOINT_CACHE_SIZE;
        InetSocketAddress cached = cachedAddresses[slot];
        if (cached != null && (cached == source || cached.equals(source))
                && cachedEndpoints[slot].hasSource(localSource, ifIndex)) {
            return cachedEndpoints[slot];
        }
        StdNetEndpoint ep = localSource == null ? StdNetEndpoint.of(SocketAddresses.unmap(source))
                : StdNetEndpoint.withSource(SocketAddresses.unmap(source), localSource, ifIndex);
        cachedAddresses[slot] = source;
        cachedEndpoints[slot] = ep;
        return ep;
    }

    @Override
    public String name() {
        return socket.name;
    }

    @Override
    public String toString() {
        return "ReceiveFunc[" + socket.name + " " + socket.connection().localAddress() + "]";
    }
}
