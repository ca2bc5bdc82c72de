package dev.batchudp.network;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

/** A network that opens nothing, made by the fake providers. */
final class FakeNetwork implements Network {
    private final String providerName;
    private final NetworkOptions options;
    private volatile boolean open = true;

    FakeNetwork(String providerName, NetworkOptions options) {
        this.providerName = providerName;
        this.options = options;
    }

    NetworkOptions options() {
        return options;
    }

    @Override
    public String providerName() {
        return providerName;
    }

    @Override
    public boolean isNative() {
        return false;
    }

    @Override
    public Set<NetworkFeature> features() {
        return Set.of();
    }

    @Override
    public UdpConnection openUdp(UdpFamily family, InetSocketAddress local) {
        throw new UnsupportedOperationException("fake");
    }

    @Override
    public UdpConnection openUdp(UdpFamily family, InetSocketAddress local, InetSocketAddress remote) {
        throw new UnsupportedOperationException("fake");
    }

    @Override
    public List<NetworkInterfaceInfo> interfaces() {
        return List.of();
    }

    @Override
    public List<UdpConnection> openConnections() {
        return List.of();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
