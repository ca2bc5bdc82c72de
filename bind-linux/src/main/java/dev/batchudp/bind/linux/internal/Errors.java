package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.*;

import dev.batchudp.bind.linux.NativeIoException;
import dev.batchudp.network.DatagramTooLargeException;
import java.io.IOException;
import java.net.BindException;
import java.net.PortUnreachableException;
import java.nio.channels.ClosedChannelException;

/**
 * The one place errno values become exceptions.
 *
 * <table>
 *   <caption>errno mapping</caption>
 *   <tr><th>errno</th><th>result</th></tr>
 *   <tr><td>{@code EAGAIN}/{@code EWOULDBLOCK}</td><td>no exception: {@link Syscalls#WOULD_BLOCK}
 *       (0 datagrams); the caller polls</td></tr>
 *   <tr><td>{@code EINTR}</td><td>no exception: {@link Syscalls} retries the call</td></tr>
 *   <tr><td>{@code EBADF}</td><td>{@link ClosedChannelException}</td></tr>
 *   <tr><td>{@code ECONNREFUSED}</td><td>{@link PortUnreachableException} (batch loops swallow and
 *       count it)</td></tr>
 *   <tr><td>{@code EADDRINUSE}, {@code EADDRNOTAVAIL}</td><td>{@link BindException}</td></tr>
 *   <tr><td>{@code EMSGSIZE}</td><td>{@link DatagramTooLargeException}</td></tr>
 *   <tr><td>anything else</td><td>{@link NativeIoException} with {@code syscall()} and
 *       {@code errno()}</td></tr>
 * </table>
 */
public final class Errors {
    private Errors() {}

    /**
     * Returns whether an errno means "try again later" ({@code EAGAIN}, {@code EWOULDBLOCK}).
     *
     * @param errno the errno
     * @return whether the call would have blocked
     */
    public static boolean isWouldBlock(int errno) {
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }

    /**
     * Returns whether an errno means the call was interrupted by a signal and must be retried.
     *
     * @param errno the errno
     * @return whether it is {@code EINTR}
     */
    public static boolean isInterrupted(int errno) {
        return errno == EINTR;
    }

    /**
     * Maps a failure to its exception.
     *
     * @param syscall the call that failed
     * @param errno its errno
     * @param description the errno's description (strerror), or {@code null} for a built-in one
     * @return the exception to throw
     */
    public static IOException exception(String syscall, int errno, String description) {
        return exception(syscall, errno, description, -1, -1);
    }

    /**
     * Maps a failure to its exception, with the datagram size for {@code EMSGSIZE}.
     *
     * @param syscall the call that failed
     * @param errno its errno
     * @param description the errno's description, or {@code null}
     * @param datagramSize the size of the refused datagram, or -1 if unknown
     * @param limit the largest acceptable size, or -1 if unknown
     * @return the exception to throw
     */
    public static IOException exception(String syscall, int errno, String description, int datagramSize,
            int limit) {
        String text = description != null && !description.isEmpty() ? description : describe(errno);
        switch (errno) {
            case EBADF:
                return new ClosedChannelException();
            case ECONNREFUSED:
                return new PortUnreachableException(message(syscall, errno, text));
            case EADDRINUSE:
            case EADDRNOTAVAIL:
                return new BindException(message(syscall, errno, text));
            case EMSGSIZE: {
                DatagramTooLargeException e = new DatagramTooLargeException(datagramSize, limit);
                e.initCause(new NativeIoException(syscall, errno, name(errno), text));
                return e;
            }
            default:
                return new NativeIoException(syscall, errno, name(errno), text);
        }
    }

    private static String message(String syscall, int errno, String text) {
        return syscall + " failed: " + name(errno) + " (" + text + ")";
    }

    /**
     * Returns the symbolic name of an errno, such as {@code EMSGSIZE}.
     *
     * @param errno the errno
     * @return the name, or {@code errno N} for values not in the table
     */
    public static String name(int errno) {
        return errno >= 0 && errno < NAMES.length && NAMES[errno] != null ? NAMES[errno] : "errno " + errno;
    }

    /**
     * Returns glibc's strerror(3) text for an errno, for when strerror is not at hand.
     *
     * @param errno the errno
     * @return the description, or {@code Unknown error N} (glibc's wording) for values not in the table
     */
    static String describe(int errno) {
        return errno >= 0 && errno < DESCRIPTIONS.length && DESCRIPTIONS[errno] != null
                ? DESCRIPTIONS[errno] : "Unknown error " + errno;
    }

    // The one errno table: every errno this module names, its symbol and glibc's strerror(3) text.
    // The numbers are LinuxConstants' (<asm-generic/errno-base.h>, <asm-generic/errno.h>, shared by
    // x86_64 and aarch64). jnr-constants' Errno has the same names and numbers but costs about 50 ms
    // at first use, against about 4 ms for this table (ARCHITECTURE.md section 6, "errno names").
    private static final int TABLE_SIZE = 134; // errno values on Linux end at EHWPOISON, 133
    private static final String[] NAMES = new String[TABLE_SIZE];
    private static final String[] DESCRIPTIONS = new String[TABLE_SIZE];

    static {
        add(EPERM, "EPERM", "Operation not permitted");
        add(ENOENT, "ENOENT", "No such file or directory");
        add(EINTR, "EINTR", "Interrupted system call");
        add(EIO, "EIO", "Input/output error");
        add(EBADF, "EBADF", "Bad file descriptor");
        add(EAGAIN, "EAGAIN", "Resource temporarily unavailable");
        add(ENOMEM, "ENOMEM", "Cannot allocate memory");
        add(EACCES, "EACCES", "Permission denied");
        add(EFAULT, "EFAULT", "Bad address");
        add(EINVAL, "EINVAL", "Invalid argument");
        add(ENFILE, "ENFILE", "Too many open files in system");
        add(EMFILE, "EMFILE", "Too many open files");
        add(EPIPE, "EPIPE", "Broken pipe");
        add(ENOSYS, "ENOSYS", "Function not implemented");
        add(ENOTSOCK, "ENOTSOCK", "Socket operation on non-socket");
        add(EDESTADDRREQ, "EDESTADDRREQ", "Destination address required");
        add(EMSGSIZE, "EMSGSIZE", "Message too long");
        add(ENOPROTOOPT, "ENOPROTOOPT", "Protocol not available");
        add(EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported");
        add(EAFNOSUPPORT, "EAFNOSUPPORT", "Address family not supported by protocol");
        add(EADDRINUSE, "EADDRINUSE", "Address already in use");
        add(EADDRNOTAVAIL, "EADDRNOTAVAIL", "Cannot assign requested address");
        add(ENETDOWN, "ENETDOWN", "Network is down");
        add(ENETUNREACH, "ENETUNREACH", "Network is unreachable");
        add(ECONNRESET, "ECONNRESET", "Connection reset by peer");
        add(ENOBUFS, "ENOBUFS", "No buffer space available");
        add(ENOTCONN, "ENOTCONN", "Transport endpoint is not connected");
        add(ETIMEDOUT, "ETIMEDOUT", "Connection timed out");
        add(ECONNREFUSED, "ECONNREFUSED", "Connection refused");
        add(EHOSTDOWN, "EHOSTDOWN", "Host is down");
        add(EHOSTUNREACH, "EHOSTUNREACH", "No route to host");
    }

    private static void add(int errno, String name, String description) {
        NAMES[errno] = name;
        DESCRIPTIONS[errno] = description;
    }
}
