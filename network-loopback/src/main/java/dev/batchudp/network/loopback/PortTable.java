package dev.batchudp.network.loopback;

import dev.batchudp.network.SocketAddresses;
import java.net.BindException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The bound ports of one address family (IPv4 or IPv6; the families have separate port spaces, as
 * an IPv4 socket and an IPv6-only socket do on Linux).
 *
 * <p>Lookups, on every datagram, are lock-free and allocation-free: a two-level table (256 pages of
 * 256 ports) whose pages are replaced copy-on-write, so a volatile read of the page publishes its
 * entries. Binds and unbinds, which are rare, are serialised by this object's monitor.
 *
 * <p>Conflicts follow Linux without {@code SO_REUSEADDR}: a port holds either one wildcard binding
 * or any number of bindings to distinct specific addresses.
 */
final class PortTable {
    private static final int PAGE_BITS = 8;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;
    private static final int PAGE_MASK = PAGE_SIZE - 1;

    private final String familyName;
    private final int ephemeralFirst;
    private final int ephemeralLast;
    private final AtomicReferenceArray<Binding[]> pages = new AtomicReferenceArray<>(65_536 / PAGE_SIZE);

    /** Guarded by this. */
    private int nextEphemeral;

    PortTable(String familyName, int ephemeralFirst, int ephemeralLast) {
        this.familyName = familyName;
        this.ephemeralFirst = ephemeralFirst;
        this.ephemeralLast = ephemeralLast;
        this.nextEphemeral = ephemeralFirst;
    }

    /**
     * Finds the connection that receives datagrams for {@code address:port}.
     *
     * @param address a non-wildcard destination address
     * @param port the destination port
     * @return the connection, or {@code null} if nothing is bound there
     */
    LoopbackUdpConnection lookup(InetAddress address, int port) {
        Binding[] page = pages.get(port >>> PAGE_BITS);
        if (page == null) {
            return null;
        }
        Binding binding = page[port & PAGE_MASK];
        return binding == null ? null : binding.match(address);
    }

    /**
     * Binds a new connection.
     *
     * @param address the local address, specific or wildcard
     * @param wildcard whether {@code address} is the wildcard
     * @param requestedPort the port, or 0 for an ephemeral one
     * @param factory makes the connection once its port is known; called with this table locked
     * @return the bound connection
     * @throws BindException if the port is in use or no ephemeral port is free
     */
    synchronized LoopbackUdpConnection bind(InetAddress address, boolean wildcard, int requestedPort,
            ConnectionFactory factory) throws BindException {
        int port = requestedPort == 0 ? allocateEphemeral(address) : requestedPort;
        Binding existing = entry(port);
        if (existing != null) {
            LoopbackUdpConnection holder = existing.conflict(address, wildcard);
            if (holder != null) {
                throw new BindException("Address already in use: " + familyName + " "
                        + SocketAddresses.format(new java.net.InetSocketAddress(address, port))
                        + " conflicts with " + holder);
            }
        }
        LoopbackUdpConnection connection = factory.create(port);
        setEntry(port, existing == null ? Binding.of(connection, wildcard) : existing.plus(connection, wildcard));
        return connection;
    }

    /**
     * Removes a connection; does nothing if it is not bound.
     *
     * @param connection the connection
     */
    synchronized void unbind(LoopbackUdpConnection connection) {
        int port = connection.localAddress().getPort();
        Binding existing = entry(port);
        if (existing != null) {
            Binding remaining = existing.minus(connection);
            if (remaining != existing) {
                setEntry(port, remaining);
            }
        }
    }

    /** After a host restart: ephemeral ports start again from the first (every port is free by then). */
    synchronized void restart() {
        nextEphemeral = ephemeralFirst;
    }

    private int allocateEphemeral(InetAddress address) throws BindException {
        int size = ephemeralLast - ephemeralFirst + 1;
        for (int i = 0; i < size; i++) {
            int port = nextEphemeral;
            nextEphemeral = port == ephemeralLast ? ephemeralFirst : port + 1;
            if (entry(port) == null) {
                return port;
            }
        }
        throw new BindException("Address already in use: no free " + familyName + " ephemeral port for "
                + SocketAddresses.formatAddress(address) + " in " + ephemeralFirst + "-" + ephemeralLast
                + " (all " + size + " are bound)");
    }

    private Binding entry(int port) {
        Binding[] page = pages.get(port >>> PAGE_BITS);
        return page == null ? null : page[port & PAGE_MASK];
    }

    /** Replaces a page copy-on-write; must hold the monitor. */
    private void setEntry(int port, Binding binding) {
        int index = port >>> PAGE_BITS;
        Binding[] page = pages.get(index);
        Binding[] copy = page == null ? new Binding[PAGE_SIZE] : page.clone();
        copy[port & PAGE_MASK] = binding;
        pages.set(index, copy);
    }

    /** Makes a connection once its port is chosen. */
    @FunctionalInterface
    interface ConnectionFactory {
        LoopbackUdpConnection create(int port);
    }

    /** The immutable set of connections bound to one port. */
    static final class Binding {
        private static final LoopbackUdpConnection[] NONE = new LoopbackUdpConnection[0];

        private final LoopbackUdpConnection wildcard;
        private final LoopbackUdpConnection[] specific;

        private Binding(LoopbackUdpConnection wildcard, LoopbackUdpConnection[] specific) {
            this.wildcard = wildcard;
            this.specific = specific;
        }

        static Binding of(LoopbackUdpConnection connection, boolean wildcard) {
            return wildcard ? new Binding(connection, NONE)
                    : new Binding(null, new LoopbackUdpConnection[] {connection});
        }

        LoopbackUdpConnection match(InetAddress address) {
            if (wildcard != null) {
                return wildcard;
            }
            for (LoopbackUdpConnection c : specific) {
                if (c.boundAddress().equals(address)) {
                    return c;
                }
            }
            return null;
        }

        /** Returns the connection a new binding would conflict with, or {@code null}. */
        LoopbackUdpConnection conflict(InetAddress address, boolean isWildcard) {
            if (wildcard != null) {
                return wildcard;
            }
            if (isWildcard) {
                return specific.length > 0 ? specific[0] : null;
            }
            for (LoopbackUdpConnection c : specific) {
                if (c.boundAddress().equals(address)) {
                    return c;
                }
            }
            return null;
        }

        Binding plus(LoopbackUdpConnection connection, boolean isWildcard) {
            if (isWildcard) {
                return new Binding(connection, NONE);
            }
            LoopbackUdpConnection[] more = Arrays.copyOf(specific, specific.length + 1);
            more[specific.length] = connection;
            return new Binding(null, more);
        }

        /** Returns the binding without {@code connection}: {@code null} if empty, {@code this} if absent. */
        Binding minus(LoopbackUdpConnection connection) {
            if (wildcard == connection) {
                return null;
            }
            for (int i = 0; i < specific.length; i++) {
                if (specific[i] == connection) {
                    if (specific.length == 1) {
                        return null;
                    }
                    LoopbackUdpConnection[] fewer = new LoopbackUdpConnection[specific.length - 1];
                    System.arraycopy(specific, 0, fewer, 0, i);
                    System.arraycopy(specific, i + 1, fewer, i, specific.length - i - 1);
                    return new Binding(null, fewer);
                }
            }
            return this;
        }
    }
}
