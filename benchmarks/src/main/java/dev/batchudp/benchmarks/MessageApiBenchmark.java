package dev.batchudp.benchmarks;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.Ecn;
import dev.batchudp.network.Message;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost per datagram of the message API ({@link UdpConnection#writeBatch}/{@link UdpConnection#readBatch})
 * against {@link StdNetBind#send}/{@link ReceiveFunc#receive}, the same 128 datagrams of 1,200 bytes
 * over 127.0.0.1 on one thread, on the Linux backend with UDP GSO/GRO off for both (one
 * {@code sendmmsg} and one or more {@code recvmmsg} per batch either way), so that the difference is
 * the Java work of each API. {@code api=messages-ecn} adds a traffic-class record to every send and
 * reads every datagram's record back ({@code RECEIVE_TRAFFIC_CLASS}). Run with {@code -prof gc} for
 * bytes allocated per datagram:
 *
 * <pre>java -Ddev.batchudp.bind.linux.gso.disabled=true -Ddev.batchudp.bind.linux.gro.disabled=true \
 *     -jar benchmarks/target/benchmarks.jar MessageApiBenchmark -prof gc</pre>
 *
 * (the fork inherits those properties through {@link Fork#jvmArgsAppend}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Ddev.batchudp.bind.linux.gso.disabled=true",
        "-Ddev.batchudp.bind.linux.gro.disabled=true"})
public class MessageApiBenchmark {
    static final int DATAGRAMS = 128;

    /** {@code bind}: StdNetBind; {@code messages}: the message API; {@code messages-ecn}: with ECN records. */
    @Param({"bind", "messages", "messages-ecn"})
    public String api;

    /** Payload size. */
    @Param({"1200"})
    public int size;

    private Network network;
    // bind
    private StdNetBind sender;
    private StdNetBind receiver;
    private ReceiveFunc func;
    private Endpoint target;
    private ByteBuffer[] out;
    private ByteBuffer[] packets;
    private int[] sizes;
    private Endpoint[] eps;
    // messages
    private UdpConnection from;
    private UdpConnection to;
    private Message[] sends;
    private Message[] reads;
    private final ControlMessage parsed = new ControlMessage();

    /** Opens the sockets. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        network = SystemNetwork.open("linux");
        if (api.equals("bind")) {
            setUpBind();
        } else {
            setUpMessages(api.equals("messages-ecn"));
        }
    }

    private void setUpBind() throws IOException {
        sender = StdNetBind.create(network);
        receiver = StdNetBind.create(network);
        Bind.Opened opened = receiver.open(0);
        sender.open(0);
        for (ReceiveFunc f : opened.receiveFuncs()) {
            if (f.name().startsWith("v4")) {
                func = f;
            }
        }
        target = sender.parseEndpoint("127.0.0.1:" + opened.port());
        out = new ByteBuffer[DATAGRAMS];
        for (int i = 0; i < out.length; i++) {
            out[i] = ByteBuffer.allocateDirect(size);
        }
        packets = new ByteBuffer[DATAGRAMS];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = ByteBuffer.allocateDirect(2048);
        }
        sizes = new int[DATAGRAMS];
        eps = new Endpoint[DATAGRAMS];
    }

    private void setUpMessages(boolean ecn) throws IOException {
        InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        from = network.openUdp(UdpFamily.UDP4, local);
        to = network.openUdp(UdpFamily.UDP4, local);
        to.setOption(java.net.StandardSocketOptions.SO_RCVBUF, StdNetBind.SOCKET_BUFFER_SIZE);
        if (ecn) {
            to.setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true);
        }
        sends = new Message[DATAGRAMS];
        reads = new Message[DATAGRAMS];
        ControlMessage cm = new ControlMessage().ecn(Ecn.ECT0);
        for (int i = 0; i < DATAGRAMS; i++) {
            sends[i] = new Message(ByteBuffer.allocateDirect(size)).address(to.localAddress());
            reads[i] = new Message(ByteBuffer.allocateDirect(2048));
            if (ecn) {
                ByteBuffer control = ByteBuffer.allocateDirect(ControlMessage.SEND_SPACE);
                cm.marshal(control, UdpFamily.UDP4);
                sends[i].control(control.flip());
                reads[i].control(ByteBuffer.allocateDirect(ControlMessage.RECEIVE_SPACE));
            }
        }
    }

    /** Closes everything. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (sender != null) {
            sender.close();
            receiver.close();
        }
        if (from != null) {
            from.close();
            to.close();
        }
        network.close();
    }

    /**
     * Sends 128 datagrams and receives them.
     *
     * @return datagrams received (and, with ECN, the codepoints read), so the work is not dead code
     * @throws IOException on failure
     */
    @Benchmark
    @OperationsPerInvocation(DATAGRAMS)
    public int sendAndReceiveBatch() throws IOException {
        int received = 0;
        if (sender != null) {
            sender.send(out, 0, DATAGRAMS, target);
            while (received < DATAGRAMS) {
                received += func.receive(packets, sizes, eps);
            }
            return received;
        }
        for (int sent = 0; sent < DATAGRAMS;) {
            sent += from.writeBatch(sends, sent, DATAGRAMS - sent, 0);
        }
        int codepoints = 0;
        while (received < DATAGRAMS) {
            int n = to.readBatch(reads, 0, DATAGRAMS - received, 0);
            if (reads[0].control() != null) {
                for (int i = 0; i < n; i++) {
                    codepoints += parsed.parse(reads[i]).ecn().codepoint();
                }
            }
            received += n;
        }
        return received + codepoints;
    }
}
