package dev.batchudp.network.system;

import dev.batchudp.network.AddressFamilyNotSupportedException;
import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.spi.UdpSocketBackend;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in {@code jdk} backend: sockets are {@link DatagramChannel}s, with no reflection into the
 * JDK. Always available; priority 0; registered by {@link SystemNetwork} itself, not through
 * {@link java.util.ServiceLoader}.
 *
 * <p><b>Families.</b>
 * <ul>
 *   <li>{@code udp4}: {@code DatagramChannel.open(INET)}, an IPv4 socket.
 *   <li>{@code udp6}: {@code DatagramChannel.open(INET6)}. The JDK clears {@code IPV6_V6ONLY} on every
 *       IPv6 socket it creates and offers no option to set it, so the socket is dual-stack
 *       ({@link UdpConnection#isDualStack()} is {@code true}): IPv4 peers reach it and appear as
 *       {@link Inet4Address}es.
 *   <li>{@code udp}: as Go chooses: a wildcard local address without a remote gets a dual-stack IPv6
 *       socket if IPv6 is available (an IPv4 socket otherwise); an IPv4 local address with no or an
 *       IPv4 remote gets an IPv4 socket; anything else a dual-stack IPv6 socket. An IPv4 wildcard
 *       bound on an IPv6 socket becomes {@code [::]}.
 * </ul>
 *
 * <p><b>{@code udp4} and {@code udp6} on one port.</b> Because {@code udp6} sockets are dual-stack,
 * this backend lacks {@link NetworkFeature#V6ONLY}: binding {@code [::]:p} while a {@code udp4}
 * socket holds {@code 0.0.0.0:p} or {@code 127.0.0.1:p} (or the other way round) fails with
 * {@link java.net.BindException} ({@code EADDRINUSE}), whichever is bound second. Specific
 * addresses of different families ({@code 127.0.0.1:p} and {@code [::1]:p}) do not conflict. This
 * backend does not emulate IPv6-only sockets (no demultiplexing, no port retries): a bind that
 * wants wireguard-go's two-socket layout uses one dual-stack socket instead, or the {@code linux}
 * backend, which creates its own sockets with {@code IPV6_V6ONLY=1}.
 *
 * <p>If IPv6 is unavailable (no kernel support, or {@code -Djava.net.preferIPv4Stack=true}),
 * opening {@code udp6} fails with {@link AddressFamilyNotSupportedException}.
 */
final class JdkUdpSocketBackend extends UdpSocketBackend {
    static final String NAME = "jdk";

    private static final Set<NetworkFeature> FEATURES = Set.of(NetworkFeature.STRICT_DATAGRAM_SIZES);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return Optional.empty();
    }

    @Override
    public Set<NetworkFeature> features() {
        return FEATURES;
    }

    @Override
    public UdpConnection open(Network network, UdpFamily family, InetSocketAddress local,
            InetSocketAddress remote, Runnable onClose) throws IOException {
        StandardProtocolFamily protocolFamily = protocolFamily(family, local, remote);
        DatagramChannel channel;
        if (protocolFamily == StandardProtocolFamily.INET6 && family == UdpFamily.UDP
                && local.getAddress().isAnyLocalAddress() && remote == null) {
            try {
                channel = open(family, StandardProtocolFamily.INET6);
            } catch (AddressFamilyNotSupportedException e) {
                protocolFamily = StandardProtocolFamily.INET;
                channel = open(family, protocolFamily);
            }
        } else {
            channel = open(family, protocolFamily);
        }
        try {
            channel.bind(local);
            if (remote != null) {
                channel.connect(remote);
            }
            return new JdkUdpConnection(network, family, channel, protocolFamily, remote, onClose);
        } catch (IOException | RuntimeException | Error e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static DatagramChannel open(UdpFamily family, StandardProtocolFamily protocolFamily)
            throws IOException {
        try {
            return DatagramChannel.open(protocolFamily);
        } catch (UnsupportedOperationException e) {
            AddressFamilyNotSupportedException x = new AddressFamilyNotSupportedException(family, e.getMessage());
            x.initCause(e);
            throw x;
        } catch (SocketException e) {
            String message = e.getMessage();
            if (message != null && message.contains("family not supported")) {
                AddressFamilyNotSupportedException x = new AddressFamilyNotSupportedException(family, message);
                x.initCause(e);
                throw x;
            }
            throw e;
        }
    }

    /**
     * Returns the socket family for a request; see the class comment.
     *
     * @param family the requested family
     * @param local the (validated) local address
     * @param remote the (validated) remote address or {@code null}
     * @return {@code INET} or {@code INET6}
     */
    static StandardProtocolFamily protocolFamily(UdpFamily family, InetSocketAddress local,
            InetSocketAddress remote) {
        switch (family) {
            case UDP4:
                return StandardProtocolFamily.INET;
            case UDP6:
                return StandardProtocolFamily.INET6;
            default:
                if (remote == null && local.getAddress().isAnyLocalAddress()) {
                    return StandardProtocolFamily.INET6;
                }
                boolean localV4 = local.getAddress() instanceof Inet4Address;
                boolean remoteV4 = remote == null || remote.getAddress() instanceof Inet4Address;
                return localV4 && remoteV4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        }
    }
}
