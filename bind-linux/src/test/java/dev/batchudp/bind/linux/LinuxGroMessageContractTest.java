package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.Network;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpSocketOptions;
import dev.batchudp.network.system.SystemNetwork;
import dev.batchudp.network.testing.AbstractMessageContractTest;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The message contract on {@code linux} connections with {@link UdpSocketOptions#UDP_GRO} on: a
 * segmented send over {@code lo} then arrives as one coalesced read, which the suite splits by its
 * {@code UDP_GRO} segment size; everything else must behave as with GRO off.
 */
@EnabledOnOs(OS.LINUX)
class LinuxGroMessageContractTest extends AbstractMessageContractTest {
    @BeforeAll
    static void requireGro() {
        LinuxTestSupport.assumeLinuxBatching();
        if (Boolean.getBoolean(LinuxTestSupport.REQUIRE_PROPERTY)) {
            assertThat(LinuxBatching.supportsGro()).as("UDP_GRO").isTrue();
        } else {
            org.junit.jupiter.api.Assumptions.assumeTrue(LinuxBatching.supportsGro(), "kernel without UDP GRO");
        }
    }

    @Override
    protected Network newNetwork() {
        return SystemNetwork.open("linux");
    }

    @Override
    protected UdpConnection prepare(UdpConnection connection) throws IOException {
        connection.setOption(UdpSocketOptions.UDP_GRO, true);
        assertThat(connection.getOption(UdpSocketOptions.UDP_GRO)).as("UDP_GRO after setting it").isTrue();
        return connection;
    }

    @Override
    protected String describeNetwork() {
        return "system network, linux backend, UDP_GRO on";
    }
}
