package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.batchudp.bind.linux.NativeIoException;
import java.net.PortUnreachableException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The facade's errno handling, over a mocked {@link LibC}: no native code runs here. */
@Timeout(10)
class SyscallsTest {
    private final LibC libc = mock(LibC.class);
    private final AtomicInteger errno = new AtomicInteger();
    private final Syscalls sys = new Syscalls(libc, errno::get);

    @Test
    void eintrIsRetried() throws Exception {
        errno.set(EINTR);
        when(libc.recvmmsg(anyInt(), anyLong(), anyInt(), anyInt(), anyLong())).thenReturn(-1, -1, 3);
        assertThat(sys.recvmmsg(7, 4096, 8, MSG_DONTWAIT)).isEqualTo(3);
        verify(libc, times(3)).recvmmsg(7, 4096, 8, MSG_DONTWAIT, 0L);

        when(libc.sendmmsg(anyInt(), anyLong(), anyInt(), anyInt())).thenReturn(-1, 2);
        assertThat(sys.sendmmsg(7, 4096, 8, 0)).isEqualTo(2);

        when(libc.socket(anyInt(), anyInt(), anyInt())).thenReturn(-1, -1, -1, 42);
        assertThat(sys.socket(AF_INET, SOCK_DGRAM, 0)).isEqualTo(42);

        when(libc.recvmsg(anyInt(), anyLong(), anyInt())).thenReturn(-1L, 100L);
        assertThat(sys.recvmsg(7, 4096, 0)).isEqualTo(100L);
    }

    @Test
    void eagainIsWouldBlockNotAnException() throws Exception {
        errno.set(EAGAIN);
        when(libc.recvmmsg(anyInt(), anyLong(), anyInt(), anyInt(), anyLong())).thenReturn(-1);
        when(libc.sendmmsg(anyInt(), anyLong(), anyInt(), anyInt())).thenReturn(-1);
        when(libc.recvmsg(anyInt(), anyLong(), anyInt())).thenReturn(-1L);
        when(libc.sendmsg(anyInt(), anyLong(), anyInt())).thenReturn(-1L);
        assertThat(sys.recvmmsg(7, 4096, 8, 0)).isEqualTo(Syscalls.WOULD_BLOCK);
        assertThat(sys.sendmmsg(7, 4096, 8, 0)).isEqualTo(Syscalls.WOULD_BLOCK);
        assertThat(sys.recvmsg(7, 4096, 0)).isEqualTo(Syscalls.WOULD_BLOCK);
        assertThat(sys.sendmsg(7, 4096, 0)).isEqualTo(Syscalls.WOULD_BLOCK);
    }

    @Test
    void pollInterruptedLooksLikeATimeout() throws Exception {
        errno.set(EINTR);
        when(libc.poll(anyLong(), anyLong(), anyInt())).thenReturn(-1);
        assertThat(sys.poll(4096, 2, 100)).isZero();
    }

    @Test
    void failuresGoThroughErrorsWithStrerror() {
        errno.set(EINVAL);
        when(libc.strerror(EINVAL)).thenReturn("Invalid argument");
        when(libc.recvmmsg(anyInt(), anyLong(), anyInt(), anyInt(), anyLong())).thenReturn(-1);
        assertThatThrownBy(() -> sys.recvmmsg(7, 4096, 8, 0))
                .isInstanceOf(NativeIoException.class)
                .hasMessage("recvmmsg failed: EINVAL (Invalid argument)");

        errno.set(ECONNREFUSED);
        when(libc.sendmmsg(anyInt(), anyLong(), anyInt(), anyInt())).thenReturn(-1);
        assertThatThrownBy(() -> sys.sendmmsg(7, 4096, 8, 0)).isInstanceOf(PortUnreachableException.class);
    }

    @Test
    void closeIsNeverRetriedAndShutdownIgnoresEnotconn() {
        errno.set(EINTR);
        when(libc.close(anyInt())).thenReturn(-1);
        assertThat(sys.close(9)).isEqualTo(EINTR);
        verify(libc, times(1)).close(9);

        errno.set(ENOTCONN);
        when(libc.shutdown(anyInt(), anyInt())).thenReturn(-1);
        assertThat(sys.shutdown(9, SHUT_RDWR)).isZero();
    }

    @Test
    void eventfdWriteIgnoresAFullCounter() {
        errno.set(EAGAIN);
        when(libc.eventfd_write(anyInt(), anyLong())).thenReturn(-1);
        assertThat(sys.eventfdWrite(9, 1)).isZero();
    }
}
