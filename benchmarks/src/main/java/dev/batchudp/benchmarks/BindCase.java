package dev.batchudp.benchmarks;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.StdNetBindOptions;
import dev.batchudp.network.Network;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * {@code StdNetBind} on the system network: on the {@code linux} backend (bind-linux; with or
 * without GSO and GRO, receiving with {@code receive} or {@code receiveBorrowed}) or on the portable
 * {@code jdk} backend.
 */
final class BindCase extends HarnessCase {
    /** {@code LinuxBatching.GSO_DISABLED_PROPERTY}. */
    static final String GSO_DISABLED = "dev.batchudp.bind.linux.gso.disabled";
    /** {@code LinuxBatching.GRO_DISABLED_PROPERTY}. */
    static final String GRO_DISABLED = "dev.batchudp.bind.linux.gro.disabled";

    private final String name;
    private final String backend;
    private final boolean offloadDisabled;
    private final boolean borrowed;
    private final int batchSize;
    private final int receiveBufferSize;
    private Network network;
    private StdNetBind receiver;
    private StdNetBind sender;
    private ReceiveFunc func;
    private Endpoint target;
    private ByteBuffer[] bufs;

    BindCase(String name, String backend, boolean offloadDisabled, boolean borrowed, HarnessSettings settings) {
        this.name = name;
        this.backend = backend;
        this.offloadDisabled = offloadDisabled;
        this.borrowed = borrowed;
        this.batchSize = settings.bindBatchSize();
        this.receiveBufferSize = settings.receiveBufferSize();
    }

    @Override
    String name() {
        return name;
    }

    @Override
    String cReference() {
        return backend.equals("linux") && !offloadDisabled ? "c-gso" : "c-mmsg";
    }

    @Override
    String description() {
        if (backend.equals("jdk")) {
            return "StdNetBind on the portable jdk backend: batch size 1, DatagramChannel underneath";
        }
        String receive = borrowed ? "receiveBorrowed (lent buffers)" : "receive (copies into the caller's buffers)";
        return offloadDisabled
                ? "StdNetBind, bind-linux without GSO/GRO: send of 128 -> one sendmmsg; " + receive + " -> recvmmsg"
                : "StdNetBind, bind-linux with GSO (UDP_SEGMENT) and GRO (UDP_GRO); " + receive;
    }

    @Override
    void open(InetAddress loopback, int size) throws IOException {
        network = SystemNetwork.open(backend);
        StdNetBindOptions options = StdNetBindOptions.builder().batchSize(batchSize).build();
        receiver = StdNetBind.create(network, options);
        sender = StdNetBind.create(network, options);
        Bind.Opened opened;
        if (offloadDisabled) {
            // Read when the sockets are upgraded, so set only around this case's open.
            System.setProperty(GSO_DISABLED, "true");
            System.setProperty(GRO_DISABLED, "true");
        }
        try {
            opened = receiver.open(0);
            sender.open(0);
        } finally {
            System.clearProperty(GSO_DISABLED);
            System.clearProperty(GRO_DISABLED);
        }
        boolean v6 = loopback.getAddress().length == 16;
        for (ReceiveFunc f : opened.receiveFuncs()) {
            if (f.name().equals(v6 ? "v6" : "v4") || f.name().equals("v4v6")) {
                func = f;
            }
        }
        target = sender.parseEndpoint((v6 ? "[::1]" : "127.0.0.1") + ":" + opened.port());
        bufs = new ByteBuffer[sender.batchSize()];
        // One contiguous block sliced per datagram, as an application's packet arena would be
        // (and as udplimit sends from one buffer).
        ByteBuffer block = ByteBuffer.allocateDirect(size * bufs.length);
        for (int i = 0; i < bufs.length; i++) {
            bufs[i] = block.slice(i * size, size);
            bufs[i].put(0, (byte) i);
        }
    }

    @Override
    void receiveLoop() throws IOException {
        int batch = receiver.batchSize();
        ByteBuffer[] packets = new ByteBuffer[batch];
        for (int i = 0; i < batch; i++) {
            packets[i] = ByteBuffer.allocateDirect(receiveBufferSize);
        }
        int[] sizes = new int[batch];
        Endpoint[] eps = new Endpoint[batch];
        try {
            while (true) {
                int n = borrowed ? func.receiveBorrowed(packets, sizes, eps) : func.receive(packets, sizes, eps);
                received.addAndGet(n);
            }
        } catch (ClosedChannelException done) {
            // Closed after the drain period.
        }
    }

    @Override
    int sendBatch() throws IOException {
        sender.send(bufs, target);
        return bufs.length;
    }

    @Override
    void close() throws IOException {
        receiver.close();
        sender.close();
        network.close();
    }
}
