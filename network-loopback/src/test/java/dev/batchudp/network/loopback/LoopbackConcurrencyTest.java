package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.LoopbackAddressingTest.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.UdpFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopbackConcurrencyTest {
    private static final int SENDERS = 4;
    private static final int PER_SENDER = 10_000;

    @Test
    void countersAddUpExactlyUnderConcurrentSendersAndReceivers() throws Exception {
        LoopbackConfiguration config = LoopbackConfiguration.builder()
                .receiveQueueCapacity(SENDERS * PER_SENDER).build();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS + 2);
        try (LoopbackNetwork network = LoopbackNetwork.create(config)) {
            LoopbackConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            List<LoopbackConnection> senders = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                senders.add(network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0")));
            }
            CountDownLatch start = new CountDownLatch(1);
            // Two receivers share the connection; each datagram carries (sender index, sequence).
            List<Future<long[]>> receivers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                receivers.add(pool.submit(() -> {
                    long[] perSender = new long[SENDERS];
                    ByteBuffer buf = ByteBuffer.allocate(64);
                    try {
                        while (true) {
                            buf.clear();
                            receiver.receive(buf);
                            perSender[buf.getInt(0)]++;
                        }
                    } catch (ClosedChannelException closed) {
                        return perSender;
                    }
                }));
            }
            List<Future<?>> sending = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                int index = s;
                LoopbackConnection sender = senders.get(s);
                sending.add(pool.submit(() -> {
                    start.await();
                    ByteBuffer buf = ByteBuffer.allocate(32);
                    for (int i = 0; i < PER_SENDER; i++) {
                        buf.clear();
                        buf.putInt(index).putInt(i).position(0).limit(8 + (i % 24));
                        sender.send(buf, receiver.localAddress());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : sending) {
                f.get();
            }
            // All sent datagrams are delivered (sending is synchronous); wait until they are consumed.
            while (receiver.stats().received() < (long) SENDERS * PER_SENDER) {
                Thread.onSpinWait();
            }
            receiver.close();
            long[] total = new long[SENDERS];
            for (Future<long[]> f : receivers) {
                long[] part = f.get();
                for (int s = 0; s < SENDERS; s++) {
                    total[s] += part[s];
                }
            }
            assertThat(total).containsOnly(PER_SENDER);
            long expected = (long) SENDERS * PER_SENDER;
            assertThat(network.stats()).isEqualTo(new LoopbackStats(expected, expected, 0, 0));
            assertThat(receiver.stats()).isEqualTo(new LoopbackConnectionStats(0, expected, expected, 0, 0, 0, 0));
            for (LoopbackConnection sender : senders) {
                assertThat(sender.stats().sent()).isEqualTo(PER_SENDER);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void countersStayConsistentWhenQueuesOverflowAndConnectionsCloseMidStream() throws Exception {
        LoopbackConfiguration config = LoopbackConfiguration.builder().receiveQueueCapacity(64).build();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS + 1);
        try (LoopbackNetwork network = LoopbackNetwork.create(config)) {
            LoopbackConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:7300"));
            List<Future<?>> sending = new ArrayList<>();
            List<LoopbackConnection> senders = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                LoopbackConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
                senders.add(sender);
                sending.add(pool.submit(() -> {
                    ByteBuffer buf = ByteBuffer.allocate(100);
                    // Keep sending until the receiver has been closed, so that the close always
                    // happens mid-stream, however the threads are scheduled.
                    for (int i = 0; i < PER_SENDER || receiver.isOpen(); i++) {
                        sender.send(buf.clear(), at("127.0.0.1:7300"));
                    }
                    sender.send(buf.clear(), at("127.0.0.1:7300")); // after the close: no listener
                    return null;
                }));
            }
            Future<Long> consumer = pool.submit(() -> {
                ByteBuffer buf = ByteBuffer.allocate(100);
                long n = 0;
                try {
                    while (true) {
                        receiver.receive(buf.clear());
                        n++;
                    }
                } catch (ClosedChannelException e) {
                    return n;
                }
            });
            // Close the receiver while traffic flows: no exception escapes to senders.
            while (receiver.stats().delivered() < 1000) {
                Thread.onSpinWait();
            }
            receiver.close();
            for (Future<?> f : sending) {
                f.get();
            }
            long consumed = consumer.get();
            LoopbackStats stats = network.stats();
            assertThat(stats.sent()).isEqualTo(senders.stream().mapToLong(c -> c.stats().sent()).sum())
                    .isGreaterThanOrEqualTo((long) SENDERS * PER_SENDER);
            assertThat(stats.delivered() + stats.droppedNoListener() + stats.droppedQueueFull())
                    .isEqualTo(stats.sent());
            assertThat(stats.droppedNoListener()).isPositive();
            LoopbackConnectionStats r = receiver.stats();
            assertThat(r.delivered()).isEqualTo(stats.delivered());
            assertThat(r.droppedQueueFull()).isEqualTo(stats.droppedQueueFull());
            assertThat(r.received()).isEqualTo(consumed);
            assertThat(r.queuedDatagrams()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void openAndCloseRacingWithNetworkCloseLeavesNothingOpen() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                LoopbackNetwork network = LoopbackNetwork.create(
                        LoopbackConfiguration.builder().recordOpenStackTraces(false).build());
                List<Future<?>> openers = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    openers.add(pool.submit(() -> {
                        try {
                            while (true) {
                                try {
                                    network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
                                } catch (java.net.BindException portsExhausted) {
                                    // The openers can bind all 16,384 ephemeral ports before a
                                    // descheduled main thread closes the network: keep racing.
                                    Thread.onSpinWait();
                                }
                            }
                        } catch (IllegalStateException closed) {
                            return null;
                        }
                    }));
                }
                while (network.openConnections().size() < 50) {
                    Thread.onSpinWait();
                }
                network.close();
                for (Future<?> f : openers) {
                    f.get();
                }
                assertThat(network.openConnections()).isEmpty();
                network.checkNoOpenConnections();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
