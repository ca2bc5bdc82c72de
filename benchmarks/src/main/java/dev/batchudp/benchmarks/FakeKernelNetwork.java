package dev.batchudp.benchmarks;

import dev.batchudp.bind.linux.internal.LinuxBatchingConn;
import dev.batchudp.bind.linux.internal.LinuxUdpSocket;
import dev.batchudp.bind.linux.internal.Syscalls;
import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.bind.spi.BatchingConnProvider;
import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.NetworkInterfaceInfo;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A network whose connections are bind-linux's own sockets ({@link LinuxUdpSocket}) driven through
 * {@link FakeKernel}: everything bind-linux does in Java runs, no system call does. With
 * {@link #batching()}, a {@code StdNetBind} on it upgrades them to {@link LinuxBatchingConn}s with
 * GSO and GRO on or off as asked, without the system properties or kernel probes.
 */
final class FakeKernelNetwork implements Network {
    private final Syscalls sys;
    private final boolean gso;
    private final boolean gro;
    private final List<UdpConnection> open = new ArrayList<>();
    private boolean closed;

    FakeKernelNetwork(FakeKernel kernel, boolean gso, boolean gro) {
        this.sys = new Syscalls(kernel, () -> 0);
        this.gso = gso;
        this.gro = gro;
    }

    @Override
    public String providerName() {
        return "fake-kernel";
    }

    /** Native: a bind sets socket buffer sizes, as on the system network. */
    @Override
    public boolean isNative() {
        return true;
    }

    @Override
    public Set<NetworkFeature> features() {
        return EnumSet.of(NetworkFeature.V6ONLY, NetworkFeature.STRICT_DATAGRAM_SIZES);
    }

    @Override
    public UdpConnection openUdp(UdpFamily family, InetSocketAddress local) throws IOException {
        return openUdp(family, local, null);
    }

    @Override
    public UdpConnection openUdp(UdpFamily family, InetSocketAddress local, InetSocketAddress remote)
            throws IOException {
        if (closed) {
            throw new IllegalStateException("network closed");
        }
        LinuxUdpSocket[] socket = new LinuxUdpSocket[1];
        socket[0] = LinuxUdpSocket.open(sys, this, family, local, remote, () -> open.remove(socket[0]));
        open.add(socket[0]);
        return socket[0];
    }

    @Override
    public List<NetworkInterfaceInfo> interfaces() {
        return List.of();
    }

    @Override
    public List<UdpConnection> openConnections() {
        return List.copyOf(open);
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
        for (UdpConnection c : List.copyOf(open)) {
            c.close();
        }
    }

    /** Upgrades this network's sockets to batching connections with this network's GSO and GRO. */
    BatchingConnProvider batching() {
        return new BatchingConnProvider() {
            @Override
            public Optional<Throwable> unavailabilityCause() {
                return Optional.empty();
            }

            @Override
            public boolean supports(Network network) {
                return network == FakeKernelNetwork.this;
            }

            @Override
            public Optional<BatchingConn> tryUpgrade(UdpConnection connection, int batchSize) {
                return connection instanceof LinuxUdpSocket
                        ? Optional.of(new LinuxBatchingConn((LinuxUdpSocket) connection, batchSize, gso, gro))
                        : Optional.empty();
            }
        };
    }
}
