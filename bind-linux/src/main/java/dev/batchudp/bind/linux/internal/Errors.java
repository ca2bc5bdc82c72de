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
     * @return the name, or {@code errno N} for values not listed in {@link LinuxConstants}
     */
    public static String name(int errno) {
        switch (errno) {
            case EPERM: return "EPERM";
            case ENOENT: return "ENOENT";
            case EINTR: return "EINTR";
            case EIO: return "EIO";
            case EBADF: return "EBADF";
            case EAGAIN: return "EAGAIN";
            case ENOMEM: return "ENOMEM";
            case EACCES: return "EACCES";
            case EFAULT: return "EFAULT";
            case EINVAL: return "EINVAL";
            case ENFILE: return "ENFILE";
            case EMFILE: return "EMFILE";
            case EPIPE: return "EPIPE";
            case ENOSYS: return "ENOSYS";
            case ENOTSOCK: return "ENOTSOCK";
            case EDESTADDRREQ: return "EDESTADDRREQ";
            case EMSGSIZE: return "EMSGSIZE";
            case ENOPROTOOPT: return "ENOPROTOOPT";
            case EOPNOTSUPP: return "EOPNOTSUPP";
            case EAFNOSUPPORT: return "EAFNOSUPPORT";
            case EADDRINUSE: return "EADDRINUSE";
            case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
            case ENETDOWN: return "ENETDOWN";
            case ENETUNREACH: return "ENETUNREACH";
            case ECONNRESET: return "ECONNRESET";
            case ENOBUFS: return "ENOBUFS";
            case ENOTCONN: return "ENOTCONN";
            case ETIMEDOUT: return "ETIMEDOUT";
            case ECONNREFUSED: return "ECONNREFUSED";
            case EHOSTDOWN: return "EHOSTDOWN";
            case EHOSTUNREACH: return "EHOSTUNREACH";
            default: return "errno " + errno;
        }
    }

    /**
     * Returns glibc's description of the errno values this module expects, for when strerror(3) is
     * not at hand.
     *
     * @param errno the errno
     * @return the description
     */
    static String describe(int errno) {
        switch (errno) {
            case EPERM: return "Operation not permitted";
            case EINTR: return "Interrupted system call";
            case EIO: return "Input/output error";
            case EBADF: return "Bad file descriptor";
            case EAGAIN: return "Resource temporarily unavailable";
            case ENOMEM: return "Cannot allocate memory";
            case EINVAL: return "Invalid argument";
            case EMFILE: return "Too many open files";
            case EMSGSIZE: return "Message too long";
            case EAFNOSUPPORT: return "Address family not supported by protocol";
            case EADDRINUSE: return "Address already in use";
            case EADDRNOTAVAIL: return "Cannot assign requested address";
            case ENETUNREACH: return "Network is unreachable";
            case ENOBUFS: return "No buffer space available";
            case ENOTCONN: return "Transport endpoint is not connected";
            case ECONNREFUSED: return "Connection refused";
            case EHOSTUNREACH: return "No route to host";
            default: return "Unknown error " + errno;
        }
    }
}
