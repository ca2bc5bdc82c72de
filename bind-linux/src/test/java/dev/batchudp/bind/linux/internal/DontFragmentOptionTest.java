package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.LinuxTestSupport.assumeIpv6;
import static dev.batchudp.bind.linux.LinuxTestSupport.assumeLinuxBatching;
import static dev.batchudp.bind.linux.LinuxTestSupport.open;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link UdpSocketOptions#IP_DONTFRAG} sets what ip(7) and ipv6(7) say, and turning it off gives the
 * socket back the settings it had before (here one the test chose, not the kernel default).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(10)
class DontFragmentOptionTest {
    private static final int IP_PMTUDISC_DONT = 0;
    private final Syscalls sys = Syscalls.system();

    @Test
    void ipv4OnSetsProbeAndOffRestoresThePreviousMode() throws IOException {
        assumeLinuxBatching();
        try (LinuxUdpSocket s = open(UdpFamily.UDP4)) {
            sys.setsockoptInt(s.fd(), LinuxConstants.IPPROTO_IP, LinuxConstants.IP_MTU_DISCOVER, IP_PMTUDISC_DONT);
            assertThat(s.getOption(UdpSocketOptions.IP_DONTFRAG)).isFalse();
            s.setOption(UdpSocketOptions.IP_DONTFRAG, true);
            s.setOption(UdpSocketOptions.IP_DONTFRAG, true); // twice: still restores the first value
            assertThat(mtuDiscover(s)).isEqualTo(LinuxConstants.IP_PMTUDISC_PROBE);
            assertThat(s.getOption(UdpSocketOptions.IP_DONTFRAG)).isTrue();
            s.setOption(UdpSocketOptions.IP_DONTFRAG, false);
            assertThat(mtuDiscover(s)).isEqualTo(IP_PMTUDISC_DONT);
            assertThat(s.getOption(UdpSocketOptions.IP_DONTFRAG)).isFalse();
        }
    }

    @Test
    void ipv6SetsDontfragAndADualStackSocketBoth() throws IOException {
        assumeIpv6();
        try (LinuxUdpSocket s = open(UdpFamily.UDP6)) {
            int mode = mtuDiscoverV6(s);
            s.setOption(UdpSocketOptions.IP_DONTFRAG, true);
            assertThat(sys.getsockoptInt(s.fd(), LinuxConstants.IPPROTO_IPV6, LinuxConstants.IPV6_DONTFRAG)).isEqualTo(1);
            if (s.isDualStack()) {
                assertThat(mtuDiscover(s)).isEqualTo(LinuxConstants.IP_PMTUDISC_PROBE);
            }
            s.setOption(UdpSocketOptions.IP_DONTFRAG, false);
            assertThat(sys.getsockoptInt(s.fd(), LinuxConstants.IPPROTO_IPV6, LinuxConstants.IPV6_DONTFRAG)).isZero();
            assertThat(mtuDiscoverV6(s)).isEqualTo(mode);
        }
    }

    private int mtuDiscover(LinuxUdpSocket s) throws IOException {
        return sys.getsockoptInt(s.fd(), LinuxConstants.IPPROTO_IP, LinuxConstants.IP_MTU_DISCOVER);
    }

    private int mtuDiscoverV6(LinuxUdpSocket s) throws IOException {
        return s.isDualStack() ? mtuDiscover(s) : 0;
    }
}
