package dev.batchudp.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.loopback.LoopbackNetwork;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Marks, interface binding and fd access where sockets have no native control (the loopback
 * network, which also captures no sticky sources): documented no-ops and exceptions.
 */
@Timeout(30)
class StdNetBindPlatformOptionsTest {
    private final LoopbackNetwork network = LoopbackNetwork.create();
    private final StdNetBind bind = StdNetBind.create(network);

    @AfterEach
    void tearDown() throws IOException {
        bind.close();
        network.close();
    }

    @Test
    void setMarkIsANoOpWithoutNativeSockets() throws IOException {
        bind.setMark(1); // closed
        bind.open(0);
        bind.setMark(1);
    }

    @Test
    void interfaceBindingAndFdsAreUnsupportedWithoutNativeSockets() throws IOException {
        bind.open(0);
        assertThatThrownBy(() -> bind.bindSocketToInterface4(1, true))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("native socket control");
        assertThatThrownBy(() -> bind.bindSocketToInterface6(1, false))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(bind::peekLookAtSocketFd4).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(bind::peekLookAtSocketFd6).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void closedFamiliesAreClosedChannels() {
        assertThatThrownBy(() -> bind.bindSocketToInterface4(1, true)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(bind::peekLookAtSocketFd6).isInstanceOf(ClosedChannelException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void loopbackEndpointsCaptureNoSource() throws IOException {
        Bind.Opened opened = bind.open(0);
        try (StdNetBind peer = StdNetBind.create(network)) {
            peer.open(0);
            peer.send(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {1})},
                    StdNetEndpoint.of(new InetSocketAddress("127.0.0.1", opened.port())));
            ReceiveFunc v4 = opened.receiveFuncs().get(0);
            int n = bind.batchSize();
            ByteBuffer[] packets = new ByteBuffer[n];
            for (int i = 0; i < n; i++) {
                packets[i] = ByteBuffer.allocate(64);
            }
            Endpoint[] eps = new Endpoint[n];
            assertThat(v4.receive(packets, new int[n], eps)).isEqualTo(1);
            assertThat(eps[0].srcIp()).isEmpty();
            assertThat(eps[0].srcToString()).isEmpty();
        }
    }
}
