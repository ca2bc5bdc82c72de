package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.testing.AbstractBindBufferShapeContractTest;
import dev.batchudp.bind.Bind;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The bind's buffer-shape contract on the {@code linux} backend with UDP GSO and GRO switched off by
 * their properties: plain {@code sendmmsg}/{@code recvmmsg} straight into the caller's buffers, and
 * {@code receiveBorrowed} lending the bind's own.
 */
@EnabledOnOs(OS.LINUX)
class StdNetBindLinuxNoOffloadBufferShapeContractTest extends AbstractBindBufferShapeContractTest {
    private static String previousGso;
    private static String previousGro;

    @BeforeAll
    static void offloadsOff() {
        LinuxTestSupport.assumeLinuxBatching();
        previousGso = System.setProperty(LinuxBatching.GSO_DISABLED_PROPERTY, "true");
        previousGro = System.setProperty(LinuxBatching.GRO_DISABLED_PROPERTY, "true");
    }

    @AfterAll
    static void offloadsRestored() {
        restore(LinuxBatching.GSO_DISABLED_PROPERTY, previousGso);
        restore(LinuxBatching.GRO_DISABLED_PROPERTY, previousGro);
    }

    private static void restore(String property, String previous) {
        if (previous == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, previous);
        }
    }

    @Override
    protected Network newNetwork() {
        return SystemNetwork.open("linux");
    }

    @Override
    protected String describe() {
        return "linux backend, GSO and GRO off";
    }

    @Test
    void bothFamiliesBatchWithoutGsoOrGro() throws IOException {
        StdNetBind bind = StdNetBind.create(network);
        binds.add(bind);
        bind.open(0);
        assertThat(bind.batchSize()).isEqualTo(Bind.IDEAL_BATCH_SIZE);
        for (UdpFamily family : new UdpFamily[] {UdpFamily.UDP4, UdpFamily.UDP6}) {
            OffloadStatus status = bind.connection(family).orElseThrow().capability(OffloadStatus.class).orElseThrow();
            assertThat(status.txOffload()).as("%s GSO", family).isFalse();
            assertThat(status.rxOffload()).as("%s GRO", family).isFalse();
        }
    }
}
