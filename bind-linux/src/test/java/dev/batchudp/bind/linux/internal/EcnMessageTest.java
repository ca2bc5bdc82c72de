package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.LinuxTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.bind.linux.LinuxBatching;
import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.Ecn;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ECN end to end through the message API on 127.0.0.1 and ::1: each datagram is sent with its own
 * codepoint ({@link ControlMessage#ecn}, an {@code IP_TOS}/{@code IPV6_TCLASS} record) and read back
 * with its own ({@link UdpSocketOptions#RECEIVE_TRAFFIC_CLASS}), with per-message segmentation
 * ({@code UDP_SEGMENT}) on and off at the sender and {@code UDP_GRO} on and off at the receiver. A
 * batch mixes all four codepoints: a coalesced read never holds datagrams of different codepoints
 * (the kernel's GRO only merges packets whose TOS/traffic class match, {@code udp_gro_receive()} in
 * net/ipv4/udp_offload.c via {@code inet_gro_receive()}/{@code ipv6_gro_receive()}).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(20)
class EcnMessageTest {
    private static final int MESSAGES = 8;
    private static final int SEGMENT = 500;

    @BeforeEach
    void gate() {
        assumeLinuxBatching();
    }

    static Stream<Arguments> cases() {
        return Stream.of(UdpFamily.UDP4, UdpFamily.UDP6).flatMap(f -> Stream.of(false, true)
                .flatMap(gso -> Stream.of(false, true).map(gro -> Arguments.of(f, gso, gro))));
    }

    private static void require(boolean supported, String what) {
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            assertThat(supported).as(what).isTrue();
        } else {
            org.junit.jupiter.api.Assumptions.assumeTrue(supported, "kernel without " + what);
        }
    }

    private static LinuxUdpSocket socket(UdpFamily family) throws IOException {
        if (family == UdpFamily.UDP6) {
            assumeIpv6();
        }
        LinuxUdpSocket s = open(family);
        s.setReadTimeout(Duration.ofSeconds(5));
        return s;
    }

    private static Ecn ecnOf(int message) {
        return Ecn.values()[message % 4];
    }

    @ParameterizedTest(name = "{0} gso={1} gro={2}")
    @MethodSource("cases")
    void eachDatagramArrivesWithItsOwnCodepoint(UdpFamily family, boolean gso, boolean gro) throws IOException {
        if (gso) {
            require(LinuxBatching.supportsGso(), "UDP_SEGMENT");
        }
        if (gro) {
            require(LinuxBatching.supportsGro(), "UDP_GRO");
        }
        int segments = gso ? 3 : 1;
        try (LinuxUdpSocket tx = socket(family); LinuxUdpSocket rx = socket(family)) {
            rx.setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true);
            rx.setOption(UdpSocketOptions.UDP_GRO, gro);
            Message[] out = new Message[MESSAGES];
            ControlMessage cm = new ControlMessage();
            for (int i = 0; i < MESSAGES; i++) {
                ByteBuffer payload = ByteBuffer.allocateDirect(segments * SEGMENT);
                for (int s = 0; s < segments; s++) {
                    payload.put(s * SEGMENT, (byte) i).put(s * SEGMENT + 1, (byte) s);
                }
                ByteBuffer control = ByteBuffer.allocate(ControlMessage.SEND_SPACE);
                cm.reset().ecn(ecnOf(i));
                if (gso) {
                    cm.segmentSize(SEGMENT);
                }
                cm.marshal(control, family);
                out[i] = new Message(payload).control(control.flip()).address(rx.localAddress());
            }
            assertThat(tx.writeBatch(out, 0, MESSAGES, 0)).isEqualTo(MESSAGES);
            assertThat(tx.statistics().datagramsSent()).isEqualTo((long) MESSAGES * segments);

            Message[] in = new Message[MESSAGES * segments];
            for (int i = 0; i < in.length; i++) {
                in[i] = new Message(ByteBuffer.allocateDirect(65_535)).control(ByteBuffer.allocateDirect(ControlMessage.RECEIVE_SPACE));
            }
            Set<Integer> seen = new HashSet<>();
            int coalescedReads = 0;
            while (seen.size() < MESSAGES * segments) {
                int n = rx.readBatch(in, 0, in.length, 0);
                for (int k = 0; k < n; k++) {
                    Message m = in[k];
                    cm.parse(m);
                    assertThat(cm.trafficClass()).as("a traffic class record").isNotEqualTo(ControlMessage.UNSET);
                    Ecn got = cm.ecn();
                    int size = cm.groSegmentSize() > 0 ? cm.groSegmentSize() : m.length();
                    if (cm.groSegmentSize() > 0 && m.length() > size) {
                        assertThat(gro).as("coalesced only with UDP_GRO").isTrue();
                        coalescedReads++;
                    }
                    ByteBuffer b = m.buffers()[0];
                    for (int at = 0; at < m.length(); at += size) {
                        int message = b.get(b.position() + at);
                        int segment = b.get(b.position() + at + 1);
                        assertThat(got).as("codepoint of message %d segment %d", message, segment).isEqualTo(ecnOf(message));
                        assertThat(seen.add(message * 16 + segment)).as("message %d segment %d once", message, segment).isTrue();
                    }
                }
            }
            assertThat(seen).hasSize(MESSAGES * segments);
            assertThat(rx.statistics().datagramsReceived()).as("a coalesced read counts its datagrams")
                    .isEqualTo((long) MESSAGES * segments);
            if (!gro) {
                assertThat(coalescedReads).isZero();
            } else if (gso) {
                // A segmented send reaches a UDP_GRO socket on loopback unsegmented: one read per message.
                assertThat(coalescedReads).as("coalesced reads").isEqualTo(MESSAGES);
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = UdpFamily.class, names = {"UDP4", "UDP6"})
    void oneSegmentedMessageArrivesAsSeveralDatagrams(UdpFamily family) throws IOException {
        require(LinuxBatching.supportsGso(), "UDP_SEGMENT");
        try (LinuxUdpSocket tx = socket(family); LinuxUdpSocket rx = socket(family)) {
            int length = 4 * 1000 + 321;
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = (byte) (i * 7);
            }
            ByteBuffer control = ByteBuffer.allocateDirect(ControlMessage.SEND_SPACE);
            new ControlMessage().segmentSize(1000).marshal(control, family);
            Message[] out = {new Message(ByteBuffer.wrap(bytes, 0, 2500), ByteBuffer.wrap(bytes, 2500, length - 2500).slice())
                    .control(control.flip()).address(rx.localAddress())};
            assertThat(tx.writeBatch(out, 0, 1, 0)).isEqualTo(1);
            assertThat(out[0].length()).isEqualTo(length);
            Message[] in = new Message[8];
            for (int i = 0; i < in.length; i++) {
                in[i] = new Message(ByteBuffer.allocate(2000));
            }
            int got = 0;
            while (got < 5) {
                int n = rx.readBatch(in, got, in.length - got, 0);
                got += n;
            }
            assertThat(got).isEqualTo(5);
            for (int s = 0; s < 5; s++) {
                int expected = s < 4 ? 1000 : 321;
                assertThat(in[s].length()).isEqualTo(expected);
                byte[] b = new byte[expected];
                in[s].buffers()[0].get(0, b);
                assertThat(b).isEqualTo(java.util.Arrays.copyOfRange(bytes, s * 1000, s * 1000 + expected));
            }
            assertThat(tx.statistics().datagramsSent()).isEqualTo(5);
            assertThat(tx.statistics().bytesSent()).isEqualTo(length);
            assertThat(rx.statistics().datagramsReceived()).isEqualTo(5);
        }
    }

    @Test
    void aMixedBatchIsNotCoalescedAcrossCodepoints() throws IOException {
        require(LinuxBatching.supportsGso(), "UDP_SEGMENT");
        require(LinuxBatching.supportsGro(), "UDP_GRO");
        // Two consecutive segmented messages to one receiver, equal segment sizes, different
        // codepoints: each read holds one codepoint.
        try (LinuxUdpSocket tx = socket(UdpFamily.UDP4); LinuxUdpSocket rx = socket(UdpFamily.UDP4)) {
            rx.setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true);
            rx.setOption(UdpSocketOptions.UDP_GRO, true);
            ControlMessage cm = new ControlMessage();
            Message[] out = new Message[4];
            for (int i = 0; i < 4; i++) {
                ByteBuffer control = ByteBuffer.allocate(ControlMessage.SEND_SPACE);
                cm.reset().ecn(i < 2 ? Ecn.ECT0 : Ecn.CE).segmentSize(SEGMENT).marshal(control, UdpFamily.UDP4);
                ByteBuffer payload = ByteBuffer.allocate(2 * SEGMENT);
                payload.put(0, (byte) i).put(SEGMENT, (byte) i);
                out[i] = new Message(payload).control(control.flip()).address(rx.localAddress());
            }
            assertThat(tx.writeBatch(out, 0, 4, 0)).isEqualTo(4);
            Message[] in = {new Message(ByteBuffer.allocate(65_535)).control(ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE))};
            int datagrams = 0;
            while (datagrams < 8) {
                assertThat(rx.readBatch(in, 0, 1, 0)).isEqualTo(1);
                cm.parse(in[0]);
                int size = cm.groSegmentSize() > 0 ? cm.groSegmentSize() : in[0].length();
                for (int at = 0; at < in[0].length(); at += size) {
                    int message = in[0].buffers()[0].get(at);
                    assertThat(cm.ecn()).as("datagram of message %d", message).isEqualTo(message < 2 ? Ecn.ECT0 : Ecn.CE);
                    datagrams++;
                }
            }
        }
    }

    @Test
    void anUpgradedGroSocketFlagsControlTruncationPerSplitDatagramAsTheKernelWould() throws IOException {
        require(LinuxBatching.supportsGso(), "UDP_SEGMENT");
        require(LinuxBatching.supportsGro(), "UDP_GRO");
        try (LinuxUdpSocket tx = socket(UdpFamily.UDP4);
                LinuxBatchingConn rx = new LinuxBatchingConn(socket(UdpFamily.UDP4), 16, false, true)) {
            rx.connection().setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true);
            rx.connection().setOption(UdpSocketOptions.RECEIVE_HOP_LIMIT, true);
            rx.connection().setOption(UdpSocketOptions.RECEIVE_QUEUE_OVERFLOW, true);
            ByteBuffer control = ByteBuffer.allocate(ControlMessage.SEND_SPACE);
            new ControlMessage().ecn(Ecn.ECT0).segmentSize(SEGMENT).marshal(control, UdpFamily.UDP4);
            Message[] out = {new Message(ByteBuffer.allocateDirect(3 * SEGMENT)).control(control.flip())
                    .address(rx.connection().localAddress())};
            assertThat(tx.writeBatch(out, 0, 1, 0)).isEqualTo(1);
            // Records after the split: IP_PKTINFO (32 B), IP_TTL (24), IP_TOS (24): 80 bytes.
            Message whole = new Message(ByteBuffer.allocate(SEGMENT)).control(ByteBuffer.allocateDirect(80));
            Message cut = new Message(ByteBuffer.allocate(SEGMENT)).control(ByteBuffer.allocateDirect(48));
            Message none = new Message(ByteBuffer.allocate(SEGMENT));
            Message[] in = {whole, cut, none};
            for (int got = 0; got < 3;) {
                got += rx.connection().readBatch(in, got, 3 - got, 0);
            }
            assertThat(rx.receivedKernelMessages()).as("one coalesced read").isEqualTo(1);
            assertThat(whole.flags()).isZero();
            assertThat(whole.controlLength()).isEqualTo(80);
            ControlMessage parsed = new ControlMessage().parse(whole);
            assertThat(parsed.ecn()).isEqualTo(Ecn.ECT0);
            assertThat(parsed.hopLimit()).isPositive();
            assertThat(cut.flags()).as("48 bytes: packet info whole, the TTL cut to its header")
                    .isEqualTo(Message.CONTROL_TRUNCATED);
            assertThat(cut.controlLength()).isEqualTo(48);
            parsed.parse(cut);
            assertThat(parsed.destination()).isEqualTo(rx.connection().localAddress().getAddress());
            assertThat(parsed.hopLimit()).as("the cut record is skipped").isEqualTo(ControlMessage.UNSET);
            assertThat(none.flags()).as("no control buffer: every record lost").isEqualTo(Message.CONTROL_TRUNCATED);
            assertThat(none.controlLength()).isZero();
        }
    }

    @Test
    void anUpgradedGroSocketSplitsCoalescedReadsIntoTheMessages() throws IOException {
        require(LinuxBatching.supportsGso(), "UDP_SEGMENT");
        require(LinuxBatching.supportsGro(), "UDP_GRO");
        try (LinuxUdpSocket tx = socket(UdpFamily.UDP4);
                LinuxBatchingConn rx = new LinuxBatchingConn(socket(UdpFamily.UDP4), 16, false, true)) {
            assertThat(rx.rxOffload()).isTrue();
            rx.connection().setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true);
            ControlMessage cm = new ControlMessage();
            ByteBuffer control = ByteBuffer.allocate(ControlMessage.SEND_SPACE);
            cm.reset().ecn(Ecn.ECT1).segmentSize(SEGMENT).marshal(control, UdpFamily.UDP4);
            ByteBuffer payload = ByteBuffer.allocateDirect(3 * SEGMENT);
            for (int s = 0; s < 3; s++) {
                payload.put(s * SEGMENT, (byte) s);
            }
            Message[] out = {new Message(payload).control(control.flip()).address(rx.connection().localAddress())};
            assertThat(tx.writeBatch(out, 0, 1, 0)).isEqualTo(1);
            Message[] in = new Message[3];
            for (int i = 0; i < 3; i++) {
                // Two buffers: the datagram is scattered over them; control data from a position.
                in[i] = new Message(ByteBuffer.allocate(100), ByteBuffer.allocateDirect(1000))
                        .control(ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE + 8).position(8));
            }
            assertThatThrownBy(() -> rx.connection().readBatch(in, 0, 3, dev.batchudp.network.BatchFlags.PEEK))
                    .isInstanceOf(UnsupportedOperationException.class);
            int got = 0;
            while (got < 3) {
                got += rx.connection().readBatch(in, got, 3 - got, 0);
            }
            for (int s = 0; s < 3; s++) {
                Message m = in[s];
                assertThat(m.length()).isEqualTo(SEGMENT);
                assertThat(m.buffers()[0].get(0)).as("segment %d", s).isEqualTo((byte) s);
                cm.parse(m);
                assertThat(cm.groSegmentSize()).as("the UDP_GRO record is left out after the split").isZero();
                assertThat(cm.ecn()).isEqualTo(Ecn.ECT1);
                assertThat(cm.destination()).as("packet info the upgrade turned on")
                        .isEqualTo(rx.connection().localAddress().getAddress());
                assertThat(m.control().position()).isEqualTo(8);
            }
            assertThat(rx.connection().statistics().datagramsReceived()).isEqualTo(3);
            assertThat(rx.receivedKernelMessages()).as("one coalesced read").isEqualTo(1);
        }
    }
}
