package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.SOL_UDP;
import static dev.batchudp.bind.linux.internal.LinuxConstants.UDP_GRO;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The receive side of {@link StickySourceCodec}: the decoded source reuses the last address object
 * only while the record's address repeats, whichever record comes first.
 */
class StickySourceCodecTest {
    private static final byte[] A4 = {127, 0, 0, 1};
    private static final byte[] B4 = {127, 0, 0, 2};
    private static final byte[] A6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    private static final byte[] B6 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private static ByteBuffer record(byte[] address, int ifIndex, boolean v6) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        Pktinfo.put(b, 0, 64, address, ifIndex, v6);
        return b;
    }

    @Test
    void reusesTheAddressWhileItRepeatsAndDecodesAChange() throws Exception {
        StickySourceCodec codec = new StickySourceCodec(false);
        InetAddress first = codec.decode(record(A4, 3, false), 0, 32);
        assertThat(first).isEqualTo(InetAddress.getByAddress(A4));
        assertThat(codec.receivedIfIndex()).isEqualTo(3);
        assertThat(codec.decode(record(A4, 4, false), 0, 32)).isSameAs(first);
        assertThat(codec.receivedIfIndex()).isEqualTo(4);
        assertThat(codec.decode(record(B4, 4, false), 0, 32)).isEqualTo(InetAddress.getByAddress(B4));
        assertThat(codec.decode(record(A4, 4, false), 0, 32)).isEqualTo(first);
    }

    @Test
    void ipv6RecordsCompareAllSixteenBytes() throws Exception {
        StickySourceCodec codec = new StickySourceCodec(true);
        byte[] lastByteOnly = A6.clone();
        lastByteOnly[15] = 2;
        byte[] firstByteOnly = A6.clone();
        firstByteOnly[0] = 0x20;
        InetAddress a = codec.decode(record(A6, 1, true), 0, 40);
        assertThat(a).isEqualTo(InetAddress.getByAddress(A6));
        assertThat(codec.decode(record(A6, 1, true), 0, 40)).isSameAs(a);
        assertThat(codec.decode(record(lastByteOnly, 1, true), 0, 40)).isEqualTo(InetAddress.getByAddress(lastByteOnly));
        assertThat(codec.decode(record(firstByteOnly, 1, true), 0, 40))
                .isEqualTo(InetAddress.getByAddress(firstByteOnly));
        assertThat(codec.decode(record(B6, 9, true), 0, 40)).isEqualTo(InetAddress.getByAddress(B6));
        assertThat(codec.receivedIfIndex()).isEqualTo(9);
        // An IPv4 record whose address word equals the low word of the last IPv6 one is still IPv4.
        assertThat(codec.decode(record(A4, 2, false), 0, 32)).isEqualTo(InetAddress.getByAddress(A4));
    }

    @Test
    void findsTheRecordBehindAGroRecordAndNoneInGarbage() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        b.putLong(0, Cmsghdr.len(4)).putInt(8, SOL_UDP).putInt(12, UDP_GRO).putInt(16, 1200);
        Pktinfo.put(b, 24, 40, A4, 6, false);
        StickySourceCodec codec = new StickySourceCodec(false);
        assertThat(codec.decode(b, 0, 56)).isEqualTo(InetAddress.getByAddress(A4));
        assertThat(codec.receivedIfIndex()).isEqualTo(6);
        ByteBuffer garbage = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        garbage.putLong(0, 1_000);
        assertThat(codec.decode(garbage, 0, 64)).isNull();
        assertThat(codec.receivedIfIndex()).isZero();
    }
}
