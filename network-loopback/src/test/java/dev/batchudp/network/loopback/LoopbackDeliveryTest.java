package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.LoopbackAddressingTest.at;
import static dev.batchudp.network.loopback.LoopbackAddressingTest.receive;
import static dev.batchudp.network.loopback.LoopbackAddressingTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoopbackDeliveryTest {
    private LoopbackNetwork network = LoopbackNetwork.create();

    @AfterEach
    void closeNetwork() {
        network.close();
    }

    private static LoopbackConnection loopback(UdpConnection c) {
        return c.capability(LoopbackConnection.class).orElseThrow();
    }

    @Test
    void fullQueueDropsAndCountsWithoutBlockingTheSender() throws Exception {
        network = LoopbackNetwork.create(LoopbackConfiguration.builder().receiveQueueCapacity(3).build());
        UdpConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        UdpConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        for (int i = 0; i < 10; i++) {
            send(sender, "m" + i, receiver.localAddress());
        }
        assertThat(loopback(receiver).stats()).isEqualTo(new LoopbackConnectionStats(0, 3, 0, 7, 0, 3, 6));
        assertThat(loopback(sender).stats().sent()).isEqualTo(10);
        assertThat(network.stats()).isEqualTo(new LoopbackStats(10, 3, 0, 7));
        // The oldest are kept, in order.
        assertThat(receive(receiver)).isEqualTo("m0");
        assertThat(receive(receiver)).isEqualTo("m1");
        assertThat(receive(receiver)).isEqualTo("m2");
        send(sender, "again", receiver.localAddress());
        assertThat(receive(receiver)).isEqualTo("again");
    }

    @Test
    void soRcvbufBoundsQueuedBytesButAnEmptyQueueTakesOneDatagram() throws Exception {
        UdpConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        UdpConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        assertThat(receiver.getOption(StandardSocketOptions.SO_RCVBUF))
                .isEqualTo(LoopbackConfiguration.RECEIVE_QUEUE_BYTES_DEFAULT);
        receiver.setOption(StandardSocketOptions.SO_RCVBUF, 1000);
        assertThat(receiver.getOption(StandardSocketOptions.SO_RCVBUF)).isEqualTo(1000);
        sender.send(ByteBuffer.allocate(1200), receiver.localAddress());
        sender.send(ByteBuffer.allocate(1), receiver.localAddress());
        assertThat(loopback(receiver).stats().delivered()).isEqualTo(1);
        assertThat(loopback(receiver).stats().droppedQueueFull()).isEqualTo(1);
        receiver.receive(ByteBuffer.allocate(2000));
        for (int i = 0; i < 5; i++) {
            sender.send(ByteBuffer.allocate(300), receiver.localAddress());
        }
        assertThat(loopback(receiver).stats().queuedBytes()).isEqualTo(900);
        assertThat(loopback(receiver).stats().droppedQueueFull()).isEqualTo(3);
    }

    @Test
    void linuxLikePresetBoundsQueuesByBytes() throws Exception {
        network = LoopbackNetwork.create(LoopbackConfiguration.linuxLike());
        UdpConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        UdpConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        assertThat(sender.localAddress().getPort()).isBetween(32768, 60999);
        for (int i = 0; i < 200; i++) {
            sender.send(ByteBuffer.allocate(1200), receiver.localAddress());
        }
        assertThat(loopback(receiver).stats().delivered()).isEqualTo(212_992 / 1200);
    }

    @Test
    void unboundDestinationIsDroppedAndCounted() throws Exception {
        UdpConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        send(sender, "nobody", at("127.0.0.1:9"));
        send(sender, "elsewhere", at("10.1.2.3:9"));
        assertThat(network.stats()).isEqualTo(new LoopbackStats(2, 0, 2, 0));
        assertThat(network.stats().dropped()).isEqualTo(2);
        assertThat(loopback(sender).stats().sent()).isEqualTo(2);
        assertThatThrownBy(() -> send(sender, "port zero", at("127.0.0.1:0")))
                .isInstanceOf(SocketException.class);
    }

    @Test
    void dontFragmentRefusesWhatTheMtuCannotCarry() throws Exception {
        network = LoopbackNetwork.create(LoopbackConfiguration.builder().mtu(1500).build());
        UdpConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        UdpConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        assertThat(sender.supportedOptions()).contains(UdpSocketOptions.IP_DONTFRAG);
        assertThat(sender.getOption(UdpSocketOptions.IP_DONTFRAG)).isFalse();
        // Without don't-fragment, Linux fragments: a 1500-byte MTU does not bound the payload.
        sender.send(ByteBuffer.allocate(1473), receiver.localAddress());
        sender.setOption(UdpSocketOptions.IP_DONTFRAG, true);
        assertThat(sender.getOption(UdpSocketOptions.IP_DONTFRAG)).isTrue();
        ByteBuffer tooBig = ByteBuffer.allocate(1473);
        DatagramTooLargeException e = catchThrowableOfType(DatagramTooLargeException.class,
                () -> sender.send(tooBig, receiver.localAddress()));
        assertThat(e.size()).isEqualTo(1473);
        assertThat(e.limit()).isEqualTo(1472);
        assertThat(e).hasMessageContaining("Message too long");
        assertThat(tooBig.position()).isZero();
        sender.send(ByteBuffer.allocate(1472), receiver.localAddress());
        assertThat(network.stats()).isEqualTo(new LoopbackStats(2, 2, 0, 0));
        assertThatThrownBy(() -> sender.setOption(UdpSocketOptions.IP_DONTFRAG, null))
                .isInstanceOf(IllegalArgumentException.class);

        UdpConnection receiver6 = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
        UdpConnection sender6 = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
        sender6.setOption(UdpSocketOptions.IP_DONTFRAG, true);
        assertThatThrownBy(() -> sender6.send(ByteBuffer.allocate(1453), receiver6.localAddress()))
                .isInstanceOf(DatagramTooLargeException.class);
        sender6.send(ByteBuffer.allocate(1452), receiver6.localAddress());
        sender6.setOption(UdpSocketOptions.IP_DONTFRAG, false);
        sender6.send(ByteBuffer.allocate(1453), receiver6.localAddress());
    }

    @Test
    void theConfigurationsDontFragmentKeepsTheMtuStrictForEveryConnection() throws Exception {
        network = LoopbackNetwork.create(LoopbackConfiguration.builder().mtu(1500).dontFragment(true).build());
        UdpConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        UdpConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        assertThat(sender.getOption(UdpSocketOptions.IP_DONTFRAG)).isTrue();
        assertThatThrownBy(() -> sender.send(ByteBuffer.allocate(1473), receiver.localAddress()))
                .isInstanceOf(DatagramTooLargeException.class);
    }

    /** As Linux's lo (MTU 65,536): IPv6 sends 65,527 bytes (fragmented), and EMSGSIZE above. */
    @Test
    void defaultMtuAllowsTheLargestUdpPayloadOfEachFamily() throws Exception {
        UdpConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        UdpConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        sender.send(ByteBuffer.allocate(UdpFamily.MAX_IPV4_PAYLOAD), receiver.localAddress());
        assertThatThrownBy(() -> sender.send(ByteBuffer.allocate(UdpFamily.MAX_IPV4_PAYLOAD + 1),
                receiver.localAddress())).isInstanceOf(DatagramTooLargeException.class);
        UdpConnection receiver6 = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
        UdpConnection sender6 = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
        sender6.send(ByteBuffer.allocate(UdpFamily.MAX_IPV6_PAYLOAD), receiver6.localAddress());
        DatagramTooLargeException e = catchThrowableOfType(DatagramTooLargeException.class,
                () -> sender6.send(ByteBuffer.allocate(65_528), receiver6.localAddress()));
        assertThat(e.limit()).isEqualTo(65_527);
        // With don't-fragment, 65,536 - 40 - 8 = 65,488 is the most the MTU carries.
        sender6.setOption(UdpSocketOptions.IP_DONTFRAG, true);
        sender6.send(ByteBuffer.allocate(65_488), receiver6.localAddress());
        assertThatThrownBy(() -> sender6.send(ByteBuffer.allocate(65_489), receiver6.localAddress()))
                .isInstanceOf(DatagramTooLargeException.class);
        assertThat(loopback(receiver6).stats().delivered()).isEqualTo(2);
    }

    @Test
    void truncationIsReportedAndConsumesTheDatagram() throws Exception {
        UdpConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        UdpConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        send(sender, "0123456789", receiver.localAddress());
        send(sender, "next", receiver.localAddress());
        ByteBuffer small = ByteBuffer.allocate(4);
        DatagramTruncatedException e = catchThrowableOfType(DatagramTruncatedException.class,
                () -> receiver.receive(small));
        assertThat(e.sender()).isEqualTo(sender.localAddress());
        assertThat(e.datagramLength()).isEqualTo(10);
        assertThat(e.storedLength()).isEqualTo(4);
        assertThat(small.position()).isEqualTo(4);
        assertThat(new String(small.array(), 0, 4, "UTF-8")).isEqualTo("0123");
        assertThat(receive(receiver)).isEqualTo("next");
        assertThat(loopback(receiver).stats().truncated()).isEqualTo(1);
        assertThat(loopback(receiver).stats().received()).isEqualTo(2);
    }

    @Test
    void zeroLengthDatagramsAreDelivered() throws Exception {
        UdpConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        UdpConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        sender.send(ByteBuffer.allocate(0), receiver.localAddress());
        ByteBuffer buf = ByteBuffer.allocate(0);
        assertThat(receiver.receive(buf)).isEqualTo(sender.localAddress());
        assertThat(buf.position()).isZero();
    }

    @Test
    void deliveryIsByteExactAndTheSenderBufferCanBeReusedAtOnce() throws Exception {
        UdpConnection receiver = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
        UdpConnection sender = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
        Random random = new Random(42);
        byte[][] sent = new byte[200][];
        ByteBuffer reused = ByteBuffer.allocateDirect(9000);
        for (int i = 0; i < sent.length; i++) {
            sent[i] = new byte[random.nextInt(9000)];
            random.nextBytes(sent[i]);
            reused.clear();
            reused.position(17 % (9000 - sent[i].length + 1));
            reused.put(sent[i]).flip().position(17 % (9000 - sent[i].length + 1));
            sender.send(reused, receiver.localAddress());
            assertThat(reused.hasRemaining()).isFalse();
            reused.clear();
            random.nextBytes(new byte[1]);
            while (reused.hasRemaining()) {
                reused.put((byte) 0x5a); // scribble over the sender's buffer
            }
        }
        ByteBuffer heap = ByteBuffer.allocate(9000);
        ByteBuffer direct = ByteBuffer.allocateDirect(9000);
        for (int i = 0; i < sent.length; i++) {
            ByteBuffer dst = (i % 2 == 0 ? heap : direct);
            dst.clear().position(3);
            receiver.receive(dst);
            byte[] got = new byte[dst.position() - 3];
            dst.flip().position(3);
            dst.get(got);
            assertThat(got).as("datagram %d", i).isEqualTo(sent[i]);
        }
    }

    @Test
    void connectedConnectionReceivesOnlyFromItsPeer() throws Exception {
        UdpConnection server = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:7200"));
        UdpConnection client = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"), at("127.0.0.1:7200"));
        UdpConnection stranger = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        assertThat(client.remoteAddress()).contains(at("127.0.0.1:7200"));
        send(client, "hello", null);
        assertThat(receive(server)).isEqualTo("hello");
        send(stranger, "spam", client.localAddress());
        send(server, "reply", client.localAddress());
        assertThat(receive(client)).isEqualTo("reply");
        assertThat(network.stats().droppedNoListener()).isEqualTo(1);
        assertThatThrownBy(() -> send(client, "x", stranger.localAddress()))
                .isInstanceOf(IllegalArgumentException.class);
        send(client, "explicit", at("127.0.0.1:7200"));
        assertThat(receive(server)).isEqualTo("explicit");
        assertThatThrownBy(() -> network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"), at("[::1]:7")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"), at("127.0.0.1:0")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readTimeoutThrowsSocketTimeoutException() throws Exception {
        UdpConnection c = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        assertThat(c.readTimeout()).isEqualTo(Duration.ZERO);
        c.setReadTimeout(Duration.ofMillis(20));
        assertThat(c.readTimeout()).isEqualTo(Duration.ofMillis(20));
        assertThatThrownBy(() -> c.receive(ByteBuffer.allocate(10))).isInstanceOf(SocketTimeoutException.class);
        assertThat(c.isOpen()).isTrue();
        assertThatThrownBy(() -> c.setReadTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeIsIdempotentAndWakesBlockedReceivers() throws Exception {
        UdpConnection c = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                c.receive(ByteBuffer.allocate(10));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        awaitWaiting(c);
        c.close();
        c.close();
        assertThat(blocked.get()).isInstanceOf(AsynchronousCloseException.class);
        assertThat(c.isOpen()).isFalse();
        assertThatThrownBy(() -> c.receive(ByteBuffer.allocate(10))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> send(c, "x", at("127.0.0.1:9"))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> c.getOption(StandardSocketOptions.SO_RCVBUF))
                .isInstanceOf(ClosedChannelException.class);
        assertThat(network.openConnections()).isEmpty();
    }

    @Test
    void interruptClosesTheConnection() throws Exception {
        UdpConnection c = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> c.receive(ByteBuffer.allocate(10)))
                    .isInstanceOf(ClosedByInterruptException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void networkCloseClosesEveryConnectionAndWakesReceivers() throws Exception {
        UdpConnection a = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        UdpConnection b = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                b.receive(ByteBuffer.allocate(10));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        awaitWaiting(b);
        network.close();
        assertThat(blocked.get()).isInstanceOf(ClosedChannelException.class);
        assertThat(a.isOpen()).isFalse();
        assertThat(b.isOpen()).isFalse();
        assertThat(network.openConnections()).isEmpty();
        network.checkNoOpenConnections();
    }

    @Test
    void socketOptions() throws Exception {
        UdpConnection c = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        assertThat(c.supportedOptions()).containsExactlyInAnyOrder(
                StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF, UdpSocketOptions.IP_DONTFRAG,
                UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, UdpSocketOptions.RECEIVE_PACKET_INFO,
                UdpSocketOptions.RECEIVE_HOP_LIMIT, UdpSocketOptions.RECEIVE_QUEUE_OVERFLOW);
        assertThat(c.getOption(StandardSocketOptions.SO_SNDBUF)).isEqualTo(212_992);
        c.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
        assertThat(c.getOption(StandardSocketOptions.SO_SNDBUF)).isEqualTo(1 << 20);
        assertThatThrownBy(() -> c.setOption(StandardSocketOptions.SO_RCVBUF, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.setOption(StandardSocketOptions.SO_REUSEADDR, true))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.getOption(StandardSocketOptions.IP_TOS))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void leakCheckListsWhereEachOpenConnectionWasOpened() throws Exception {
        network.checkNoOpenConnections();
        UdpConnection leaked = openLeakyConnection();
        assertThatThrownBy(network::checkNoOpenConnections)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 connection is still open")
                .hasMessageContaining(leaked.toString())
                .hasMessageContaining("openLeakyConnection")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1)
                        .allSatisfy(s -> assertThat(s.getStackTrace()[0].getMethodName())
                                .isEqualTo("openLeakyConnection")));
        leaked.close();
        network.checkNoOpenConnections();
    }

    @Test
    void leakCheckWithoutRecordingStillListsConnections() throws Exception {
        network = LoopbackNetwork.create(LoopbackConfiguration.builder().recordOpenStackTraces(false).build());
        LoopbackConnection c = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        assertThat(c.openedAt()).isEmpty();
        assertThatThrownBy(network::checkNoOpenConnections)
                .hasMessageContaining(c.toString())
                .hasMessageContaining("recordOpenStackTraces");
    }

    private UdpConnection openLeakyConnection() throws Exception {
        return network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
    }

    /** Waits until a receiver is parked in the queue (polling the thread state, not time). */
    private static void awaitWaiting(UdpConnection c) throws InterruptedException {
        // The queue's lock is uncontended; a receiver that called receive() is soon WAITING on it.
        // Retrying is bounded by the test timeout.
        while (!hasWaitingReceiver()) {
            Thread.sleep(1);
        }
    }

    private static boolean hasWaitingReceiver() {
        return Thread.getAllStackTraces().entrySet().stream().anyMatch(e ->
                e.getKey().getState() == Thread.State.WAITING
                        && java.util.Arrays.stream(e.getValue())
                                .anyMatch(f -> f.getMethodName().equals("take")
                                        && f.getClassName().endsWith("ReceiveQueue")));
    }
}
