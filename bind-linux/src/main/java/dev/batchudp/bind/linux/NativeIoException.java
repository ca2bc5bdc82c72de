package dev.batchudp.bind.linux;

import java.io.IOException;

/**
 * A system call failed with an errno for which no more specific JDK exception fits. The message
 * reads {@code "recvmmsg failed: EMSGSIZE (Message too long)"}: the call, the errno's symbolic name
 * and its description.
 *
 * <p>Errors that do have a JDK counterpart are thrown as that instead: {@code EBADF} as
 * {@link java.nio.channels.ClosedChannelException}, {@code ECONNREFUSED} as
 * {@link java.net.PortUnreachableException}, {@code EADDRINUSE}/{@code EADDRNOTAVAIL} as
 * {@link java.net.BindException} and {@code EMSGSIZE} as
 * {@link dev.batchudp.network.DatagramTooLargeException}. {@code EAGAIN} and {@code EINTR} never
 * surface.
 *
 * @since 0.1
 */
public class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String syscall;
    private final int errno;

    /**
     * Creates the exception.
     *
     * @param syscall the failed call, such as {@code recvmmsg}
     * @param errno the errno value
     * @param errnoName its symbolic name, such as {@code EMSGSIZE}
     * @param description its description, such as {@code Message too long}
     */
    public NativeIoException(String syscall, int errno, String errnoName, String description) {
        super(syscall + " failed: " + errnoName + " (" + description + ")");
        this.syscall = syscall;
        this.errno = errno;
    }

    /**
     * Returns the name of the system call that failed.
     *
     * @return the call, such as {@code sendmmsg}
     */
    public String syscall() {
        return syscall;
    }

    /**
     * Returns the errno the call failed with.
     *
     * @return the errno value (Linux x86_64/aarch64 numbering)
     */
    public int errno() {
        return errno;
    }
}
