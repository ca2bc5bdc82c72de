package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.Sim.at;
import static dev.batchudp.network.loopback.Sim.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.UdpFamily;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoopbackCaptureTest {

    /** One pcap record, parsed back. */
    record Packet(long seconds, long micros, int capturedLength, int originalLength, byte[] data) {}

    private static List<Packet> parse(byte[] file, int[] header) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            header[i] = b.getInt(4 * i);
        }
        b.position(24);
        List<Packet> packets = new ArrayList<>();
        while (b.hasRemaining()) {
            long sec = Integer.toUnsignedLong(b.getInt());
            long usec = Integer.toUnsignedLong(b.getInt());
            int incl = b.getInt();
            int orig = b.getInt();
            byte[] data = new byte[incl];
            b.get(data);
            packets.add(new Packet(sec, usec, incl, orig, data));
        }
        return packets;
    }

    @Test
    void captureRecordsEveryDatagramWithTimestampsAndWritesAPcapFileThatParsesBack(@TempDir Path dir)
            throws Exception {
        try (LoopbackNetwork network = LoopbackNetwork.create(LoopbackConfiguration.builder().manualClock(true)
                .impairments(Impairments.builder().loss(1).build()).build())) {
            network.addHost("client", "10.0.0.1", "fd00::1");
            network.addHost("server", "10.0.0.2", "fd00::2");
            LoopbackConnection c4 = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1111"));
            LoopbackConnection s4 = network.openUdp(UdpFamily.UDP4, at("10.0.0.2:2222"));
            LoopbackConnection c6 = network.openUdp(UdpFamily.UDP6, at("[fd00::1]:3333"));
            LoopbackConnection s6 = network.openUdp(UdpFamily.UDP6, at("[fd00::2]:4444"));
            LoopbackCapture capture = network.startCapture();
            send(c4, "hello v4", s4.localAddress());
            network.manualClock().advance(Duration.ofMillis(1500));
            send(c6, "hello v6!", s6.localAddress());
            capture.close();
            send(c4, "not recorded", s4.localAddress());

            List<CapturedDatagram> list = capture.datagrams();
            assertThat(list).hasSize(2);
            // Recorded although the network then lost them (loss = 1).
            assertThat(network.stats().droppedByRule()).isEqualTo(3);
            CapturedDatagram first = list.get(0);
            assertThat(first.sequence()).isZero();
            assertThat(first.sourceHost()).isEqualTo("client");
            assertThat(first.destinationHost()).isEqualTo("server");
            assertThat(first.source()).isEqualTo(at("10.0.0.1:1111"));
            assertThat(first.destination()).isEqualTo(at("10.0.0.2:2222"));
            assertThat(first.payload()).asString(StandardCharsets.UTF_8).isEqualTo("hello v4");
            assertThat(list.get(1).time()).isEqualTo(Duration.ofMillis(1500));
            assertThat(list.get(1).timestamp()).isEqualTo(Instant.EPOCH.plusMillis(1500));

            Path file = dir.resolve("capture.pcap");
            capture.writePcap(file);
            byte[] bytes = Files.readAllBytes(file);
            int[] header = new int[6];
            List<Packet> packets = parse(bytes, header);
            assertThat(header[0]).isEqualTo(0xa1b2c3d4);
            assertThat(header[1] & 0xffff).isEqualTo(2); // version major
            assertThat(header[1] >>> 16).isEqualTo(4); // version minor
            assertThat(header[4]).isEqualTo(262_144); // snaplen
            assertThat(header[5]).isEqualTo(101); // LINKTYPE_RAW
            assertThat(packets).hasSize(2);

            Packet v4 = packets.get(0);
            assertThat(v4.seconds()).isZero();
            assertThat(v4.micros()).isZero();
            assertThat(v4.capturedLength()).isEqualTo(20 + 8 + 8).isEqualTo(v4.originalLength());
            ByteBuffer p = ByteBuffer.wrap(v4.data());
            assertThat(p.get(0)).isEqualTo((byte) 0x45);
            assertThat(p.getShort(2)).isEqualTo((short) 36);
            assertThat(p.get(9)).isEqualTo((byte) 17);
            assertThat(PcapWriter.checksum(v4.data(), 0, 20, 0)).as("IPv4 header checksum verifies").isZero();
            assertThat(InetAddress.getByAddress(Arrays.copyOfRange(v4.data(), 12, 16)).getHostAddress())
                    .isEqualTo("10.0.0.1");
            assertThat(InetAddress.getByAddress(Arrays.copyOfRange(v4.data(), 16, 20)).getHostAddress())
                    .isEqualTo("10.0.0.2");
            assertThat(p.getShort(20) & 0xffff).isEqualTo(1111);
            assertThat(p.getShort(22) & 0xffff).isEqualTo(2222);
            assertThat(p.getShort(24) & 0xffff).isEqualTo(16);
            assertThat(new String(v4.data(), 28, 8, StandardCharsets.UTF_8)).isEqualTo("hello v4");

            Packet v6 = packets.get(1);
            assertThat(v6.seconds()).isEqualTo(1);
            assertThat(v6.micros()).isEqualTo(500_000);
            assertThat(v6.capturedLength()).isEqualTo(40 + 8 + 9);
            ByteBuffer q = ByteBuffer.wrap(v6.data());
            assertThat(q.get(0) >>> 4).isEqualTo(6);
            assertThat(q.getShort(4)).isEqualTo((short) 17); // payload length: UDP header + 9
            assertThat(q.get(6)).isEqualTo((byte) 17);
            assertThat(InetAddress.getByAddress(Arrays.copyOfRange(v6.data(), 8, 24)))
                    .isEqualTo(InetAddress.getByName("fd00::1"));
            assertThat(InetAddress.getByAddress(Arrays.copyOfRange(v6.data(), 24, 40)))
                    .isEqualTo(InetAddress.getByName("fd00::2"));
            assertThat(q.getShort(40) & 0xffff).isEqualTo(3333);
            assertThat(q.getShort(42) & 0xffff).isEqualTo(4444);
            assertThat(q.getShort(46)).as("IPv6 UDP checksum is mandatory").isNotZero();
            // The checksum over pseudo-header + UDP verifies to zero.
            byte[] pseudo = ByteBuffer.allocate(40 + 17).put(v6.data(), 8, 32).putInt(17).putInt(17)
                    .put(v6.data(), 40, 17).array();
            assertThat(PcapWriter.checksum(pseudo, 0, pseudo.length, 0)).isZero();
            assertThat(new String(v6.data(), 48, 9, StandardCharsets.UTF_8)).isEqualTo("hello v6!");
        }
    }

    /** The largest IPv6 datagrams (65,488 bytes fill the 65,536 MTU; 65,527 is the UDP maximum) are not cut. */
    @Test
    void theLargestIpv6DatagramsAreCapturedWhole(@TempDir Path dir) throws Exception {
        try (LoopbackNetwork network = LoopbackNetwork.create()) {
            LoopbackConnection rx = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
            LoopbackConnection tx = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
            try (LoopbackCapture capture = network.startCapture()) {
                tx.send(ByteBuffer.allocate(65_488), rx.localAddress());
                tx.send(ByteBuffer.allocate(UdpFamily.MAX_IPV6_PAYLOAD), rx.localAddress());
                Path file = dir.resolve("big.pcap");
                capture.writePcap(file);
                List<Packet> packets = parse(Files.readAllBytes(file), new int[6]);
                assertThat(packets).extracting(Packet::capturedLength).containsExactly(65_536, 65_575);
                assertThat(packets).extracting(Packet::originalLength).containsExactly(65_536, 65_575);
            }
        }
    }
}
