package dev.batchudp.examples;

import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.Ecn;
import dev.batchudp.network.Message;
import dev.batchudp.network.Network;
import dev.batchudp.network.Networks;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import dev.batchudp.network.loopback.LoopbackNetwork;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * QUIC-style datagram I/O with the message API: a batch of messages, each with its own ECN codepoint,
 * one of them segmented by the kernel (UDP GSO) from a single buffer, sent with one
 * {@link UdpConnection#writeBatch} and read back with {@link UdpConnection#readBatch}, each datagram
 * with the codepoint it was sent with. Run it with {@code --network native} (the host's network: on
 * Linux one {@code sendmmsg}/{@code recvmmsg}), {@code --network loopback} (the simulator) or
 * {@code --network all}; it ends with {@code quic-style-io: PASS} or {@code FAIL}.
 *
 * <pre>{@code mvn -q -pl examples -am package -DskipTests exec:java \
 *     -Dexec.mainClass=dev.batchudp.examples.QuicStyleIo -Dexec.args="--network all"}</pre>
 */
public final class QuicStyleIo {
    /** What each message of the batch carries: its codepoint, and a segment size for the last. */
    static final Ecn[] CODEPOINTS = {Ecn.NOT_ECT, Ecn.ECT1, Ecn.ECT0, Ecn.CE, Ecn.ECT0};
    /** The last message is three 1,200-byte datagrams in one buffer, segmented on send. */
    static final int SEGMENT = 1200;
    static final int SEGMENTS = 3;

    private QuicStyleIo() {}

    /**
     * Runs the example.
     *
     * @param args {@code --network native|loopback|all} (default {@code all})
     * @throws Exception on an I/O error
     */
    public static void main(String[] args) throws Exception {
        String mode = args.length >= 2 && args[0].equals("--network") ? args[1] : "all";
        boolean pass = true;
        if (mode.equals("all") || mode.equals("native")) {
            try (Network network = Networks.open()) {
                pass &= run("native", network, System.out);
            }
        }
        if (mode.equals("all") || mode.equals("loopback")) {
            try (Network network = LoopbackNetwork.create()) {
                pass &= run("loopback", network, System.out);
            }
        }
        System.out.println("quic-style-io: " + (pass ? "PASS" : "FAIL"));
        if (!pass) {
            System.exit(1);
        }
    }

    /**
     * Sends the batch on {@code network} over 127.0.0.1 and checks what arrives.
     *
     * @param name a label for the output
     * @param network the network
     * @param out where to report
     * @return whether every datagram arrived with its bytes and (where the network reports it) its
     *     codepoint
     * @throws IOException on an I/O error
     */
    static boolean run(String name, Network network, PrintStream out) throws IOException {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (UdpConnection sender = network.openUdp(UdpFamily.UDP4, any);
             UdpConnection receiver = network.openUdp(UdpFamily.UDP4, any)) {
            boolean reportsEcn = receiver.supportedOptions().contains(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS);
            if (reportsEcn) {
                receiver.setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true);
            }
            receiver.setReadTimeout(Duration.ofSeconds(10));
            int sent = send(sender, receiver.localAddress());
            List<String> got = receive(receiver, CODEPOINTS.length - 1 + SEGMENTS);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < CODEPOINTS.length; i++) {
                int copies = i == CODEPOINTS.length - 1 ? SEGMENTS : 1;
                int size = i == CODEPOINTS.length - 1 ? SEGMENT : 100;
                for (int c = 0; c < copies; c++) {
                    expected.add(size + " bytes, message " + i + ", ECN " + (reportsEcn ? CODEPOINTS[i] : "not reported"));
                }
            }
            out.println(name + " (" + network.providerName() + "): " + sent + " messages sent, " + got.size()
                    + " datagrams received" + (reportsEcn ? "" : "; this network does not report ECN on receive"));
            got.forEach(line -> out.println("  " + line));
            return got.equals(expected);
        }
    }

    // The README's "QUIC-style I/O" section shows these two methods.

    static int send(UdpConnection sender, InetSocketAddress to) throws IOException {
        ControlMessage cm = new ControlMessage();
        Message[] batch = new Message[CODEPOINTS.length];
        for (int i = 0; i < batch.length; i++) {
            boolean segmented = i == batch.length - 1;
            ByteBuffer header = ByteBuffer.allocate(1).put(0, (byte) i);           // vectored: header + payload
            ByteBuffer payload = ByteBuffer.allocateDirect(segmented ? SEGMENTS * SEGMENT - 1 : 99);
            while (payload.hasRemaining()) {
                payload.put((byte) i);                                              // every byte says which
            }
            payload.flip();
            ByteBuffer control = ByteBuffer.allocateDirect(ControlMessage.SEND_SPACE);
            cm.reset().ecn(CODEPOINTS[i]);                                          // per-datagram ECN
            if (segmented) {
                cm.segmentSize(SEGMENT);                                            // UDP GSO: 3 datagrams
            }
            cm.marshal(control, UdpFamily.UDP4);
            batch[i] = new Message(header, payload).control(control.flip()).address(to);
        }
        return sender.writeBatch(batch, 0, batch.length, 0);                        // one sendmmsg on Linux
    }

    static List<String> receive(UdpConnection receiver, int expected) throws IOException {
        Message[] batch = new Message[8];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = new Message(ByteBuffer.allocateDirect(2048))
                    .control(ByteBuffer.allocateDirect(ControlMessage.RECEIVE_SPACE));
        }
        ControlMessage cm = new ControlMessage();
        List<String> got = new ArrayList<>();
        while (got.size() < expected) {
            int n = receiver.readBatch(batch, 0, batch.length, 0);                 // blocks for the first
            for (int i = 0; i < n; i++) {
                cm.parse(batch[i]);
                boolean reported = cm.trafficClass() != ControlMessage.UNSET;
                got.add(batch[i].length() + " bytes, message " + batch[i].buffers()[0].get(0) + ", ECN "
                        + (reported ? cm.ecn() : "not reported"));
            }
        }
        return got;
    }
}
