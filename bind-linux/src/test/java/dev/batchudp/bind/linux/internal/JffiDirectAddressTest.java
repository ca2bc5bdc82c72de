package dev.batchudp.bind.linux.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.kenai.jffi.MemoryIO;
import dev.batchudp.bind.linux.LinuxTestSupport;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pins what bind-linux relies on in the jffi it ships with: {@code MemoryIO.getDirectBufferAddress}
 * (JNI {@code GetDirectBufferAddress}) works, also when {@code sun.misc.Unsafe} memory access is
 * denied (jffi 1.4 uses JNI for memory access on JDK 23+), and returns the address of index 0 (not
 * of the position), so slices and duplicates report where their own index 0 lies.
 */
class JffiDirectAddressTest {
    @BeforeEach
    void linuxBatchingWorks() {
        LinuxTestSupport.assumeLinuxBatching();
    }

    @Test
    void addressIsIndexZeroWhateverThePosition() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64);
        MemoryIO io = MemoryIO.getInstance();
        long address = io.getDirectBufferAddress(buffer);
        assertThat(address).isNotZero();

        buffer.put(0, (byte) 0x5a).put(7, (byte) 0x7e);
        assertThat(io.getByte(address)).isEqualTo((byte) 0x5a);
        assertThat(io.getByte(address + 7)).isEqualTo((byte) 0x7e);

        buffer.position(7);
        assertThat(io.getDirectBufferAddress(buffer)).isEqualTo(address);
        assertThat(io.getDirectBufferAddress(buffer.duplicate())).isEqualTo(address);
    }

    @Test
    void sliceReportsItsOwnIndexZero() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64);
        MemoryIO io = MemoryIO.getInstance();
        long address = io.getDirectBufferAddress(buffer);

        ByteBuffer slice = buffer.position(16).slice();
        assertThat(io.getDirectBufferAddress(slice)).isEqualTo(address + 16);

        io.putByte(address + 16, (byte) 0x42);
        assertThat(slice.get(0)).isEqualTo((byte) 0x42);
    }
}
