package dev.batchudp.bind.linux.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Pins the struct layouts of Linux x86_64/aarch64 (LP64, glibc): the hand-written constants, and
 * the same layouts as jnr-ffi computes them from the C field types.
 */
@Timeout(10)
class StructLayoutTest {

    @Test
    void sizesMatchLp64Glibc() {
        assertThat(Iovec.SIZE).isEqualTo(16);
        assertThat(Msghdr.SIZE).isEqualTo(56);
        assertThat(Mmsghdr.SIZE).isEqualTo(64);
        assertThat(Cmsghdr.SIZE).isEqualTo(16);
        assertThat(SockaddrIn.SIZE).isEqualTo(16);
        assertThat(SockaddrIn6.SIZE).isEqualTo(28);
        assertThat(Pollfd.SIZE).isEqualTo(8);
        assertThat(Cmsghdr.space(2)).isEqualTo(24);
        assertThat(LinuxConstants.GSO_CONTROL_SIZE).isEqualTo(24);
        assertThat(Cmsghdr.len(2)).isEqualTo(18);
        assertThat(Cmsghdr.space(12)).isEqualTo(32); // in_pktinfo
        assertThat(Cmsghdr.space(20)).isEqualTo(40); // in6_pktinfo
        assertThat(dev.batchudp.bind.linux.LinuxBatching.MIN_CONTROL_MESSAGE_SIZE)
                .isEqualTo(Cmsghdr.space(LinuxConstants.IN6_PKTINFO_SIZE) + Cmsghdr.space(4));
    }

    @Test
    void offsetsMatchLp64Glibc() {
        assertThat(new int[] {Iovec.IOV_BASE, Iovec.IOV_LEN}).containsExactly(0, 8);
        assertThat(new int[] {Msghdr.MSG_NAME, Msghdr.MSG_NAMELEN, Msghdr.MSG_IOV, Msghdr.MSG_IOVLEN,
            Msghdr.MSG_CONTROL, Msghdr.MSG_CONTROLLEN, Msghdr.MSG_FLAGS}).containsExactly(0, 8, 16, 24, 32, 40, 48);
        assertThat(new int[] {Mmsghdr.MSG_HDR, Mmsghdr.MSG_LEN}).containsExactly(0, 56);
        assertThat(new int[] {Cmsghdr.CMSG_LEN, Cmsghdr.CMSG_LEVEL, Cmsghdr.CMSG_TYPE, Cmsghdr.CMSG_DATA})
                .containsExactly(0, 8, 12, 16);
        assertThat(new int[] {SockaddrIn.SIN_FAMILY, SockaddrIn.SIN_PORT, SockaddrIn.SIN_ADDR, SockaddrIn.SIN_ZERO})
                .containsExactly(0, 2, 4, 8);
        assertThat(new int[] {SockaddrIn6.SIN6_FAMILY, SockaddrIn6.SIN6_PORT, SockaddrIn6.SIN6_FLOWINFO,
            SockaddrIn6.SIN6_ADDR, SockaddrIn6.SIN6_SCOPE_ID}).containsExactly(0, 2, 4, 8, 24);
        assertThat(new int[] {Pollfd.FD, Pollfd.EVENTS, Pollfd.REVENTS}).containsExactly(0, 4, 6);
        assertThat(SockaddrIn6.SLOT % 8).isZero();
        assertThat(SockaddrIn6.SLOT).isGreaterThanOrEqualTo(SockaddrIn6.SIZE);
    }

    // ---- the same structs declared with C types, laid out by jnr-ffi for this machine -----------

    static final class JIovec extends Struct {
        final Pointer iov_base = new Pointer();
        final size_t iov_len = new size_t();

        JIovec(Runtime r) {
            super(r);
        }
    }

    static final class JMsghdr extends Struct {
        final Pointer msg_name = new Pointer();
        final Unsigned32 msg_namelen = new Unsigned32();
        final Pointer msg_iov = new Pointer();
        final size_t msg_iovlen = new size_t();
        final Pointer msg_control = new Pointer();
        final size_t msg_controllen = new size_t();
        final Signed32 msg_flags = new Signed32();

        JMsghdr(Runtime r) {
            super(r);
        }
    }

    static final class JCmsghdr extends Struct {
        final size_t cmsg_len = new size_t();
        final Signed32 cmsg_level = new Signed32();
        final Signed32 cmsg_type = new Signed32();

        JCmsghdr(Runtime r) {
            super(r);
        }
    }

    static final class JSockaddrIn6 extends Struct {
        final Unsigned16 sin6_family = new Unsigned16();
        final Unsigned16 sin6_port = new Unsigned16();
        final Unsigned32 sin6_flowinfo = new Unsigned32();
        final Unsigned8[] sin6_addr = array(new Unsigned8[16]);
        final Unsigned32 sin6_scope_id = new Unsigned32();

        JSockaddrIn6(Runtime r) {
            super(r);
        }
    }

    static final class JSockaddrIn extends Struct {
        final Unsigned16 sin_family = new Unsigned16();
        final Unsigned16 sin_port = new Unsigned16();
        final Unsigned32 sin_addr = new Unsigned32();
        final Unsigned8[] sin_zero = array(new Unsigned8[8]);

        JSockaddrIn(Runtime r) {
            super(r);
        }
    }

    static final class JPollfd extends Struct {
        final Signed32 fd = new Signed32();
        final Signed16 events = new Signed16();
        final Signed16 revents = new Signed16();

        JPollfd(Runtime r) {
            super(r);
        }
    }

    /** {@code sizeof}: jnr-ffi's {@code Struct.size} leaves out the tail padding C adds. */
    private static int sizeof(Struct s) {
        int align = Struct.alignment(s);
        return (Struct.size(s) + align - 1) / align * align;
    }

    @Test
    @EnabledIfSystemProperty(named = "os.arch", matches = "amd64|x86_64|aarch64")
    void constantsAgreeWithJnrLayout() {
        Runtime r = Runtime.getSystemRuntime();
        JIovec iov = new JIovec(r);
        assertThat(sizeof(iov)).isEqualTo(Iovec.SIZE);
        assertThat(iov.iov_len.offset()).isEqualTo(Iovec.IOV_LEN);

        JMsghdr msg = new JMsghdr(r);
        assertThat(sizeof(msg)).isEqualTo(Msghdr.SIZE);
        assertThat(msg.msg_namelen.offset()).isEqualTo(Msghdr.MSG_NAMELEN);
        assertThat(msg.msg_iov.offset()).isEqualTo(Msghdr.MSG_IOV);
        assertThat(msg.msg_iovlen.offset()).isEqualTo(Msghdr.MSG_IOVLEN);
        assertThat(msg.msg_control.offset()).isEqualTo(Msghdr.MSG_CONTROL);
        assertThat(msg.msg_controllen.offset()).isEqualTo(Msghdr.MSG_CONTROLLEN);
        assertThat(msg.msg_flags.offset()).isEqualTo(Msghdr.MSG_FLAGS);

        // jnr-ffi's inner() places the next field after the unpadded inner size, so mmsghdr is
        // derived here: msg_len follows the padded msghdr, and the struct is padded to 8.
        assertThat(sizeof(msg)).isEqualTo(Mmsghdr.MSG_LEN);
        assertThat((Mmsghdr.MSG_LEN + 4 + Struct.alignment(msg) - 1) / Struct.alignment(msg) * Struct.alignment(msg))
                .isEqualTo(Mmsghdr.SIZE);

        JCmsghdr cmsg = new JCmsghdr(r);
        assertThat(sizeof(cmsg)).isEqualTo(Cmsghdr.SIZE);
        assertThat(cmsg.cmsg_level.offset()).isEqualTo(Cmsghdr.CMSG_LEVEL);
        assertThat(cmsg.cmsg_type.offset()).isEqualTo(Cmsghdr.CMSG_TYPE);

        JSockaddrIn in = new JSockaddrIn(r);
        assertThat(sizeof(in)).isEqualTo(SockaddrIn.SIZE);
        assertThat(in.sin_addr.offset()).isEqualTo(SockaddrIn.SIN_ADDR);

        JSockaddrIn6 in6 = new JSockaddrIn6(r);
        assertThat(sizeof(in6)).isEqualTo(SockaddrIn6.SIZE);
        assertThat(in6.sin6_flowinfo.offset()).isEqualTo(SockaddrIn6.SIN6_FLOWINFO);
        assertThat(in6.sin6_scope_id.offset()).isEqualTo(SockaddrIn6.SIN6_SCOPE_ID);

        JPollfd pfd = new JPollfd(r);
        assertThat(sizeof(pfd)).isEqualTo(Pollfd.SIZE);
        assertThat(pfd.revents.offset()).isEqualTo(Pollfd.REVENTS);
    }
}
