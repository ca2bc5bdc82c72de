package dev.batchudp.bind;

import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.NetworkInterfaceInfo;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;

/**
 * A network that delegates to another, records every {@code openUdp} call and fails chosen ones: the
 * counterpart of batchudp's recording network in {@code gonnect_bind_test.go}.
 */
public final class RecordingNetwork implements Network {
    /** One recorded call. */
    public record Call(UdpFamily family, InetSocketAddress local) {}

    private final Network delegate;
    private final List<Call> calls = new ArrayList<>();
    private final Map<UdpFamily, Queue<IOException>> failures = new EnumMap<>(UdpFamily.class);
    private final Map<UdpFamily, IOException> alwaysFail = new EnumMap<>(UdpFamily.class);

    public RecordingNetwork(Network delegate) {
        this.delegate = delegate;
    }

    /** Makes every open of {@code family} fail with {@code e}. */
    public synchronized RecordingNetwork failAlways(UdpFamily family, IOException e) {
        alwaysFail.put(family, e);
        return this;
    }

    /** Makes the next open of {@code family} fail with {@code e} (queued). */
    public synchronized RecordingNetwork failNext(UdpFamily family, IOException e) {
        failures.computeIfAbsent(family, f -> new ArrayDeque<>()).add(e);
        return this;
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public String providerName() {
        return "recording:" + delegate.providerName();
    }

    @Override
    public boolean isNative() {
        return delegate.isNative();
    }

    @Override
    public Set<NetworkFeature> features() {
        return delegate.features();
    }

    @Override
    public UdpConnection openUdp(UdpFamily family, InetSocketAddress local) throws IOException {
        return openUdp(family, local, null);
    }

    @Override
    public UdpConnection openUdp(UdpFamily family, InetSocketAddress local, InetSocketAddress remote)
            throws IOException {
        synchronized (this) {
            calls.add(new Call(family, local));
            IOException always = alwaysFail.get(family);
            if (always != null) {
                throw always;
            }
            Queue<IOException> q = failures.get(family);
            if (q != null && !q.isEmpty()) {
                throw q.remove();
            }
        }
        return delegate.openUdp(family, local, remote);
    }

    @Override
    public List<NetworkInterfaceInfo> interfaces() throws IOException {
        return delegate.interfaces();
    }

    @Override
    public List<UdpConnection> openConnections() {
        return delegate.openConnections();
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
