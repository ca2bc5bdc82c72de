package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.MSG_DONTWAIT;
import static dev.batchudp.bind.linux.internal.LinuxConstants.MSG_NOSIGNAL;
import static dev.batchudp.bind.linux.internal.LinuxConstants.MSG_TRUNC;

import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.DatagramTruncatedException;
import java.io.IOException;
import java.lang.ref.Reference;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One datagram at a time on a {@link LinuxUdpSocket}: {@code recvmsg(MSG_TRUNC)} (so the return
 * value is the datagram's full length and truncation is detected) and {@code sendmsg}, each with a
 * one-slot {@link Arena} under its own lock, so one receiver and one sender may work at once. Direct
 * buffers are used in place; heap buffers through the arena's staging. When a batching view has
 * turned {@code UDP_GRO} on, receives go through its split instead.
 */
final class SingleDatagramIo {
    private final LinuxUdpSocket socket;
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final Arena receiveArena = new Arena(1, Arena.MAX_DATAGRAM);
    private final Arena sendArena = new Arena(1, Arena.MAX_DATAGRAM);
    /** Set when a batching view enabled {@code UDP_GRO}: single receives must split through it. */
    private volatile SingleReceiver coalescedReceiver;

    SingleDatagramIo(LinuxUdpSocket socket) {
        this.socket = socket;
    }

    /** Returns the arenas' memory to the pool; only once no call can use it. */
    void release() {
        receiveArena.release();
        sendArena.release();
    }

    /**
     * Receives one datagram with {@code recvmsg(MSG_TRUNC)} (plus {@code MSG_DONTWAIT} and {@code poll}
     * when a read timeout is set), so that the return value
     * is the datagram's full length and truncation is detected. Direct buffers are received into in
     * place; heap buffers through a preallocated direct scratch buffer. The sender's address object
     * is reused while the sender stays the same.
     */
    InetSocketAddress receive(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        SingleReceiver coalesced = coalescedReceiver;
        if (coalesced != null) {
            return coalesced.receive(dst);
        }
        socket.begin();
        receiveLock.lock();
        try {
            Arena arena = receiveArena;
            long deadline = socket.deadline();
            arena.resetStaging();
            int room = arena.prepareReceive(0, dst, null);
            long msghdr = arena.mmsgAddress(0);
            for (;;) {
                if (socket.isClosed()) {
                    throw new AsynchronousCloseException();
                }
                arena.block.putInt(Msghdr.MSG_NAMELEN, SockaddrIn6.SIZE);
                long n;
                try {
                    n = socket.sys.recvmsg(socket.fd, msghdr, deadline == 0 ? MSG_TRUNC : MSG_DONTWAIT | MSG_TRUNC);
                } catch (IOException e) {
                    throw socket.closedOr(e);
                }
                if (n == Syscalls.WOULD_BLOCK) {
                    socket.awaitReadable(arena, deadline);
                    continue;
                }
                if (socket.isClosed()) {
                    throw new AsynchronousCloseException(); // shut down: the 0 is not a datagram
                }
                InetSocketAddress sender = arena.addresses.lookup(0, arena.block, arena.name(0));
                int stored = (int) Math.min(n, room);
                arena.copyOut(0, dst, stored);
                dst.position(dst.position() + stored);
                boolean truncated = n > room || (Msghdr.flags(arena.block, 0) & MSG_TRUNC) != 0;
                socket.counters.received(1, n, truncated ? 1 : 0);
                if (truncated) {
                    throw new DatagramTruncatedException(sender, (int) n, stored);
                }
                return sender;
            }
        } finally {
            receiveLock.unlock();
            socket.end();
            Reference.reachabilityFence(dst);
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Sends one datagram with {@code sendmsg}. Sizes above 65,507 (IPv4) or 65,527 (IPv6) bytes are
     * refused before any system call.
     */
    void send(ByteBuffer src, InetSocketAddress target) throws IOException {
        Objects.requireNonNull(src, "src");
        InetSocketAddress dest = socket.checkTarget(target);
        int size = src.remaining();
        int limit = LinuxUdpSocket.limitFor(dest);
        if (size > limit) {
            throw new DatagramTooLargeException(size, limit);
        }
        socket.begin();
        sendLock.lock();
        try {
            Arena arena = sendArena;
            int nameSlot = -1;
            int nameLength = 0;
            if (target != null) {
                nameSlot = 0;
                nameLength = arena.encodeName(0, dest, socket.inet6);
            }
            arena.resetStaging();
            arena.prepareSend(0, src, nameSlot, nameLength, null, 0);
            long stallDeadline = 0;
            for (;;) {
                if (socket.isClosed()) {
                    throw new AsynchronousCloseException();
                }
                long n;
                try {
                    n = socket.sys.sendmsg(socket.fd, arena.mmsgAddress(0), MSG_DONTWAIT | MSG_NOSIGNAL);
                } catch (DatagramTooLargeException e) {
                    throw LinuxUdpSocket.tooLarge(size, e);
                } catch (IOException e) {
                    if (LinuxUdpSocket.isNoBuffers(e)) {
                        // A full interface queue: UDP may drop, so drop and count rather than spin
                        // (the socket stays writable, so waiting for POLLOUT would busy-loop). Linux
                        // reports ENOBUFS only with IP_RECVERR (udp_send_skb in net/ipv4/udp.c).
                        socket.counters.noBufferDrops.increment();
                        break;
                    }
                    throw socket.closedOr(e);
                }
                if (n == Syscalls.WOULD_BLOCK) {
                    stallDeadline = socket.awaitSendRoom(arena, stallDeadline);
                    continue;
                }
                socket.counters.sent(1, size);
                break;
            }
            src.position(src.limit());
        } finally {
            sendLock.unlock();
            socket.end();
            Reference.reachabilityFence(src);
            Reference.reachabilityFence(this);
        }
    }

    /** A single-datagram receive, as {@link #receive}. */
    @FunctionalInterface
    interface SingleReceiver {
        InetSocketAddress receive(ByteBuffer dst) throws IOException;
    }

    /**
     * Routes {@link #receive} through a batching view that enabled {@code UDP_GRO} on this socket,
     * so that coalesced datagrams are split (and none is lost to a plain {@code recvmsg}).
     *
     * @param receiver the view's single receive
     */
    void coalescedReceiver(SingleReceiver receiver) {
        coalescedReceiver = receiver;
    }
}
