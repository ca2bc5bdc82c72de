package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.LinuxTestSupport.assumeLinuxBatching;
import static dev.batchudp.bind.linux.internal.LinuxConstants.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.linux.NativeIoException;
import dev.batchudp.network.DatagramTooLargeException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.BindException;
import java.net.PortUnreachableException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The errno → exception table of {@link Errors}. */
@Timeout(10)
class ErrorsTest {

    @Test
    void wouldBlockAndInterruptedAreNotErrors() {
        assertThat(Errors.isWouldBlock(EAGAIN)).isTrue();
        assertThat(Errors.isWouldBlock(EWOULDBLOCK)).isTrue();
        assertThat(Errors.isWouldBlock(EINTR)).isFalse();
        assertThat(Errors.isInterrupted(EINTR)).isTrue();
        assertThat(Errors.isInterrupted(EAGAIN)).isFalse();
    }

    @Test
    void ebadfIsClosedChannel() {
        assertThat(Errors.exception("recvmmsg", EBADF, null)).isExactlyInstanceOf(ClosedChannelException.class);
    }

    @Test
    void econnrefusedIsPortUnreachable() {
        IOException e = Errors.exception("sendmmsg", ECONNREFUSED, "Connection refused");
        assertThat(e).isExactlyInstanceOf(PortUnreachableException.class)
                .hasMessage("sendmmsg failed: ECONNREFUSED (Connection refused)");
    }

    @Test
    void addressErrorsAreBindExceptions() {
        assertThat(Errors.exception("bind", EADDRINUSE, null)).isExactlyInstanceOf(BindException.class)
                .hasMessage("bind failed: EADDRINUSE (Address already in use)");
        assertThat(Errors.exception("bind", EADDRNOTAVAIL, null)).isExactlyInstanceOf(BindException.class)
                .hasMessageContaining("EADDRNOTAVAIL");
    }

    @Test
    void emsgsizeIsDatagramTooLarge() {
        IOException e = Errors.exception("sendmmsg", EMSGSIZE, "Message too long", 70_000, 65_507);
        assertThat(e).isExactlyInstanceOf(DatagramTooLargeException.class);
        DatagramTooLargeException d = (DatagramTooLargeException) e;
        assertThat(d.size()).isEqualTo(70_000);
        assertThat(d.limit()).isEqualTo(65_507);
        assertThat(d.getCause()).isInstanceOf(NativeIoException.class)
                .hasMessage("sendmmsg failed: EMSGSIZE (Message too long)");
    }

    @Test
    void everythingElseIsNativeIoException() {
        for (int errno : new int[] {EPERM, EIO, EINVAL, ENOBUFS, ENOMEM, EMFILE, ENETUNREACH, EHOSTUNREACH,
            EAFNOSUPPORT, ENOPROTOOPT, 12345}) {
            IOException e = Errors.exception("recvmmsg", errno, null);
            assertThat(e).as("errno %d", errno).isExactlyInstanceOf(NativeIoException.class);
            NativeIoException n = (NativeIoException) e;
            assertThat(n.syscall()).isEqualTo("recvmmsg");
            assertThat(n.errno()).isEqualTo(errno);
        }
    }

    @Test
    void messageNamesCallErrnoAndDescription() {
        assertThat(new NativeIoException("recvmmsg", EMSGSIZE, Errors.name(EMSGSIZE), "Message too long"))
                .hasMessage("recvmmsg failed: EMSGSIZE (Message too long)");
        assertThat(Errors.exception("sendmmsg", EINVAL, "Invalid argument"))
                .hasMessage("sendmmsg failed: EINVAL (Invalid argument)");
        assertThat(Errors.exception("poll", EIO, null)).hasMessage("poll failed: EIO (Input/output error)");
        assertThat(Errors.name(12345)).isEqualTo("errno 12345");
    }

    @Test
    void everyErrnoConstantHasItsNameAndADescription() throws IllegalAccessException {
        int checked = 0;
        for (Field f : LinuxConstants.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().matches("E[A-Z]+")) {
                int errno = f.getInt(null);
                String expected = f.getName().equals("EWOULDBLOCK") ? "EAGAIN" : f.getName();
                assertThat(Errors.name(errno)).as(f.getName()).isEqualTo(expected);
                assertThat(Errors.describe(errno)).as(f.getName()).doesNotStartWith("Unknown error");
                checked++;
            }
        }
        assertThat(checked).isEqualTo(32);
        assertThat(Errors.describe(-1)).isEqualTo("Unknown error -1");
        assertThat(Errors.name(134)).isEqualTo("errno 134");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void descriptionsAreThisMachinesStrerror() {
        assumeLinuxBatching();
        Syscalls sys = Syscalls.system();
        for (int errno = 0; errno < 134; errno++) {
            if (!Errors.name(errno).startsWith("errno ")) {
                assertThat(Errors.describe(errno)).as(Errors.name(errno)).isEqualTo(sys.strerror(errno));
            }
        }
    }
}
