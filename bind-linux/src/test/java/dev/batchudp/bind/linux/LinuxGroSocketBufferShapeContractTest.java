package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.linux.internal.LinuxBatchingConn;
import dev.batchudp.bind.linux.internal.LinuxUdpSocket;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.system.SystemNetwork;
import dev.batchudp.network.testing.AbstractBufferShapeContractTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The buffer-shape contract on {@code linux} sockets with {@code UDP_GRO} on: a batching view with
 * GRO enabled routes the socket's single-datagram receive through the split of coalesced reads.
 */
@EnabledOnOs(OS.LINUX)
class LinuxGroSocketBufferShapeContractTest extends AbstractBufferShapeContractTest {
    /** The batching views, kept so that the test can check GRO is on. */
    private final List<LinuxBatchingConn> views = new ArrayList<>();

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
    protected UdpConnection prepare(UdpConnection connection) {
        views.add(new LinuxBatchingConn((LinuxUdpSocket) connection, 1, false, true));
        return connection;
    }

    @Override
    protected String describeNetwork() {
        return "system network, linux backend, UDP_GRO on";
    }

    @AfterEach
    void groWasOn() {
        for (LinuxBatchingConn view : views) {
            assertThat(view.rxOffload()).as("GRO on for %s", view).isTrue();
        }
    }
}
