package dev.batchudp.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.bind.RecordingNetwork.Call;
import dev.batchudp.network.AddressFamilyNotSupportedException;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.loopback.LoopbackNetwork;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** StdNetBind's open algorithm and edge cases, ported from batchudp's gonnect_bind_test.go. */
@Timeout(30)
class StdNetBindTest {
    private final LoopbackNetwork loopback = LoopbackNetwork.create();
    private final RecordingNetwork network = new RecordingNetwork(loopback);
    private final List<StdNetBind> binds = new ArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        for (StdNetBind b : binds) {
            b.close();
        }
        loopback.close();
    }

    private StdNetBind bind(StdNetBindOptions options) {
        StdNetBind b = StdNetBind.create(network, options);
        binds.add(b);
        return b;
    }

    private List<UdpFamily> families() {
        return network.calls().stream().map(Call::family).toList();
    }

    @Test
    void openUsesUdp4ThenUdp6OnTheSamePort() throws IOException {
        Bind.Opened opened = bind(StdNetBindOptions.defaults()).open(0);
        assertThat(families()).containsExactly(UdpFamily.UDP4, UdpFamily.UDP6);
        assertThat(opened.receiveFuncs()).extracting(ReceiveFunc::name).containsExactly("v4", "v6");
        assertThat(network.calls().get(0).local().getPort()).isZero();
        assertThat(network.calls().get(1).local().getPort()).isEqualTo(opened.port()).isNotZero();
    }

    @Test
    void familyOrderIpv6FirstOpensUdp6FirstAndUsesItsPortForUdp4() throws IOException {
        Bind.Opened opened = bind(StdNetBindOptions.builder().familyOrder(FamilyOrder.IPV6_FIRST).build()).open(0);
        assertThat(families()).containsExactly(UdpFamily.UDP6, UdpFamily.UDP4);
        assertThat(network.calls().get(1).local().getPort()).isEqualTo(opened.port()).isNotZero();
        assertThat(opened.receiveFuncs()).extracting(ReceiveFunc::name).containsExactly("v4", "v6");
    }

    @Test
    void strictSiblingFailureFailsOpenAndClosesTheFirstSocket() {
        IOException boom = new SocketException("boom");
        network.failAlways(UdpFamily.UDP6, boom);
        StdNetBind b = bind(StdNetBindOptions.defaults());
        assertThatThrownBy(() -> b.open(0)).isSameAs(boom);
        assertThat(loopback.openConnections()).isEmpty();
        assertThat(b.connection(UdpFamily.UDP4)).isEmpty();
    }

    @Test
    void allowSingleFamilyKeepsTheFirstAndReportsTheSibling() throws IOException {
        IOException boom = new SocketException("boom");
        network.failAlways(UdpFamily.UDP6, boom);
        AtomicReference<UdpFamily> failedFamily = new AtomicReference<>();
        AtomicReference<IOException> failure = new AtomicReference<>();
        StdNetBind b = bind(StdNetBindOptions.builder().allowSingleFamily(true)
                .onFamilyOpenError((f, e) -> {
                    failedFamily.set(f);
                    failure.set(e);
                }).build());
        Bind.Opened opened = b.open(0);
        assertThat(opened.receiveFuncs()).extracting(ReceiveFunc::name).containsExactly("v4");
        assertThat(opened.port()).isNotZero();
        assertThat(failedFamily.get()).isEqualTo(UdpFamily.UDP6);
        assertThat(failure.get()).isSameAs(boom);
        assertThatThrownBy(() -> b.send(new ByteBuffer[] {ByteBuffer.allocate(1)}, b.parseEndpoint("[::1]:1")))
                .isInstanceOf(SocketException.class).hasMessageContaining("no IPv6 socket");
    }

    @Test
    void bothFamiliesFailingReportsTheSecondError() {
        IOException boom = new SocketException("boom");
        network.failAlways(UdpFamily.UDP4, new AddressFamilyNotSupportedException(UdpFamily.UDP4, null));
        network.failAlways(UdpFamily.UDP6, boom);
        StdNetBind b = bind(StdNetBindOptions.builder().allowSingleFamily(true).build());
        assertThatThrownBy(() -> b.open(0)).isSameAs(boom);
        assertThat(network.calls()).hasSize(2);
    }

    @Test
    void unsupportedFirstFamilyOpensTheSecondAlone() throws IOException {
        network.failAlways(UdpFamily.UDP4, new AddressFamilyNotSupportedException(UdpFamily.UDP4, null));
        Bind.Opened opened = bind(StdNetBindOptions.defaults()).open(0);
        assertThat(opened.receiveFuncs()).extracting(ReceiveFunc::name).containsExactly("v6");
        assertThat(opened.port()).isNotZero();
    }

    @Test
    void unsupportedSecondFamilyIsSkippedSilently() throws IOException {
        network.failAlways(UdpFamily.UDP6, new AddressFamilyNotSupportedException(UdpFamily.UDP6, null));
        Bind.Opened opened = bind(StdNetBindOptions.defaults()).open(7777);
        assertThat(opened.receiveFuncs()).extracting(ReceiveFunc::name).containsExactly("v4");
        assertThat(opened.port()).isEqualTo(7777);
    }

    @Test
    void portZeroRetriesWhenTheSecondFamilysPortIsTaken() throws IOException {
        for (int i = 0; i < 5; i++) {
            network.failNext(UdpFamily.UDP6, new BindException("Address already in use"));
        }
        Bind.Opened opened = bind(StdNetBindOptions.defaults()).open(0);
        assertThat(network.calls()).hasSize(12);
        assertThat(opened.receiveFuncs()).hasSize(2);
        assertThat(loopback.openConnections()).hasSize(2);
    }

    @Test
    void portZeroGivesUpAfterAHundredRetries() {
        BindException inUse = new BindException("Address already in use");
        network.failAlways(UdpFamily.UDP6, inUse);
        StdNetBind b = bind(StdNetBindOptions.defaults());
        assertThatThrownBy(() -> b.open(0)).isSameAs(inUse);
        assertThat(network.calls()).hasSize(2 * (StdNetBind.MAX_PORT_RETRIES + 1));
        assertThat(loopback.openConnections()).isEmpty();
    }

    @Test
    void aTakenExplicitPortIsNotRetried() throws IOException {
        BindException inUse = new BindException("Address already in use");
        network.failAlways(UdpFamily.UDP6, inUse);
        StdNetBind b = bind(StdNetBindOptions.defaults());
        assertThatThrownBy(() -> b.open(4242)).isSameAs(inUse);
        assertThat(network.calls()).hasSize(2);
    }

    @Test
    void closingTheNetworkClosesTheBindsReceiveFunctions() throws IOException {
        StdNetBind b = bind(StdNetBindOptions.defaults());
        Bind.Opened opened = b.open(0);
        loopback.close();
        for (ReceiveFunc f : opened.receiveFuncs()) {
            assertThatThrownBy(() -> f.receive(new ByteBuffer[] {ByteBuffer.allocate(1)}, new int[1],
                    new Endpoint[1])).isInstanceOf(ClosedChannelException.class);
        }
    }

    @Test
    void batchSizeComesFromTheOptionsOrIsOneOnAVirtualNetwork() {
        assertThat(bind(StdNetBindOptions.defaults()).batchSize()).isEqualTo(1);
        assertThat(bind(StdNetBindOptions.builder().batchSize(3).build()).batchSize()).isEqualTo(3);
        assertThatThrownBy(() -> StdNetBindOptions.builder().batchSize(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void receiveValidatesAgainstTheConfiguredBatchSize() throws IOException {
        StdNetBind b = bind(StdNetBindOptions.builder().batchSize(3).build());
        Bind.Opened opened = b.open(0);
        for (ReceiveFunc f : opened.receiveFuncs()) {
            assertThatThrownBy(() -> f.receive(new ByteBuffer[2], new int[2], new Endpoint[2]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("receive buffers list shorter than bind batch size 3");
        }
    }

    @Test
    void portOutOfRangeIsRejected() {
        StdNetBind b = bind(StdNetBindOptions.defaults());
        assertThatThrownBy(() -> b.open(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.open(65_536)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNullNetworkIsRejectedAtConstruction() {
        assertThatThrownBy(() -> StdNetBind.create(null))
                .isInstanceOf(NullPointerException.class).hasMessage("bind network is null");
    }
}
