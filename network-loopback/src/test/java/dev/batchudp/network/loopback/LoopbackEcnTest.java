package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.Sim.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.Ecn;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ECN on the loopback network: codepoints carried end to end, CE marking by a link queue, traces and captures. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopbackEcnTest {

    /** A network whose a->b link serialises 100-byte datagrams in about 1 ms each and marks above 2 queued. */
    private static LoopbackNetwork network() {
        LoopbackNetwork network = LoopbackNetwork.create(LoopbackConfiguration.builder().manualClock(true).build());
        network.addHost("a", "10.0.0.1", "fd00::1");
        network.addHost("b", "10.0.0.2", "fd00::2");
        network.setLinkImpairments("a", "b",
                Impairments.builder().bandwidth(1_000_000).ecnMarkThreshold(2).build());
        return network;
    }

    private static void send(LoopbackConnection from, LoopbackConnection to, Ecn ecn, int hopLimit) throws IOException {
        ControlMessage c = new ControlMessage().trafficClass(0x20).ecn(ecn).hopLimit(hopLimit);
        ByteBuffer control = ByteBuffer.allocate(ControlMessage.SEND_SPACE);
        c.marshal(control, to.family());
        Message m = new Message(ByteBuffer.allocate(100)).address(to.localAddress()).control(control.flip());
        from.writeBatch(new Message[] {m}, 0, 1, 0);
    }

    private static List<Ecn> received(LoopbackConnection c, int count) throws IOException {
        List<Ecn> out = new ArrayList<>();
        Message[] in = {new Message(ByteBuffer.allocate(200)).control(ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE))};
        ControlMessage parsed = new ControlMessage();
        for (int i = 0; i < count; i++) {
            c.readBatch(in, 0, 1, 0);
            out.add(parsed.parse(in[0]).ecn());
            assertThat(parsed.trafficClass() & 0xfc).as("DSCP kept").isEqualTo(0x20);
        }
        return out;
    }

    @Test
    void aQueueAboveTheThresholdMarksEcnCapableDatagramsAndPassesTheOthers() throws Exception {
        try (LoopbackNetwork network = network(); LoopbackTrace trace = network.startTrace()) {
            LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1000"));
            LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("10.0.0.2:2000"));
            b.setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true);
            send(a, b, Ecn.ECT0, 64);
            send(a, b, Ecn.ECT0, 64);
            send(a, b, Ecn.ECT0, 64); // finds 2 queued: marked
            send(a, b, Ecn.ECT1, 64);
            send(a, b, Ecn.NOT_ECT, 64); // not ECN-capable: passes unmarked
            network.manualClock().advance(Duration.ofSeconds(1));
            assertThat(received(b, 5)).containsExactly(Ecn.ECT0, Ecn.ECT0, Ecn.CE, Ecn.CE, Ecn.NOT_ECT);
            assertThat(trace.count(TraceEvent.Kind.ECN_MARKED)).isEqualTo(2);
            TraceEvent marked = trace.events(2).stream().filter(e -> e.kind() == TraceEvent.Kind.ECN_MARKED)
                    .findFirst().orElseThrow();
            assertThat(marked.ecn()).isEqualTo(Ecn.CE);
            assertThat(trace.events(2).get(0).ecn()).as("as sent").isEqualTo(Ecn.ECT0);
            assertThat(network.stats().delivered()).isEqualTo(5);
        }
    }

    @Test
    void withoutAThresholdNothingIsMarked() throws Exception {
        try (LoopbackNetwork network = network()) {
            network.setLinkImpairments("a", "b", Impairments.builder().bandwidth(1_000_000).build());
            LoopbackConnection a = network.openUdp(UdpFamily.UDP6, at("[fd00::1]:1000"));
            LoopbackConnection b = network.openUdp(UdpFamily.UDP6, at("[fd00::2]:2000"));
            b.setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true);
            for (int i = 0; i < 4; i++) {
                send(a, b, Ecn.ECT0, 64);
            }
            network.manualClock().advance(Duration.ofSeconds(1));
            assertThat(received(b, 4)).containsOnly(Ecn.ECT0);
        }
    }

    @Test
    void capturesAndTracesCarryTrafficClassAndHopLimitIntoThePacketHeaders(@TempDir Path dir) throws Exception {
        try (LoopbackNetwork network = network(); LoopbackTrace trace = network.startTrace();
                LoopbackCapture capture = network.startCapture()) {
            LoopbackConnection a4 = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1000"));
            LoopbackConnection b4 = network.openUdp(UdpFamily.UDP4, at("10.0.0.2:2000"));
            LoopbackConnection a6 = network.openUdp(UdpFamily.UDP6, at("[fd00::1]:1000"));
            LoopbackConnection b6 = network.openUdp(UdpFamily.UDP6, at("[fd00::2]:2000"));
            send(a4, b4, Ecn.ECT0, 9);
            send(a6, b6, Ecn.ECT1, 17);
            network.manualClock().advance(Duration.ofSeconds(1));
            assertThat(capture.datagrams()).extracting(CapturedDatagram::trafficClass, CapturedDatagram::hopLimit)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(0x22, 9),
                            org.assertj.core.groups.Tuple.tuple(0x21, 17));
            byte[] v4 = PcapWriter.packet(capture.datagrams().get(0));
            assertThat(v4[1] & 0xff).as("IPv4 TOS").isEqualTo(0x22);
            assertThat(v4[8] & 0xff).as("IPv4 TTL").isEqualTo(9);
            assertThat(PcapWriter.checksum(v4, 0, 20, 0)).as("header checksum").isZero();
            byte[] v6 = PcapWriter.packet(capture.datagrams().get(1));
            assertThat((ByteBuffer.wrap(v6).getInt(0) >>> 20) & 0xff).as("IPv6 traffic class").isEqualTo(0x21);
            assertThat(v6[7] & 0xff).as("IPv6 hop limit").isEqualTo(17);
            assertThat(trace.events(0).get(0).toJson()).contains("\"tclass\":34,\"hopLimit\":9");

            Path pcap = dir.resolve("capture.pcap");
            capture.writePcap(pcap);
            Path pcapng = dir.resolve("trace.pcapng");
            trace.writePcapng(pcapng);
            String tshark = tshark();
            assumeTrue(tshark != null, "tshark is not installed: the files were written but not decoded");
            for (Path file : List.of(pcap, pcapng)) {
                assertThat(fields(tshark, file, "ip.dsfield.ecn", "ip.ttl", "ipv6.tclass.ecn", "ipv6.hlim"))
                        .as(file.getFileName().toString())
                        .containsExactly("2\t9\t\t", "\t\t1\t17");
            }
        }
    }

    private static String tshark() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "tshark");
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static List<String> fields(String tshark, Path file, String... names) throws Exception {
        List<String> command = new ArrayList<>(List.of(tshark, "-r", file.toString(), "-T", "fields"));
        for (String n : names) {
            command.add("-e");
            command.add(n);
        }
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("tshark exit status").isZero();
        return out.lines().toList();
    }
}
