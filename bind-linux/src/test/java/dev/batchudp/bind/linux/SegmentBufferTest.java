package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.system.SystemNetwork;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.condition.OS;

/**
 * Buffers that view a {@code java.lang.foreign} memory segment (JDK 22+): the Linux path refuses a
 * closed arena's buffer and another thread's confined one with the exceptions the JDK's own channels
 * throw, rather than handing freed or foreign memory to the kernel. The foreign-memory API is reached
 * by reflection because the tests are compiled for Java 17.
 */
@EnabledOnOs(OS.LINUX)
@EnabledForJreRange(min = JRE.JAVA_22)
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SegmentBufferTest {
    /** An arena and a buffer viewing {@code size} bytes of it. */
    private record Segment(AutoCloseable arena, ByteBuffer buffer) {}

    private static Segment confined(int size) throws Exception {
        Class<?> arenaType = Class.forName("java.lang.foreign.Arena");
        Object arena = arenaType.getMethod("ofConfined").invoke(null);
        Object segment = arenaType.getMethod("allocate", long.class).invoke(arena, (long) size);
        ByteBuffer buffer = (ByteBuffer) Class.forName("java.lang.foreign.MemorySegment")
                .getMethod("asByteBuffer").invoke(segment);
        return new Segment((AutoCloseable) arena, buffer);
    }

    @Test
    void closedAndForeignSegmentsAreRefusedLiveOnesWork() throws Exception {
        LinuxTestSupport.assumeLinuxBatching();
        try (SystemNetwork network = SystemNetwork.open("linux")) {
            StdNetBind bind = StdNetBind.create(network);
            try {
                Bind.Opened opened = bind.open(0);
                Endpoint self = bind.parseEndpoint("127.0.0.1:" + opened.port());
                ReceiveFunc f = opened.receiveFuncs().get(0);
                int batch = bind.batchSize();

                Segment live = confined(1000);
                live.buffer().put(0, (byte) 42);
                bind.send(new ByteBuffer[] {live.buffer()}, self);
                ByteBuffer[] packets = new ByteBuffer[batch];
                for (int i = 0; i < batch; i++) {
                    packets[i] = ByteBuffer.allocateDirect(2048);
                }
                int n = f.receive(packets, new int[batch], new Endpoint[batch]);
                assertThat(n).isEqualTo(1);
                assertThat(packets[0].get(0)).isEqualTo((byte) 42);

                AtomicReference<Throwable> foreign = new AtomicReference<>();
                Thread other = new Thread(() -> {
                    try {
                        bind.send(new ByteBuffer[] {live.buffer()}, self);
                    } catch (Throwable t) {
                        foreign.set(t);
                    }
                });
                other.start();
                other.join();
                assertThat(foreign.get()).as("a confined segment used from another thread")
                        .isNotNull().extracting(t -> t.getClass().getSimpleName()).isEqualTo("WrongThreadException");

                live.arena().close();
                assertThatThrownBy(() -> bind.send(new ByteBuffer[] {live.buffer()}, self))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Already closed");
                for (int i = 0; i < batch; i++) {
                    packets[i] = live.buffer();
                }
                // A datagram is waiting, so a receive that did not check would not block.
                bind.send(new ByteBuffer[] {ByteBuffer.allocateDirect(10)}, self);
                assertThatThrownBy(() -> f.receive(packets, new int[batch], new Endpoint[batch]))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Already closed");
                // Refused before the read: the datagram is still there for a good buffer.
                packets[0] = ByteBuffer.allocateDirect(2048);
                for (int i = 1; i < batch; i++) {
                    packets[i] = ByteBuffer.allocateDirect(2048);
                }
                assertThat(f.receive(packets, new int[batch], new Endpoint[batch])).isEqualTo(1);
            } finally {
                bind.close();
            }
        }
    }
}
