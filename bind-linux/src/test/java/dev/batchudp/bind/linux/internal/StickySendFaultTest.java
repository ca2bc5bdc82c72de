package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.LinuxTestSupport.NETWORK;
import static dev.batchudp.bind.linux.LinuxTestSupport.assumeLinuxBatching;
import static dev.batchudp.bind.linux.LinuxTestSupport.ipv4Loopback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.bind.linux.LinuxBatching;
import dev.batchudp.bind.linux.NativeIoException;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Fault injection for sticky sends and marks. A segmented entry refused with {@code EINVAL} is
 * resent unsegmented <em>with</em> its source first: if that goes through, GSO was at fault (it is
 * turned off and the source kept); if the source is refused again ({@code EINVAL} is also how IPv6
 * reports a vanished address), the source is dropped and GSO stays on. {@code SO_MARK} without the
 * privilege names {@code CAP_NET_ADMIN}.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(20)
class StickySendFaultTest {
    private static final int EINVAL = LinuxConstants.EINVAL;

    @BeforeEach
    void gate() {
        assumeLinuxBatching();
    }

    /** Syscalls whose sendmmsg fails with EINVAL while an entry carries IP_PKTINFO, {@code times} times. */
    private static Syscalls refusingPktinfo(AtomicInteger refusals, int times, boolean alsoWithoutSource) {
        Syscalls real = Syscalls.system();
        ThreadLocal<Integer> fake = ThreadLocal.withInitial(() -> 0);
        LibC libc = new DelegatingLibC(real.libc()) {
            @Override
            public int sendmmsg(int fd, long vec, int vlen, int flags) {
                ByteBuffer hdr = read(vec, Msghdr.SIZE);
                long control = hdr.getLong(Msghdr.MSG_CONTROL);
                long controlLength = hdr.getLong(Msghdr.MSG_CONTROLLEN);
                boolean pktinfo = false;
                if (control != 0 && controlLength >= Cmsghdr.SIZE) {
                    ByteBuffer c = read(control, (int) Math.min(controlLength, 128));
                    pktinfo = Pktinfo.find(c, 0, c.capacity()) >= 0;
                }
                if ((pktinfo || alsoWithoutSource) && refusals.get() < times) {
                    refusals.incrementAndGet();
                    fake.set(EINVAL);
                    return -1;
                }
                fake.set(0);
                return delegate.sendmmsg(fd, vec, vlen, flags);
            }
        };
        return new Syscalls(libc, () -> {
            int f = fake.get();
            return f != 0 ? f : real.errnoSource().getAsInt();
        });
    }

    /** Syscalls whose sendmmsg fails with EINVAL whenever its first entry carries UDP_SEGMENT (as with SO_NO_CHECK). */
    private static Syscalls refusingSegmented(AtomicInteger refusals) {
        Syscalls real = Syscalls.system();
        ThreadLocal<Integer> fake = ThreadLocal.withInitial(() -> 0);
        LibC libc = new DelegatingLibC(real.libc()) {
            @Override
            public int sendmmsg(int fd, long vec, int vlen, int flags) {
                ByteBuffer hdr = read(vec, Msghdr.SIZE);
                long control = hdr.getLong(Msghdr.MSG_CONTROL);
                long controlLength = hdr.getLong(Msghdr.MSG_CONTROLLEN);
                if (control != 0 && controlLength >= Cmsghdr.SIZE) {
                    ByteBuffer c = read(control, (int) Math.min(controlLength, 128));
                    if (UdpCmsgs.find(c, 0, c.capacity(), LinuxConstants.SOL_UDP, LinuxConstants.UDP_SEGMENT,
                            LinuxConstants.SOL_UDP, LinuxConstants.UDP_SEGMENT, 2) >= 0) {
                        refusals.incrementAndGet();
                        fake.set(EINVAL);
                        return -1;
                    }
                }
                fake.set(0);
                return delegate.sendmmsg(fd, vec, vlen, flags);
            }
        };
        return new Syscalls(libc, () -> {
            int f = fake.get();
            return f != 0 ? f : real.errnoSource().getAsInt();
        });
    }

    /** Copies native memory (the first mmsghdr, its control data) for inspection. */
    private static ByteBuffer read(long address, int length) {
        byte[] bytes = new byte[length];
        jnr.ffi.Pointer.wrap(jnr.ffi.Runtime.getSystemRuntime(), address).get(0, bytes, 0, length);
        return ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder());
    }

    private static ByteBuffer[] payloads(int n) {
        ByteBuffer[] bufs = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            bufs[i] = ByteBuffer.allocateDirect(1000).put(0, (byte) i);
        }
        return bufs;
    }

    private static void receiveAll(DatagramChannel peer, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            ByteBuffer b = ByteBuffer.allocate(2048);
            InetSocketAddress from = (InetSocketAddress) peer.receive(b);
            assertThat(b.get(0)).as("datagram %d, no loss, no duplicate", i).isEqualTo((byte) i);
            assertThat(from.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
        }
    }

    @Test
    void refusedSourceIsDroppedAndGsoStaysOn() throws IOException {
        AtomicInteger refusals = new AtomicInteger();
        // Every entry carrying the source is refused, segmented or not: the source is at fault.
        LinuxUdpSocket s = LinuxUdpSocket.open(refusingPktinfo(refusals, Integer.MAX_VALUE, false), NETWORK,
                UdpFamily.UDP4, ipv4Loopback(0), null, null);
        try (LinuxBatchingConn conn = new LinuxBatchingConn(s, 32);
                DatagramChannel peer = DatagramChannel.open().bind(ipv4Loopback(0))) {
            boolean gso = conn.txOffload();
            boolean kept = conn.writeBatch(payloads(10), 0, 10, (InetSocketAddress) peer.getLocalAddress(),
                    InetAddress.getByName("127.0.0.2"), 1);
            assertThat(kept).isFalse();
            receiveAll(peer, 10);
            // With GSO: the segmented entry, then the unsegmented resend with the source; without: once.
            assertThat(refusals).hasValue(gso ? 2 : 1);
            assertThat(conn.stickySourceDropCount()).isEqualTo(1);
            assertThat(conn.txOffload()).as("a refused source never turns GSO off").isEqualTo(gso);
            assertThat(conn.gsoDisabledCount()).isZero();
        }
    }

    @Test
    void gsoFailureWithASourceKeepsTheSource() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(LinuxBatching.supportsGso(), "no GSO");
        AtomicInteger refusals = new AtomicInteger();
        // The kernel refuses segmentation (as with SO_NO_CHECK), not the source.
        LinuxUdpSocket s = LinuxUdpSocket.open(refusingSegmented(refusals), NETWORK, UdpFamily.UDP4,
                ipv4Loopback(0), null, null);
        try (LinuxBatchingConn conn = new LinuxBatchingConn(s, 32, true, false);
                DatagramChannel peer = DatagramChannel.open().bind(ipv4Loopback(0))) {
            InetSocketAddress to = (InetSocketAddress) peer.getLocalAddress();
            InetAddress source = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
            for (int round = 0; round < 3; round++) {
                boolean kept = conn.writeBatch(payloads(10), 0, 10, to, source, 1);
                assertThat(kept).as("round %d: the source survives the GSO failure", round).isTrue();
                for (int i = 0; i < 10; i++) {
                    ByteBuffer b = ByteBuffer.allocate(2048);
                    InetSocketAddress from = (InetSocketAddress) peer.receive(b);
                    assertThat(b.get(0)).as("round %d datagram %d", round, i).isEqualTo((byte) i);
                    assertThat(from.getAddress()).as("round %d datagram %d left from the source", round, i)
                            .isEqualTo(source);
                }
            }
            assertThat(refusals).as("only the first segmented send is refused; GSO is off after it").hasValue(1);
            assertThat(conn.stickySourceDropCount()).isZero();
            assertThat(conn.txOffload()).isFalse();
            assertThat(conn.gsoDisabledCount()).isEqualTo(1);
            assertThat(conn.gsoFallbackCount()).isEqualTo(1);
        }
    }

    @Test
    void markWithoutPrivilegeNamesTheCapability() throws IOException {
        Syscalls real = Syscalls.system();
        ThreadLocal<Integer> fake = ThreadLocal.withInitial(() -> 0);
        LibC libc = new DelegatingLibC(real.libc()) {
            @Override
            public int setsockopt(int fd, int level, int name, long val, int len) {
                if (level == LinuxConstants.SOL_SOCKET && name == LinuxConstants.SO_MARK) {
                    fake.set(LinuxConstants.EPERM);
                    return -1;
                }
                fake.set(0);
                return delegate.setsockopt(fd, level, name, val, len);
            }
        };
        Syscalls sys = new Syscalls(libc, () -> {
            int f = fake.get();
            return f != 0 ? f : real.errnoSource().getAsInt();
        });
        try (LinuxUdpSocket s = LinuxUdpSocket.open(sys, NETWORK, UdpFamily.UDP4, ipv4Loopback(0), null, null)) {
            assertThatThrownBy(() -> s.setMark(7)).isInstanceOf(NativeIoException.class)
                    .hasMessageContaining("CAP_NET_ADMIN").hasMessageContaining("EPERM")
                    .satisfies(e -> assertThat(((NativeIoException) e).errno()).isEqualTo(LinuxConstants.EPERM));
        }
    }
}
