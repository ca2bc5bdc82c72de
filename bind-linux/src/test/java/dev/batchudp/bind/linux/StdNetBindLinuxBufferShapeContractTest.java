package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.testing.AbstractBindBufferShapeContractTest;
import dev.batchudp.bind.Bind;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The bind's buffer-shape contract on the {@code linux} backend with UDP GSO and GRO on: batches of
 * 128 through {@code sendmmsg}/{@code recvmmsg}, coalesced sends, split and lent receives.
 */
@EnabledOnOs(OS.LINUX)
class StdNetBindLinuxBufferShapeContractTest extends AbstractBindBufferShapeContractTest {
    @BeforeAll
    static void requireOffloads() {
        LinuxTestSupport.assumeLinuxBatching();
        if (Boolean.getBoolean(LinuxTestSupport.REQUIRE_PROPERTY)) {
            assertThat(LinuxBatching.supportsGso()).as("UDP_SEGMENT").isTrue();
            assertThat(LinuxBatching.supportsGro()).as("UDP_GRO").isTrue();
        } else {
            org.junit.jupiter.api.Assumptions.assumeTrue(LinuxBatching.supportsGso() && LinuxBatching.supportsGro(),
                    "kernel without UDP GSO/GRO");
        }
    }

    @Override
    protected Network newNetwork() {
        return SystemNetwork.open("linux");
    }

    @Override
    protected String describe() {
        return "linux backend, GSO and GRO on";
    }

    @Test
    void bothFamiliesBatchWithGsoAndGro() throws IOException {
        StdNetBind bind = StdNetBind.create(network);
        binds.add(bind);
        bind.open(0);
        assertThat(bind.batchSize()).isEqualTo(Bind.IDEAL_BATCH_SIZE);
        for (UdpFamily family : new UdpFamily[] {UdpFamily.UDP4, UdpFamily.UDP6}) {
            OffloadStatus status = bind.connection(family).orElseThrow().capability(OffloadStatus.class).orElseThrow();
            assertThat(status.txOffload()).as("%s GSO", family).isTrue();
            assertThat(status.rxOffload()).as("%s GRO", family).isTrue();
        }
    }
}
