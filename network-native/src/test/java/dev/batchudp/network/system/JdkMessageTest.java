package dev.batchudp.network.system;

import static dev.batchudp.network.testing.Datagrams.loopback4;
import static dev.batchudp.network.testing.Datagrams.loopback6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.BatchFlags;
import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.Ecn;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import dev.batchudp.network.UdpStatistics;
import dev.batchudp.network.testing.Datagrams;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** readBatch/writeBatch on the {@code jdk} backend: one datagram per call, vectored buffers, the controls it honours. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JdkMessageTest {
    private final SystemNetwork network = SystemNetwork.open("jdk");

    @AfterEach
    void close() {
        network.close();
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Message m) {
        byte[] all = new byte[m.length()];
        int at = 0;
        for (ByteBuffer b : m.buffers()) {
            int n = Math.min(b.remaining(), m.length() - at);
            b.get(b.position(), all, at, n);
            at += n;
        }
        return new String(all, StandardCharsets.UTF_8);
    }

    private static ByteBuffer control(ControlMessage c, UdpFamily family) {
        ByteBuffer b = ByteBuffer.allocate(ControlMessage.SEND_SPACE);
        c.marshal(b, family);
        return b.flip();
    }

    private static List<Integer> readLengths(UdpConnection c, int count) throws IOException {
        List<Integer> lengths = new ArrayList<>();
        Message[] in = {new Message(ByteBuffer.allocate(65_536))};
        for (int i = 0; i < count; i++) {
            assertThat(c.readBatch(in, 0, 1, 0)).isEqualTo(1);
            lengths.add(in[0].length());
        }
        return lengths;
    }

    @Test
    void vectoredMessagesRoundTripOnEveryReceivePathWithoutMovingBuffers() throws IOException {
        try (UdpConnection a = network.openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection b = network.openUdp(UdpFamily.UDP4, loopback4(0))) {
            for (Duration timeout : new Duration[] {Duration.ZERO, Duration.ofSeconds(5)}) {
                b.setReadTimeout(timeout);
                ByteBuffer head = text("..head").position(2);
                Message[] out = {new Message(head, ByteBuffer.allocateDirect(4).put(text("-one")).flip())
                        .address(b.localAddress()), new Message().address(b.localAddress())};
                assertThat(a.writeBatch(out, 0, 2, 0)).isEqualTo(2);
                assertThat(out[0].length()).isEqualTo(8);
                assertThat(head.position()).isEqualTo(2);

                ByteBuffer first = ByteBuffer.allocate(8).position(5);
                Message[] in = {new Message(first, ByteBuffer.allocateDirect(16)), new Message(ByteBuffer.allocate(4))};
                assertThat(b.readBatch(in, 0, 2, 0)).as("one datagram per call").isEqualTo(1);
                assertThat(text(in[0])).isEqualTo("head-one");
                assertThat(first.position()).isEqualTo(5);
                assertThat(in[0].address()).isEqualTo(a.localAddress());
                assertThat(in[0].flags()).isZero();
                assertThat(b.readBatch(in, 1, 1, 0)).isEqualTo(1);
                assertThat(in[1].length()).isZero();

                Message[] large = {new Message(ByteBuffer.allocate(65_536))};
                a.writeBatch(new Message[] {new Message(Datagrams.payload(UdpFamily.MAX_IPV4_PAYLOAD, 1))
                        .address(b.localAddress())}, 0, 1, 0);
                assertThat(b.readBatch(large, 0, 1, 0)).isEqualTo(1);
                assertThat(large[0].length()).isEqualTo(UdpFamily.MAX_IPV4_PAYLOAD);
            }
        }
    }

    @Test
    void truncationIsReportedInFlagsAndCountedOnEveryPath() throws IOException {
        try (UdpConnection a = network.openUdp(UdpFamily.UDP6, loopback6(0));
                UdpConnection b = network.openUdp(UdpFamily.UDP6, loopback6(0))) {
            for (Duration timeout : new Duration[] {Duration.ZERO, Duration.ofSeconds(5)}) {
                b.setReadTimeout(timeout);
                a.send(text("0123456789"), b.localAddress());
                Message[] in = {new Message(ByteBuffer.allocate(3), ByteBuffer.allocate(4))};
                assertThat(b.readBatch(in, 0, 1, 0)).isEqualTo(1);
                assertThat(in[0].isTruncated()).isTrue();
                assertThat(in[0].length()).isEqualTo(7);
                assertThat(text(in[0])).isEqualTo("0123456");
            }
            UdpStatistics s = b.statistics();
            assertThat(s.truncatedDatagrams()).isEqualTo(2);
            assertThat(s.datagramsReceived()).isEqualTo(2);
            assertThat(s.bytesReceived()).isEqualTo(20);
        }
    }

    @Test
    void flagsItCannotHonourAreRefused() throws IOException {
        try (UdpConnection a = network.openUdp(UdpFamily.UDP4, loopback4(0))) {
            Message[] msgs = {new Message(ByteBuffer.allocate(8)).address(a.localAddress())};
            assertThatThrownBy(() -> a.readBatch(msgs, 0, 1, BatchFlags.DONTWAIT))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> a.readBatch(msgs, 0, 1, BatchFlags.PEEK))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> a.writeBatch(msgs, 0, 1, BatchFlags.DONTWAIT))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> a.readBatch(msgs, 0, 1, 0x1000)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.writeBatch(msgs, 0, 1, BatchFlags.PEEK))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.writeBatch(msgs, 1, 1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(a.readBatch(msgs, 0, 0, 0)).isZero();
            assertThat(a.writeBatch(msgs, 0, 0, 0)).isZero();
            assertThat(a.supportedOptions()).doesNotContain(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS,
                    UdpSocketOptions.RECEIVE_PACKET_INFO, UdpSocketOptions.RECEIVE_HOP_LIMIT,
                    UdpSocketOptions.RECEIVE_QUEUE_OVERFLOW, UdpSocketOptions.UDP_GRO);
            assertThatThrownBy(() -> a.setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void aTrafficClassAppliesToItsDatagramOnlyAndTheSocketValueStays() throws Exception {
        for (UdpFamily family : new UdpFamily[] {UdpFamily.UDP4, UdpFamily.UDP6}) {
            try (UdpConnection a = network.openUdp(family, family == UdpFamily.UDP4 ? loopback4(0) : loopback6(0));
                    UdpConnection b = network.openUdp(family, family == UdpFamily.UDP4 ? loopback4(0) : loopback6(0))) {
                a.setOption(StandardSocketOptions.IP_TOS, 0x20);
                Message marked = new Message(text("ect0")).address(b.localAddress())
                        .control(control(new ControlMessage().trafficClass(0xb8).ecn(Ecn.ECT0), family));
                assertThat(a.writeBatch(new Message[] {marked}, 0, 1, 0)).isEqualTo(1);
                assertThat(a.getOption(StandardSocketOptions.IP_TOS)).isEqualTo(0x20);
                a.send(text("plain"), b.localAddress());
                assertThat(readLengths(b, 2)).containsExactly(4, 5);
                a.setOption(StandardSocketOptions.IP_TOS, 0);
                assertThat(a.getOption(StandardSocketOptions.IP_TOS)).isZero();
            }
        }
    }

    @Test
    void concurrentSendersWithDifferentTrafficClassesAllGetThrough() throws Exception {
        try (UdpConnection a = network.openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection b = network.openUdp(UdpFamily.UDP4, loopback4(0))) {
            b.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            int perSender = 200;
            List<CompletableFuture<Void>> senders = new ArrayList<>();
            for (Ecn ecn : Ecn.values()) {
                senders.add(CompletableFuture.runAsync(() -> {
                    Message m = new Message(ByteBuffer.allocate(ecn.ordinal() + 1)).address(b.localAddress())
                            .control(control(new ControlMessage().ecn(ecn), UdpFamily.UDP4));
                    Message[] one = {m};
                    try {
                        for (int i = 0; i < perSender; i++) {
                            a.writeBatch(one, 0, 1, 0);
                            m.control().rewind();
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            CompletableFuture.allOf(senders.toArray(new CompletableFuture<?>[0])).get(15, TimeUnit.SECONDS);
            assertThat(a.statistics().datagramsSent()).isEqualTo(4L * perSender);
            assertThat(a.getOption(StandardSocketOptions.IP_TOS)).isZero();
        }
    }

    @Test
    void udpSegmentIsSplitIntoDatagrams() throws IOException {
        try (UdpConnection a = network.openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection b = network.openUdp(UdpFamily.UDP4, loopback4(0))) {
            ByteBuffer payload = Datagrams.payload(2500, 7);
            Message vectored = new Message(payload.slice(0, 1700), payload.slice(1700, 800)).address(b.localAddress())
                    .control(control(new ControlMessage().segmentSize(1000), UdpFamily.UDP4));
            Message single = new Message(payload.duplicate()).address(b.localAddress())
                    .control(control(new ControlMessage().segmentSize(1200), UdpFamily.UDP4));
            assertThat(a.writeBatch(new Message[] {vectored, single}, 0, 2, 0)).isEqualTo(2);
            assertThat(vectored.length()).isEqualTo(2500);
            assertThat(payload.position()).isZero();
            assertThat(readLengths(b, 6)).containsExactly(1000, 1000, 500, 1200, 1200, 100);
            UdpStatistics s = a.statistics();
            assertThat(s.datagramsSent()).isEqualTo(6);
            assertThat(s.bytesSent()).isEqualTo(5000);

            Message tooMany = new Message(ByteBuffer.allocate(65 * 100)).address(b.localAddress())
                    .control(control(new ControlMessage().segmentSize(100), UdpFamily.UDP4));
            assertThatThrownBy(() -> a.writeBatch(new Message[] {tooMany}, 0, 1, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EINVAL");
            Message tooLarge = new Message(ByteBuffer.allocate(UdpFamily.MAX_IPV4_PAYLOAD + 1))
                    .address(b.localAddress());
            assertThatThrownBy(() -> a.writeBatch(new Message[] {tooLarge}, 0, 1, 0))
                    .isInstanceOf(DatagramTooLargeException.class);
            assertThat(a.statistics().datagramsSent()).isEqualTo(6);
        }
    }

    @Test
    void recordsTheJdkCannotSendAreRefusedByName() throws Exception {
        try (UdpConnection a = network.openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection b = network.openUdp(UdpFamily.UDP4, loopback4(0))) {
            Message[] out = {
                new Message(text("ok")).address(b.localAddress()),
                new Message(text("x")).address(b.localAddress())
                        .control(control(new ControlMessage().source(Datagrams.LOOPBACK4), UdpFamily.UDP4)),
            };
            assertThat(a.writeBatch(out, 0, 2, 0)).isEqualTo(1);
            assertThatThrownBy(() -> a.writeBatch(out, 1, 1, 0)).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("IP_PKTINFO");
            Message hop = new Message(text("x")).address(b.localAddress())
                    .control(control(new ControlMessage().hopLimit(3), UdpFamily.UDP4));
            assertThatThrownBy(() -> a.writeBatch(new Message[] {hop}, 0, 1, 0))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("IP_TTL");
            Message iface = new Message(text("x")).address(b.localAddress())
                    .control(control(new ControlMessage().interfaceIndex(1), UdpFamily.UDP4));
            assertThatThrownBy(() -> a.writeBatch(new Message[] {iface}, 0, 1, 0))
                    .isInstanceOf(UnsupportedOperationException.class);
            ByteBuffer malformed = ByteBuffer.allocate(16).order(java.nio.ByteOrder.nativeOrder()).putLong(0, 3);
            Message bad = new Message(text("x")).address(b.localAddress()).control(malformed);
            assertThatThrownBy(() -> a.writeBatch(new Message[] {bad}, 0, 1, 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(readLengths(b, 1)).containsExactly(2);
            UdpStatistics s = a.statistics();
            assertThat(s.datagramsSent()).isEqualTo(1);
            assertThat(s.receiveQueueDrops()).isEqualTo(UdpStatistics.UNAVAILABLE);
            assertThat(s.sendBufferDrops()).isEqualTo(UdpStatistics.UNAVAILABLE);
            assertThat(s.portUnreachable()).isEqualTo(UdpStatistics.UNAVAILABLE);
        }
    }
}
