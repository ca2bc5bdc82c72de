package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.LinuxTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.linux.LinuxBatching;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * How the batching connection handles each errno the kernel may return, injected through the syscall
 * facade on real sockets: EINTR is retried, EAGAIN on send waits for POLLOUT, ECONNREFUSED (an ICMP
 * error from an earlier datagram) is swallowed and counted; no datagram is lost or sent twice.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(20)
class ErrnoHandlingTest {
    private static final int COUNT = 10;

    @BeforeEach
    void gate() {
        assumeLinuxBatching();
    }

    /** A LibC whose chosen calls fail once with an errno before behaving normally. */
    private static final class OneShotFailure {
        final AtomicInteger calls = new AtomicInteger();
        final ThreadLocal<Integer> fake = ThreadLocal.withInitial(() -> 0);
        final Syscalls real = Syscalls.system();

        Syscalls failing(String call, IntPredicate failOnCall, int errno) {
            LibC libc = new DelegatingLibC(real.libc()) {
                private boolean fail() {
                    if (failOnCall.test(calls.incrementAndGet())) {
                        fake.set(errno);
                        return true;
                    }
                    fake.set(0);
                    return false;
                }

                @Override
                public int sendmmsg(int fd, long vec, int vlen, int flags) {
                    return call.equals("sendmmsg") && fail() ? -1 : delegate.sendmmsg(fd, vec, vlen, flags);
                }

                @Override
                public int recvmmsg(int fd, long vec, int vlen, int flags, long timeout) {
                    return call.equals("recvmmsg") && fail() ? -1 : delegate.recvmmsg(fd, vec, vlen, flags, timeout);
                }
            };
            return new Syscalls(libc, () -> {
                int f = fake.get();
                return f != 0 ? f : real.errnoSource().getAsInt();
            });
        }
    }

    private static LinuxBatchingConn conn(Syscalls sys) throws IOException {
        LinuxUdpSocket s = LinuxUdpSocket.open(sys, NETWORK, UdpFamily.UDP4, ipv4Loopback(0), null, null);
        return (LinuxBatchingConn) LinuxBatching.tryUpgradeToBatchingConn(s, UdpFamily.UDP4, 32).orElseThrow();
    }

    private static ByteBuffer[] payloads() {
        ByteBuffer[] bufs = new ByteBuffer[COUNT];
        for (int i = 0; i < COUNT; i++) {
            bufs[i] = ByteBuffer.wrap(new byte[] {(byte) i, (byte) (i * 7)});
        }
        return bufs;
    }

    /** Reads until {@code expected} datagrams arrived, then checks nothing more is queued. */
    private static List<Integer> readAll(LinuxBatchingConn rx, int expected) throws IOException {
        Message[] msgs = new Message[32];
        for (int i = 0; i < msgs.length; i++) {
            msgs[i] = new Message(ByteBuffer.allocateDirect(64));
        }
        List<Integer> got = new ArrayList<>();
        rx.connection().setReadTimeout(Duration.ofSeconds(5));
        while (got.size() < expected) {
            int n = rx.connection().readBatch(msgs, 0, msgs.length, 0);
            for (int i = 0; i < n; i++) {
                got.add((int) msgs[i].buffers()[0].get(0));
            }
        }
        rx.connection().setReadTimeout(Duration.ofMillis(200));
        try {
            rx.connection().readBatch(msgs, 0, msgs.length, 0);
            throw new AssertionError("a datagram was delivered twice");
        } catch (java.net.SocketTimeoutException expectedTimeout) {
            return got;
        }
    }

    private static List<Integer> zeroToCount() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            all.add(i);
        }
        return all;
    }

    @Test
    void econnrefusedOnSendIsSwallowedCountedAndTheBatchStillArrivesOnce() throws IOException {
        OneShotFailure f = new OneShotFailure();
        try (LinuxBatchingConn rx = conn(Syscalls.system());
                LinuxBatchingConn tx = conn(f.failing("sendmmsg", call -> call == 1, LinuxConstants.ECONNREFUSED))) {
            tx.writeBatch(payloads(), 0, COUNT, rx.connection().localAddress());
            assertThat(tx.portUnreachableCount()).isEqualTo(1);
            assertThat(readAll(rx, COUNT)).containsExactlyElementsOf(zeroToCount());
        }
    }

    @Test
    void eagainOnSendWaitsForRoomAndLosesNothing() throws IOException {
        OneShotFailure f = new OneShotFailure();
        try (LinuxBatchingConn rx = conn(Syscalls.system());
                LinuxBatchingConn tx = conn(f.failing("sendmmsg", call -> call <= 2, LinuxConstants.EAGAIN))) {
            tx.writeBatch(payloads(), 0, COUNT, rx.connection().localAddress());
            assertThat(f.calls.get()).isGreaterThanOrEqualTo(3);
            assertThat(readAll(rx, COUNT)).containsExactlyElementsOf(zeroToCount());
        }
    }

    @Test
    void eintrOnReceiveIsRetried() throws IOException {
        OneShotFailure f = new OneShotFailure();
        try (LinuxBatchingConn rx = conn(f.failing("recvmmsg", call -> call == 1, LinuxConstants.EINTR));
                LinuxBatchingConn tx = conn(Syscalls.system())) {
            tx.writeBatch(payloads(), 0, COUNT, rx.connection().localAddress());
            assertThat(readAll(rx, COUNT)).containsExactlyElementsOf(zeroToCount());
            assertThat(f.calls.get()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void econnrefusedOnReceiveIsSwallowedAndCounted() throws IOException {
        OneShotFailure f = new OneShotFailure();
        try (LinuxBatchingConn rx = conn(f.failing("recvmmsg", call -> call == 1, LinuxConstants.ECONNREFUSED));
                LinuxBatchingConn tx = conn(Syscalls.system())) {
            tx.writeBatch(payloads(), 0, COUNT, rx.connection().localAddress());
            assertThat(readAll(rx, COUNT)).containsExactlyElementsOf(zeroToCount());
            assertThat(rx.portUnreachableCount()).isEqualTo(1);
        }
    }
}
