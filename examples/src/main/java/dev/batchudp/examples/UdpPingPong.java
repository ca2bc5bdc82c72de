package dev.batchudp.examples;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.Network;
import dev.batchudp.network.Networks;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.loopback.LoopbackNetwork;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * UDP ping-pong between pairs of {@link StdNetBind}s, the port of batchudp's
 * {@code examples/udp_pingpong}: each session has a server that echoes every datagram and a client
 * that sends numbered payloads and checks each echo byte for byte. Runs on the host's network
 * ({@code native}), the in-memory network ({@code loopback}) or both ({@code all}) and prints one
 * summary line per scenario.
 *
 * <pre>
 * usage: UdpPingPong [--network native|loopback|all] [--sessions N] [--round-trips N]
 *                    [--payload-size BYTES] [--timeout SECONDS]
 * </pre>
 */
public final class UdpPingPong {

    /**
     * What to run.
     *
     * @param mode {@code native}, {@code loopback} or {@code all}
     * @param sessions concurrent client/server pairs
     * @param roundTrips round trips per session
     * @param payloadSize bytes per datagram, 16 to 65,507
     * @param timeout deadline for each scenario
     */
    public record Config(String mode, int sessions, int roundTrips, int payloadSize, Duration timeout) {
        /**
         * Returns the command line's defaults.
         *
         * <p>Four sessions, not the sixteen of batchudp's {@code examples/udp_pingpong}: every receive function holds a full batch of
         * payload-sized direct buffers (128 x 60 KiB = 7.5 MiB), four functions per session, so four
         * sessions keep the whole run within 256 MiB of heap and direct memory.
         *
         * @return all scenarios, 4 sessions, 128 round trips, 61,440-byte payloads, 45 s
         */
        public static Config defaults() {
            return new Config("all", 4, 128, 61_440, Duration.ofSeconds(45));
        }

        void validate() {
            if (sessions <= 0) {
                throw new IllegalArgumentException("sessions must be positive");
            }
            if (roundTrips <= 0) {
                throw new IllegalArgumentException("round-trips must be positive");
            }
            if (payloadSize < 16) {
                throw new IllegalArgumentException("payload-size must be at least 16 bytes");
            }
            if (payloadSize > UdpFamily.MAX_IPV4_PAYLOAD) {
                throw new IllegalArgumentException("payload-size must be at most "
                        + UdpFamily.MAX_IPV4_PAYLOAD + " bytes (the largest IPv4 UDP payload)");
            }
            if (!List.of("all", "native", "loopback").contains(mode)) {
                throw new IllegalArgumentException("unknown mode \"" + mode + "\": expected native, loopback or all");
            }
        }
    }

    /**
     * The outcome of one scenario.
     *
     * @param scenario {@code native} or {@code loopback}
     * @param network the provider name of the network used
     * @param batchSize the binds' batch size
     * @param sessions sessions run
     * @param roundTrips round trips per session
     * @param payloadSize bytes per datagram
     * @param duration wall time of the scenario
     */
    public record Result(String scenario, String network, int batchSize, int sessions, int roundTrips,
            int payloadSize, Duration duration) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "scenario=%s network=%s batch=%d sessions=%d round_trips=%d payload=%dB duration=%dms",
                    scenario, network, batchSize, sessions, roundTrips, payloadSize, duration.toMillis());
        }
    }

    private UdpPingPong() {}

    /**
     * Runs the scenarios the configuration selects.
     *
     * @param config what to run
     * @return one result per scenario, in order
     * @throws Exception if a scenario fails: a mismatch, a timeout or an I/O error
     */
    public static List<Result> run(Config config) throws Exception {
        config.validate();
        List<Result> results = new ArrayList<>();
        if (config.mode().equals("all") || config.mode().equals("native")) {
            try (Network network = Networks.open()) {
                results.add(runScenario("native", network, config));
            }
        }
        if (config.mode().equals("all") || config.mode().equals("loopback")) {
            try (Network network = LoopbackNetwork.create()) {
                results.add(runScenario("loopback", network, config));
            }
        }
        return results;
    }

    private static Result runScenario(String name, Network network, Config config) throws Exception {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "pingpong-" + name);
            t.setDaemon(true);
            return t;
        });
        int batchSize = 1;
        try {
            List<Future<Integer>> sessions = new ArrayList<>();
            for (int s = 0; s < config.sessions(); s++) {
                int id = s;
                sessions.add(pool.submit(() -> session(name, network, config, id, pool)));
            }
            long deadline = start + config.timeout().toNanos();
            for (Future<Integer> f : sessions) {
                try {
                    batchSize = f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    throw new IOException("scenario " + name + " timed out after " + config.timeout(), e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(name, network.providerName(), batchSize, config.sessions(), config.roundTrips(),
                config.payloadSize(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** One client/server pair; returns the bind's batch size. */
    private static int session(String scenario, Network network, Config config, int sessionId,
            ExecutorService pool) throws Exception {
        StdNetBind server = StdNetBind.create(network);
        StdNetBind client = StdNetBind.create(network);
        List<Future<?>> loops = new ArrayList<>();
        try {
            Bind.Opened serverOpened = server.open(0);
            Bind.Opened clientOpened = client.open(0);
            for (ReceiveFunc f : serverOpened.receiveFuncs()) {
                loops.add(pool.submit(() -> receiveLoop(f, server, config.payloadSize(), (buf, size, ep) -> {
                    ByteBuffer copy = ByteBuffer.allocate(size);
                    copy.put(buf.duplicate().limit(buf.position() + size)).flip();
                    server.send(new ByteBuffer[] {copy}, ep);
                })));
            }
            BlockingQueue<byte[]> echoes = new ArrayBlockingQueue<>(1);
            for (ReceiveFunc f : clientOpened.receiveFuncs()) {
                loops.add(pool.submit(() -> receiveLoop(f, client, config.payloadSize(), (buf, size, ep) -> {
                    byte[] copy = new byte[size];
                    buf.duplicate().get(copy);
                    echoes.put(copy);
                })));
            }
            Endpoint serverEp = client.parseEndpoint("127.0.0.1:" + serverOpened.port());
            for (int rt = 0; rt < config.roundTrips(); rt++) {
                byte[] payload = payload(sessionId, rt, config.payloadSize());
                client.send(new ByteBuffer[] {ByteBuffer.wrap(payload)}, serverEp);
                byte[] echo = echoes.poll(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
                if (echo == null) {
                    throw new IOException("no echo in mode=" + scenario + " session=" + sessionId
                            + " round_trip=" + rt);
                }
                if (!Arrays.equals(echo, payload)) {
                    throw new IOException("payload mismatch in mode=" + scenario + " session=" + sessionId
                            + " round_trip=" + rt);
                }
            }
            return client.batchSize();
        } finally {
            client.close();
            server.close();
            for (Future<?> loop : loops) {
                loop.get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The payload of batchudp's {@code examples/udp_pingpong}: 8-byte LE session id, 8-byte LE round trip, then a pattern. */
    static byte[] payload(int sessionId, int roundTrip, int size) {
        byte[] payload = new byte[size];
        ByteBuffer header = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(sessionId).putLong(roundTrip);
        for (int i = 16; i < size; i++) {
            payload[i] = (byte) (sessionId * 31 + roundTrip * 17 + i);
        }
        return payload;
    }

    @FunctionalInterface
    private interface PacketHandler {
        void handle(ByteBuffer packet, int size, Endpoint from) throws Exception;
    }

    /** Receives until the bind closes; skips empty slots. */
    private static Void receiveLoop(ReceiveFunc f, Bind bind, int bufferSize, PacketHandler handler)
            throws Exception {
        int batch = bind.batchSize();
        ByteBuffer[] packets = new ByteBuffer[batch];
        for (int i = 0; i < batch; i++) {
            packets[i] = ByteBuffer.allocateDirect(bufferSize);
        }
        int[] sizes = new int[batch];
        Endpoint[] eps = new Endpoint[batch];
        while (true) {
            Arrays.fill(sizes, 0);
            Arrays.fill(eps, null);
            int n;
            try {
                n = f.receive(packets, sizes, eps);
            } catch (ClosedChannelException closed) {
                return null;
            }
            for (int i = 0; i < n; i++) {
                if (eps[i] == null || sizes[i] == 0) {
                    continue;
                }
                if (ReceiveFunc.isTruncated(packets[i], sizes[i])) {
                    throw new IOException("datagram of " + sizes[i] + " bytes truncated to " + bufferSize);
                }
                try {
                    handler.handle(packets[i], sizes[i], eps[i]);
                } catch (ClosedChannelException closed) {
                    return null;
                }
            }
        }
    }

    /**
     * Runs from the command line; exits with status 1 on failure and 2 on bad arguments.
     *
     * @param args see the class documentation
     */
    public static void main(String[] args) {
        Config config;
        try {
            config = parse(args);
            config.validate();
        } catch (IllegalArgumentException e) {
            System.err.println("udp-pingpong: " + e.getMessage());
            System.err.println("usage: UdpPingPong [--network native|loopback|all] [--sessions N]"
                    + " [--round-trips N] [--payload-size BYTES] [--timeout SECONDS]");
            System.exit(2);
            return;
        }
        try {
            List<Result> results = run(config);
            for (Result r : results) {
                System.out.println(r);
            }
            System.out.println(verdict(config, results));
        } catch (Exception e) {
            System.out.println("udp-pingpong: FAIL: " + e);
            System.exit(1);
        }
    }

    /**
     * The closing line: what passed, and whether the host's network used the Linux fast path.
     *
     * @param config what ran
     * @param results what came out
     * @return one line starting with {@code udp-pingpong: PASS:}
     */
    static String verdict(Config config, List<Result> results) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "udp-pingpong: PASS: %d scenario(s), %d session(s) x %d round trips of %d bytes each, every echo"
                        + " identical",
                results.size(), config.sessions(), config.roundTrips(), config.payloadSize()));
        for (Result r : results) {
            if (r.scenario().equals("native")) {
                line.append(r.batchSize() > 1
                        ? "; native network batches " + r.batchSize() + " datagrams per system call (Linux fast path on)"
                        : "; native network without batching (portable JDK path; a WARNING above says why"
                                + " where the Linux fast path was expected)");
            }
        }
        return line.toString();
    }

    static Config parse(String[] args) {
        Config d = Config.defaults();
        String mode = d.mode();
        int sessions = d.sessions();
        int roundTrips = d.roundTrips();
        int payload = d.payloadSize();
        Duration timeout = d.timeout();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + flag);
            }
            String value = args[++i];
            switch (flag) {
                case "--network":
                case "--mode":
                    mode = value;
                    break;
                case "--sessions":
                    sessions = parseInt(flag, value);
                    break;
                case "--round-trips":
                    roundTrips = parseInt(flag, value);
                    break;
                case "--payload-size":
                    payload = parseInt(flag, value);
                    break;
                case "--timeout":
                    timeout = Duration.ofSeconds(parseInt(flag, value));
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        return new Config(mode, sessions, roundTrips, payload, timeout);
    }

    private static int parseInt(String flag, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number, got \"" + value + "\"", e);
        }
    }
}
