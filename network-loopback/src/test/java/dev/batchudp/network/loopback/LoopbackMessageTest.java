package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.Sim.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.BatchFlags;
import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.Ecn;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import dev.batchudp.network.UdpStatistics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** readBatch/writeBatch on the loopback network: buffers, flags, control messages, statistics. */
@SuppressWarnings("try") // rules scoped by try-with-resources
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoopbackMessageTest {
    private LoopbackNetwork network = LoopbackNetwork.create();

    @AfterEach
    void closeNetwork() {
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

    private static Message[] readable(int count, int size) {
        Message[] msgs = new Message[count];
        for (int i = 0; i < count; i++) {
            msgs[i] = new Message(ByteBuffer.allocate(size)).control(ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE));
        }
        return msgs;
    }

    private static ByteBuffer control(ControlMessage c, UdpFamily family) {
        ByteBuffer b = ByteBuffer.allocate(ControlMessage.SEND_SPACE);
        c.marshal(b, family);
        return b.flip();
    }

    @Test
    void vectoredWritesArriveWholeAndAReadTakesEveryQueuedDatagramWithoutMovingBuffers() throws Exception {
        LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        ByteBuffer header = text("xxhead").position(2);
        Message[] out = {
            new Message(header, text("-one")).address(b.localAddress()),
            new Message().address(b.localAddress()),
            new Message(text("three")).address(b.localAddress()),
        };
        assertThat(a.writeBatch(out, 0, 3, 0)).isEqualTo(3);
        assertThat(out[0].length()).isEqualTo(8);
        assertThat(header.position()).isEqualTo(2);

        ByteBuffer first = ByteBuffer.allocate(16).position(3).limit(6);
        ByteBuffer second = ByteBuffer.allocate(16);
        Message[] in = {new Message(first, second), new Message(ByteBuffer.allocate(16)),
                new Message(ByteBuffer.allocate(16)), new Message(ByteBuffer.allocate(16))};
        assertThat(b.readBatch(in, 0, 4, 0)).isEqualTo(3);
        assertThat(text(in[0])).isEqualTo("head-one");
        assertThat(first.position()).isEqualTo(3);
        assertThat(first.limit()).isEqualTo(6);
        assertThat(second.position()).isZero();
        assertThat(in[0].address()).isEqualTo(a.localAddress());
        assertThat(in[1].length()).isZero();
        assertThat(text(in[2])).isEqualTo("three");
        assertThat(in[3].length()).isZero();
        assertThat(in[0].flags()).isZero();
    }

    @Test
    void dontWaitReturnsZeroAndPeekLeavesTheDatagramQueued() throws Exception {
        LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        Message[] in = readable(2, 64);
        assertThat(b.readBatch(in, 0, 2, BatchFlags.DONTWAIT)).isZero();
        a.send(text("one"), b.localAddress());
        a.send(text("two"), b.localAddress());
        assertThat(b.readBatch(in, 0, 2, BatchFlags.PEEK | BatchFlags.DONTWAIT)).isEqualTo(1);
        assertThat(text(in[0])).isEqualTo("one");
        assertThat(b.readBatch(in, 1, 1, BatchFlags.PEEK)).isEqualTo(1);
        assertThat(text(in[1])).isEqualTo("one");
        assertThat(b.stats().queuedDatagrams()).isEqualTo(2);
        assertThat(b.readBatch(in, 0, 2, BatchFlags.DONTWAIT)).isEqualTo(2);
        assertThat(text(in[0])).isEqualTo("one");
        assertThat(text(in[1])).isEqualTo("two");
        assertThat(b.statistics().datagramsReceived()).isEqualTo(2);
        assertThatThrownBy(() -> b.readBatch(in, 0, 1, 0x100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.readBatch(in, 1, 2, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(b.readBatch(in, 0, 0, 0)).isZero();
    }

    @Test
    void aBlockingReadWaitsForTheFirstDatagramAndTimesOut() throws Exception {
        LoopbackConnection a = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
        LoopbackConnection b = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
        Message[] in = readable(3, 64);
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return b.readBatch(in, 0, 3, 0);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        a.send(text("late"), b.localAddress());
        assertThat(read.get(5, TimeUnit.SECONDS)).isBetween(1, 3);
        assertThat(text(in[0])).isEqualTo("late");
        b.setReadTimeout(Duration.ofMillis(20));
        assertThatThrownBy(() -> b.readBatch(in, 0, 3, 0)).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void onSimulatedTimeABlockingReadWaitsForTheDelayedDatagramAndTimesOutOnTheClock() throws Exception {
        network = LoopbackNetwork.create(LoopbackConfiguration.builder().autoAdvance(true)
                .impairments(Impairments.builder().latency(Duration.ofMillis(50)).build()).build());
        ManualClock clock = network.manualClock();
        LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        b.setReadTimeout(Duration.ofSeconds(30));
        try (ManualClock.Participation p = clock.participate()) {
            a.send(text("one"), b.localAddress());
            a.send(text("two"), b.localAddress());
            Message[] in = readable(2, 16);
            assertThat(b.readBatch(in, 0, 2, BatchFlags.DONTWAIT)).as("still in flight").isZero();
            int n = b.readBatch(in, 0, 2, 0);
            assertThat(n).isBetween(1, 2);
            assertThat(text(in[0])).isEqualTo("one");
            assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(50));
            if (n == 1) {
                assertThat(b.readBatch(in, 1, 1, 0)).isEqualTo(1);
            }
            assertThat(text(in[1])).isEqualTo("two");
            assertThatThrownBy(() -> b.readBatch(in, 0, 2, 0)).isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("simulated time");
            assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(30_050));
        }
    }

    @Test
    void truncationIsReportedInFlagsAndCounted() throws Exception {
        LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        a.send(text("0123456789"), b.localAddress());
        Message[] in = {new Message(ByteBuffer.allocate(3), ByteBuffer.allocate(2))};
        assertThat(b.readBatch(in, 0, 1, 0)).isEqualTo(1);
        assertThat(in[0].isTruncated()).isTrue();
        assertThat(in[0].length()).isEqualTo(5);
        assertThat(text(in[0])).isEqualTo("01234");
        assertThat(b.statistics().truncatedDatagrams()).isEqualTo(1);
        assertThat(b.stats().truncated()).isEqualTo(1);
    }

    @Test
    void readOnlyBuffersAreRefusedBeforeAnythingIsReceived() throws Exception {
        LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        a.send(text("kept"), b.localAddress());
        Message[] in = {new Message(ByteBuffer.allocate(8).asReadOnlyBuffer())};
        assertThatThrownBy(() -> b.readBatch(in, 0, 1, 0)).isInstanceOf(ReadOnlyBufferException.class);
        Message[] controlReadOnly = {new Message(ByteBuffer.allocate(8)).control(ByteBuffer.allocate(64).asReadOnlyBuffer())};
        assertThatThrownBy(() -> b.readBatch(controlReadOnly, 0, 1, 0)).isInstanceOf(ReadOnlyBufferException.class);
        assertThat(b.stats().queuedDatagrams()).isEqualTo(1);
    }

    @Test
    void trafficClassAndHopLimitTravelWithTheDatagramAndPacketInfoNamesTheDestination() throws Exception {
        for (UdpFamily family : new UdpFamily[] {UdpFamily.UDP4, UdpFamily.UDP6}) {
            String loopback = family == UdpFamily.UDP4 ? "127.0.0.1" : "[::1]";
            LoopbackConnection a = network.openUdp(family, at(loopback + ":0"));
            LoopbackConnection b = network.openUdp(family, at(loopback + ":0"));
            b.setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true);
            b.setOption(UdpSocketOptions.RECEIVE_HOP_LIMIT, true);
            b.setOption(UdpSocketOptions.RECEIVE_PACKET_INFO, true);
            assertThat(b.getOption(UdpSocketOptions.RECEIVE_PACKET_INFO)).isTrue();
            Message[] out = {
                new Message(text("marked")).address(b.localAddress())
                        .control(control(new ControlMessage().trafficClass(0xb8).ecn(Ecn.ECT0).hopLimit(7), family)),
                new Message(text("plain")).address(b.localAddress()),
            };
            assertThat(a.writeBatch(out, 0, 2, 0)).isEqualTo(2);
            Message[] in = readable(2, 64);
            assertThat(b.readBatch(in, 0, 2, 0)).isEqualTo(2);
            ControlMessage got = new ControlMessage().parse(in[0]);
            assertThat(got.trafficClass()).as(family.toString()).isEqualTo(0xba);
            assertThat(got.ecn()).isEqualTo(Ecn.ECT0);
            assertThat(got.hopLimit()).isEqualTo(7);
            assertThat(got.destination()).isEqualTo(b.localAddress().getAddress());
            assertThat(got.interfaceIndex()).isEqualTo(1);
            assertThat(got.dropCount()).isEqualTo(ControlMessage.UNSET);
            assertThat(in[0].isControlTruncated()).isFalse();
            got.parse(in[1]);
            assertThat(got.trafficClass()).isZero();
            assertThat(got.hopLimit()).isEqualTo(64);
        }
    }

    @Test
    void packetInfoOnAHostAddressNamesItsInterface() throws Exception {
        LoopbackHost server = network.addHost("server", "10.0.0.2");
        network.addHost("client", "10.0.0.1");
        LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1000"));
        LoopbackConnection b = server.openUdp(UdpFamily.UDP4, at("0.0.0.0:2000"), null);
        b.setOption(UdpSocketOptions.RECEIVE_PACKET_INFO, true);
        a.send(text("hi"), at("10.0.0.2:2000"));
        Message[] in = readable(1, 16);
        b.readBatch(in, 0, 1, 0);
        ControlMessage got = new ControlMessage().parse(in[0]);
        assertThat(got.destination()).isEqualTo(InetAddress.getByAddress(new byte[] {10, 0, 0, 2}));
        assertThat(got.interfaceIndex()).isEqualTo(2);
    }

    @Test
    void controlRecordsThatDoNotFitAreLeftOutWholeAndFlagged() throws Exception {
        LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        Message[] in = {new Message(ByteBuffer.allocate(8))};
        a.send(text("x"), b.localAddress());
        b.readBatch(in, 0, 1, 0);
        assertThat(in[0].flags()).as("no option, no control buffer").isZero();

        b.setOption(UdpSocketOptions.RECEIVE_PACKET_INFO, true);
        b.setOption(UdpSocketOptions.RECEIVE_HOP_LIMIT, true);
        a.send(text("x"), b.localAddress());
        b.readBatch(in, 0, 1, 0);
        assertThat(in[0].isControlTruncated()).as("records but no buffer").isTrue();
        assertThat(in[0].controlLength()).isZero();

        // IP_PKTINFO takes 32 bytes, IP_TTL 24: with 40, only the first whole record fits.
        ByteBuffer room = ByteBuffer.allocate(48).position(4).limit(44);
        in[0].control(room);
        a.send(text("x"), b.localAddress());
        b.readBatch(in, 0, 1, 0);
        assertThat(in[0].isControlTruncated()).isTrue();
        assertThat(in[0].controlLength()).isEqualTo(32);
        assertThat(room.position()).isEqualTo(4);
        ControlMessage got = new ControlMessage().parse(in[0]);
        assertThat(got.destination()).isEqualTo(b.localAddress().getAddress());
        assertThat(got.hopLimit()).isEqualTo(ControlMessage.UNSET);
    }

    @Test
    void theDropCountIsStampedWhenQueuedAndDeliveredOnceNotZero() throws Exception {
        network = LoopbackNetwork.create(LoopbackConfiguration.builder().receiveQueueCapacity(2).build());
        LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        b.setOption(UdpSocketOptions.RECEIVE_QUEUE_OVERFLOW, true);
        for (int i = 0; i < 5; i++) {
            a.send(text("m" + i), b.localAddress());
        }
        Message[] in = readable(2, 16);
        assertThat(b.readBatch(in, 0, 2, 0)).isEqualTo(2);
        ControlMessage got = new ControlMessage();
        assertThat(got.parse(in[0]).dropCount()).isEqualTo(ControlMessage.UNSET);
        assertThat(in[0].controlLength()).isZero();
        assertThat(in[0].isControlTruncated()).isFalse();
        a.send(text("after"), b.localAddress());
        assertThat(b.readBatch(in, 0, 2, 0)).isEqualTo(1);
        assertThat(got.parse(in[0]).dropCount()).isEqualTo(3);
        assertThat(b.statistics().receiveQueueDrops()).isEqualTo(3);
    }

    @Test
    void aPacketInfoSourceMustBeTheSendersAndIsWhatTheReceiverSees() throws Exception {
        LoopbackHost client = network.addHost("client", "10.0.0.1", "10.0.0.11");
        LoopbackHost server = network.addHost("server", "10.0.0.2");
        LoopbackConnection a = client.openUdp(UdpFamily.UDP4, at("0.0.0.0:1000"), null);
        LoopbackConnection b = server.openUdp(UdpFamily.UDP4, at("10.0.0.2:2000"), null);
        InetAddress second = InetAddress.getByAddress(new byte[] {10, 0, 0, 11});
        InetAddress foreign = InetAddress.getByAddress(new byte[] {10, 0, 0, 2});
        Message[] out = {
            new Message(text("from .11")).address(b.localAddress())
                    .control(control(new ControlMessage().source(second), UdpFamily.UDP4)),
            new Message(text("spoofed")).address(b.localAddress())
                    .control(control(new ControlMessage().source(foreign), UdpFamily.UDP4)),
        };
        assertThat(a.writeBatch(out, 0, 2, 0)).as("the second fails: reported by the next call").isEqualTo(1);
        assertThatThrownBy(() -> a.writeBatch(out, 1, 1, 0)).isInstanceOf(SocketException.class)
                .hasMessageContaining("EADDRNOTAVAIL").hasMessageContaining("10.0.0.2");
        Message[] in = readable(1, 64);
        b.readBatch(in, 0, 1, 0);
        assertThat(in[0].address()).isEqualTo(new InetSocketAddress(second, 1000));

        Message loopbackSource = new Message(text("x")).address(b.localAddress())
                .control(control(new ControlMessage().source(InetAddress.getByAddress(new byte[] {127, 0, 0, 1})),
                        UdpFamily.UDP4));
        assertThatThrownBy(() -> a.writeBatch(new Message[] {loopbackSource}, 0, 1, 0))
                .isInstanceOf(SocketException.class).hasMessageContaining("EINVAL");
        Message badInterface = new Message(text("x")).address(b.localAddress())
                .control(control(new ControlMessage().interfaceIndex(9), UdpFamily.UDP4));
        assertThatThrownBy(() -> a.writeBatch(new Message[] {badInterface}, 0, 1, 0))
                .isInstanceOf(SocketException.class).hasMessageContaining("ENODEV");
        assertThat(a.statistics().datagramsSent()).isEqualTo(1);
    }

    @Test
    void anIpv6PacketInfoSourceIsWhatTheReceiverSees() throws Exception {
        LoopbackHost client = network.addHost("client", "fd00::1", "fd00::11");
        network.addHost("server", "fd00::2");
        LoopbackConnection a = client.openUdp(UdpFamily.UDP6, at("[::]:1000"), null);
        LoopbackConnection b = network.openUdp(UdpFamily.UDP6, at("[fd00::2]:2000"));
        b.setOption(UdpSocketOptions.RECEIVE_PACKET_INFO, true);
        InetAddress second = at("[fd00::11]:1").getAddress();
        Message m = new Message(text("v6")).address(b.localAddress())
                .control(control(new ControlMessage().source(second), UdpFamily.UDP6));
        assertThat(a.writeBatch(new Message[] {m}, 0, 1, 0)).isEqualTo(1);
        Message[] in = readable(1, 16);
        b.readBatch(in, 0, 1, 0);
        assertThat(in[0].address()).isEqualTo(new InetSocketAddress(second, 1000));
        ControlMessage got = new ControlMessage().parse(in[0]);
        assertThat(got.destination()).isEqualTo(b.localAddress().getAddress());
        assertThat(got.interfaceIndex()).isEqualTo(2);
        Message v4Source = new Message(text("x")).address(b.localAddress())
                .control(control(new ControlMessage().source(InetAddress.getByAddress(new byte[] {10, 0, 0, 1})),
                        UdpFamily.UDP6));
        assertThatThrownBy(() -> a.writeBatch(new Message[] {v4Source}, 0, 1, 0))
                .isInstanceOf(SocketException.class).hasMessageContaining("EINVAL");
    }

    @Test
    void receiveOnlyRecordsAreRefusedInASend() throws Exception {
        LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        ByteBuffer gro = ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE);
        new ControlMessage().groSegmentSize(100).marshalAsReceived(gro, UdpFamily.UDP4);
        Message m = new Message(text("x")).address(a.localAddress()).control(gro.flip());
        assertThatThrownBy(() -> a.writeBatch(new Message[] {m}, 0, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UDP_GRO");
    }

    @Test
    void udpSegmentSplitsThePayloadAndIsRefusedAsLinuxRefusesIt() throws Exception {
        LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        b.setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true);
        ByteBuffer payload = ByteBuffer.allocate(2500);
        for (int i = 0; i < 2500; i++) {
            payload.put(i, (byte) i);
        }
        Message[] out = {new Message(payload.slice(0, 1700), payload.slice(1700, 800)).address(b.localAddress())
                .control(control(new ControlMessage().segmentSize(1000).ecn(Ecn.ECT1), UdpFamily.UDP4))};
        assertThat(a.writeBatch(out, 0, 1, 0)).isEqualTo(1);
        assertThat(out[0].length()).isEqualTo(2500);
        Message[] in = readable(4, 2000);
        assertThat(b.readBatch(in, 0, 4, 0)).isEqualTo(3);
        assertThat(in).extracting(Message::length).containsExactly(1000, 1000, 500, 0);
        assertThat(in[2].buffers()[0].get(499)).isEqualTo((byte) 2499);
        assertThat(new ControlMessage().parse(in[2]).ecn()).isEqualTo(Ecn.ECT1);
        UdpStatistics sent = a.statistics();
        assertThat(sent.datagramsSent()).isEqualTo(3);
        assertThat(sent.bytesSent()).isEqualTo(2500);

        Message tooMany = new Message(ByteBuffer.allocate(65 * 100)).address(b.localAddress())
                .control(control(new ControlMessage().segmentSize(100), UdpFamily.UDP4));
        assertThatThrownBy(() -> a.writeBatch(new Message[] {tooMany}, 0, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EINVAL");
        Message overMax = new Message(ByteBuffer.allocate(UdpFamily.MAX_IPV4_PAYLOAD + 1)).address(b.localAddress())
                .control(control(new ControlMessage().segmentSize(1200), UdpFamily.UDP4));
        assertThatThrownBy(() -> a.writeBatch(new Message[] {overMax}, 0, 1, 0))
                .isInstanceOf(DatagramTooLargeException.class);
        assertThat(a.statistics().datagramsSent()).isEqualTo(3);
    }

    @Test
    void dontFragmentHoldsAgainstASmallMtuForMessagesAndEverySegment() throws Exception {
        network = LoopbackNetwork.create(LoopbackConfiguration.builder().mtu(1280).build());
        LoopbackConnection a = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
        LoopbackConnection b = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
        a.setOption(UdpSocketOptions.IP_DONTFRAG, true);
        int fits = 1280 - 40 - 8;
        Message[] out = {new Message(ByteBuffer.allocate(fits)).address(b.localAddress()),
                new Message(ByteBuffer.allocate(fits + 1)).address(b.localAddress())};
        assertThat(a.writeBatch(out, 0, 2, 0)).isEqualTo(1);
        assertThatThrownBy(() -> a.writeBatch(out, 1, 1, 0)).isInstanceOf(DatagramTooLargeException.class);

        Message segmented = new Message(ByteBuffer.allocate(5 * fits)).address(b.localAddress())
                .control(control(new ControlMessage().segmentSize(fits), UdpFamily.UDP6));
        assertThat(a.writeBatch(new Message[] {segmented}, 0, 1, 0)).isEqualTo(1);
        Message bigSegments = new Message(ByteBuffer.allocate(3 * (fits + 1))).address(b.localAddress())
                .control(control(new ControlMessage().segmentSize(fits + 1), UdpFamily.UDP6));
        assertThatThrownBy(() -> a.writeBatch(new Message[] {bigSegments}, 0, 1, 0))
                .isInstanceOf(DatagramTooLargeException.class);
        a.setOption(UdpSocketOptions.IP_DONTFRAG, false);
        assertThatThrownBy(() -> a.writeBatch(new Message[] {bigSegments}, 0, 1, 0))
                .as("segments never fragment").isInstanceOf(DatagramTooLargeException.class);
        assertThat(a.writeBatch(out, 1, 1, 0)).as("a plain datagram may, without don't-fragment").isEqualTo(1);
        assertThat(b.stats().delivered()).isEqualTo(1 + 5 + 1);
    }

    @Test
    void segmentsAreImpairedOneByOne() throws Exception {
        network = LoopbackNetwork.create(LoopbackConfiguration.builder().seed(1).build());
        LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        try (InstalledRule dropSecond = network.addRule(d -> d.sequence() == 1 ? Verdict.drop() : Verdict.pass());
                LoopbackCapture capture = network.startCapture()) {
            Message m = new Message(ByteBuffer.allocate(30)).address(b.localAddress())
                    .control(control(new ControlMessage().segmentSize(10).hopLimit(3), UdpFamily.UDP4));
            a.writeBatch(new Message[] {m}, 0, 1, 0);
            assertThat(capture.datagrams()).extracting(CapturedDatagram::hopLimit).containsExactly(3, 3, 3);
        }
        assertThat(b.stats().delivered()).isEqualTo(2);
        assertThat(a.stats().droppedByRule()).isEqualTo(1);
    }

    @Test
    void controlDataIsCheckedBeforeAnythingIsSent() throws Exception {
        LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        ByteBuffer malformed = ByteBuffer.allocate(16).order(java.nio.ByteOrder.nativeOrder()).putLong(0, 99);
        Message bad = new Message(text("x")).address(b.localAddress()).control(malformed);
        assertThatThrownBy(() -> a.writeBatch(new Message[] {bad}, 0, 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
        Message ttlZero = new Message(text("x")).address(b.localAddress())
                .control(control(new ControlMessage().hopLimit(0), UdpFamily.UDP4));
        assertThatThrownBy(() -> a.writeBatch(new Message[] {ttlZero}, 0, 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.writeBatch(new Message[] {bad}, 0, 1, 0x02))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(a.writeBatch(new Message[] {new Message(text("x")).address(b.localAddress())}, 0, 1,
                BatchFlags.DONTWAIT)).isEqualTo(1);
        assertThat(a.statistics().datagramsSent()).isEqualTo(1);
    }

    @Test
    void statisticsCountWhatTheConnectionKeepsAndNothingElse() throws Exception {
        LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        a.send(text("abc"), b.localAddress());
        a.send(text("de"), b.localAddress());
        b.receive(ByteBuffer.allocate(16));
        b.readBatch(readable(1, 16), 0, 1, 0);
        UdpStatistics s = b.statistics();
        assertThat(s.datagramsReceived()).isEqualTo(2);
        assertThat(s.bytesReceived()).isEqualTo(5);
        assertThat(s.datagramsSent()).isZero();
        assertThat(s.receiveQueueDrops()).isZero();
        assertThat(s.truncatedDatagrams()).isZero();
        assertThat(s.sendBufferDrops()).isEqualTo(UdpStatistics.UNAVAILABLE);
        assertThat(s.portUnreachable()).isEqualTo(UdpStatistics.UNAVAILABLE);
        assertThat(s.gsoFallbacks()).isEqualTo(UdpStatistics.UNAVAILABLE);
        assertThat(s.sourceDrops()).isEqualTo(UdpStatistics.UNAVAILABLE);
        assertThat(a.statistics().bytesSent()).isEqualTo(5);
    }
}
