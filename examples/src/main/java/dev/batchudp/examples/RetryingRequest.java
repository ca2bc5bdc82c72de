package dev.batchudp.examples;

import dev.batchudp.network.UdpConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * A small request/response protocol over UDP, the kind whose timers make tests slow: the client sends
 * a request and waits for the response, resending after a retry interval that grows by half each time
 * (500 ms, 750 ms, then every second), and gives up after 30 s: 31 attempts. Each datagram starts with an 8-byte request
 * id; the server echoes the id and the body, and the client ignores responses to earlier requests
 * (late or duplicated ones).
 *
 * <p>Time comes from the injected {@link InstantSource} and the connection's receive timeout, so the
 * same code runs on real time in production and on a loopback network's simulated time in tests,
 * where a 30-second give-up costs microseconds (see {@code RetryingRequestTest}).
 *
 * <p>The retry budget comes from such a test: with intervals capped at 2 s (17 attempts), a sweep of
 * 1,000 seeds under 20 % bursty loss (mean burst 3 datagrams per direction) found seed 79, where seven
 * responses in a row and then eight requests in a row were lost. Bursts are counted in datagrams, so a
 * slow sender meets them across many seconds; a 1 s cap gives 31 attempts.
 */
public final class RetryingRequest {
    /** How long the client tries before giving up. */
    public static final Duration GIVE_UP_AFTER = Duration.ofSeconds(30);
    /** The first retry interval. */
    public static final Duration FIRST_RETRY = Duration.ofMillis(500);
    /** The longest retry interval. */
    public static final Duration MAX_RETRY = Duration.ofSeconds(1);

    private static final int ID_BYTES = 8;

    private RetryingRequest() {}

    /**
     * Answers every request on a connection with its id and body, until the connection closes.
     *
     * @param connection the server's connection
     * @return how many requests it answered
     * @throws IOException on an I/O error other than the connection closing
     */
    public static long serve(UdpConnection connection) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        long answered = 0;
        while (true) {
            buffer.clear();
            InetSocketAddress from;
            try {
                from = connection.receive(buffer);
            } catch (ClosedChannelException closed) {
                return answered;
            }
            buffer.flip();
            if (buffer.remaining() >= ID_BYTES) {
                connection.send(buffer, from);
                answered++;
            }
        }
    }

    /** The client side: one outstanding request at a time. Not thread-safe. */
    public static final class Client {
        private final UdpConnection connection;
        private final InetSocketAddress server;
        private final InstantSource clock;
        private final ByteBuffer buffer = ByteBuffer.allocate(2048);
        private long nextId = 1;
        private long attempts;

        /**
         * Creates a client.
         *
         * @param connection its connection
         * @param server the server's address
         * @param clock where time comes from
         */
        public Client(UdpConnection connection, InetSocketAddress server, InstantSource clock) {
            this.connection = Objects.requireNonNull(connection, "connection");
            this.server = Objects.requireNonNull(server, "server");
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        /**
         * Sends a request and returns the response's body, retrying until {@link #GIVE_UP_AFTER}.
         *
         * @param body the request body
         * @return the response body
         * @throws TimeoutException if no response came in time
         * @throws IOException on an I/O error
         */
        public byte[] request(byte[] body) throws IOException, TimeoutException {
            long id = nextId++;
            ByteBuffer request = ByteBuffer.allocate(ID_BYTES + body.length).putLong(id).put(body);
            Instant giveUp = clock.instant().plus(GIVE_UP_AFTER);
            Duration interval = FIRST_RETRY;
            while (clock.instant().isBefore(giveUp)) {
                attempts++;
                connection.send(request.clear(), server);
                Instant retryAt = min(clock.instant().plus(interval), giveUp);
                byte[] response = await(id, retryAt);
                if (response != null) {
                    return response;
                }
                interval = min(interval.multipliedBy(3).dividedBy(2), MAX_RETRY);
            }
            throw new TimeoutException("no response to request " + id + " in " + GIVE_UP_AFTER.toSeconds() + " s ("
                    + attempts + " attempts so far)");
        }

        /**
         * Returns how many datagrams this client has sent.
         *
         * @return attempts over all requests
         */
        public long attempts() {
            return attempts;
        }

        /** Waits until {@code until} for the response to {@code id}; {@code null} if none came. */
        private byte[] await(long id, Instant until) throws IOException {
            while (true) {
                Duration left = Duration.between(clock.instant(), until);
                if (left.isNegative() || left.isZero()) {
                    return null;
                }
                connection.setReadTimeout(left);
                buffer.clear();
                try {
                    connection.receive(buffer);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                buffer.flip();
                if (buffer.remaining() >= ID_BYTES && buffer.getLong() == id) {
                    return Arrays.copyOfRange(buffer.array(), ID_BYTES, buffer.limit());
                }
                // A response to an earlier request, late or duplicated: keep waiting.
            }
        }

        private static <T extends Comparable<T>> T min(T a, T b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }
}
