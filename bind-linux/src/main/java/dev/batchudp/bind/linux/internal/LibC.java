package dev.batchudp.bind.linux.internal;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.ssize_t;

/**
 * The C library functions {@code bind-linux} calls, and nothing else. JNR-FFI generates the
 * implementation at run time, which is why this interface is public; only {@link Syscalls} calls it.
 *
 * <p>Signatures are primitive-only, with pointers passed as raw addresses ({@code long}) into
 * memory the caller preallocated, so that jnr-ffi can use its fast assembler stubs and nothing is
 * copied or pinned per call. {@link SaveError} marks calls whose errno is read;
 * {@link IgnoreError} the rest.
 */
public interface LibC {

    /**
     * socket(2).
     *
     * @param domain {@code AF_INET} or {@code AF_INET6}
     * @param type {@code SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC}
     * @param protocol 0
     * @return the fd, or -1 with errno set
     */
    @SaveError
    int socket(int domain, int type, int protocol);

    /**
     * bind(2).
     *
     * @param sockfd the socket
     * @param addr address of a {@code sockaddr_in}/{@code sockaddr_in6}
     * @param addrlen its size
     * @return 0, or -1 with errno set
     */
    @SaveError
    int bind(int sockfd, long addr, int addrlen);

    /**
     * connect(2).
     *
     * @param sockfd the socket
     * @param addr address of a socket address
     * @param addrlen its size
     * @return 0, or -1 with errno set
     */
    @SaveError
    int connect(int sockfd, long addr, int addrlen);

    /**
     * close(2). Never retried: on Linux the fd is released even when it fails with {@code EINTR}.
     *
     * @param fd the fd
     * @return 0, or -1 with errno set
     */
    @SaveError
    int close(int fd);

    /**
     * shutdown(2); on an unconnected UDP socket it fails with {@code ENOTCONN} but still wakes
     * waiters (Linux {@code inet_shutdown}).
     *
     * @param sockfd the socket
     * @param how {@code SHUT_RDWR}
     * @return 0, or -1 with errno set
     */
    @SaveError
    int shutdown(int sockfd, int how);

    /**
     * setsockopt(2).
     *
     * @param sockfd the socket
     * @param level the level, such as {@code SOL_SOCKET}
     * @param optname the option
     * @param optval address of the value
     * @param optlen its size
     * @return 0, or -1 with errno set
     */
    @SaveError
    int setsockopt(int sockfd, int level, int optname, long optval, int optlen);

    /**
     * getsockopt(2).
     *
     * @param sockfd the socket
     * @param level the level
     * @param optname the option
     * @param optval address of the value buffer
     * @param optlen address of a {@code socklen_t} holding its size (updated)
     * @return 0, or -1 with errno set
     */
    @SaveError
    int getsockopt(int sockfd, int level, int optname, long optval, long optlen);

    /**
     * getsockname(2).
     *
     * @param sockfd the socket
     * @param addr address of a socket-address buffer
     * @param addrlen address of a {@code socklen_t} holding its size (updated)
     * @return 0, or -1 with errno set
     */
    @SaveError
    int getsockname(int sockfd, long addr, long addrlen);

    /**
     * recvmmsg(2). The timeout argument is always 0 (NULL): it is broken (see the man page's BUGS).
     *
     * @param sockfd the socket
     * @param msgvec address of a {@code struct mmsghdr} array
     * @param vlen its length (at most {@code UIO_MAXIOV} = 1024)
     * @param flags such as {@code MSG_DONTWAIT | MSG_TRUNC}
     * @param timeout address of a {@code struct timespec}, always 0
     * @return the number of messages received, or -1 with errno set
     */
    @SaveError
    int recvmmsg(int sockfd, long msgvec, int vlen, int flags, long timeout);

    /**
     * sendmmsg(2). May send fewer messages than asked; the error for the first unsent one is
     * reported by the next call.
     *
     * @param sockfd the socket
     * @param msgvec address of a {@code struct mmsghdr} array
     * @param vlen its length
     * @param flags such as {@code MSG_DONTWAIT}
     * @return the number of messages sent, or -1 with errno set
     */
    @SaveError
    int sendmmsg(int sockfd, long msgvec, int vlen, int flags);

    /**
     * recvmsg(2).
     *
     * @param sockfd the socket
     * @param msg address of a {@code struct msghdr}
     * @param flags such as {@code MSG_DONTWAIT | MSG_TRUNC}
     * @return the number of bytes (the full datagram length with {@code MSG_TRUNC}), or -1
     */
    @SaveError
    @ssize_t
    long recvmsg(int sockfd, long msg, int flags);

    /**
     * sendmsg(2).
     *
     * @param sockfd the socket
     * @param msg address of a {@code struct msghdr}
     * @param flags such as {@code MSG_DONTWAIT}
     * @return the number of bytes sent, or -1
     */
    @SaveError
    @ssize_t
    long sendmsg(int sockfd, long msg, int flags);

    /**
     * poll(2).
     *
     * @param fds address of a {@code struct pollfd} array
     * @param nfds its length ({@code nfds_t}, unsigned long)
     * @param timeout milliseconds, -1 for none
     * @return the number of ready fds, 0 on timeout, or -1 with errno set
     */
    @SaveError
    int poll(long fds, long nfds, int timeout);

    /**
     * eventfd(2).
     *
     * @param initval the initial counter
     * @param flags {@code EFD_NONBLOCK | EFD_CLOEXEC}
     * @return the fd, or -1 with errno set
     */
    @SaveError
    int eventfd(int initval, int flags);

    /**
     * eventfd_write(3): adds to the counter, making the eventfd readable.
     *
     * @param fd the eventfd
     * @param value the value to add ({@code eventfd_t}, uint64)
     * @return 0, or -1 with errno set
     */
    @SaveError
    int eventfd_write(int fd, long value);

    /**
     * fcntl(2), for reading flags ({@code F_GETFL}, {@code F_GETFD}). Declared with one fixed
     * integer argument: on x86_64 and aarch64 Linux an integer passes to a variadic function exactly as
     * to a fixed one.
     *
     * @param fd the fd
     * @param cmd the command
     * @param arg its argument (ignored by the getters)
     * @return the result, or -1 with errno set
     */
    @SaveError
    int fcntl(int fd, int cmd, int arg);

    /**
     * open(2) of a path given as the address of a NUL-terminated byte string.
     *
     * @param pathname the path's address
     * @param flags {@code O_*} flags
     * @return the fd, or -1 with errno
     */
    @SaveError
    int open(long pathname, int flags);

    /**
     * setns(2): moves the calling thread into the namespace an fd refers to (for a network namespace,
     * the sockets it creates from then on belong to it).
     *
     * @param fd an fd of a namespace file ({@code /proc/PID/ns/net}, {@code /var/run/netns/NAME})
     * @param nstype {@code CLONE_NEWNET}, or 0 for any
     * @return 0, or -1 with errno
     */
    @SaveError
    int setns(int fd, int nstype);

    /**
     * uname(2), for the kernel release (GRO is enabled only on 5.12 and later).
     * <pre>
     * struct utsname {            // glibc, Linux: six fields of 65 bytes, 390 in all
     *     char sysname[65];       // offset   0
     *     char nodename[65];      // offset  65
     *     char release[65];       // offset 130
     *     char version[65];       // offset 195
     *     char machine[65];       // offset 260
     *     char domainname[65];    // offset 325
     * };
     * </pre>
     *
     * @param buf address of a 390-byte {@code struct utsname}
     * @return 0, or -1 with errno set
     */
    @SaveError
    int uname(long buf);

    /**
     * strerror(3), for exception messages only.
     *
     * @param errnum an errno value
     * @return its description
     */
    @IgnoreError
    String strerror(int errnum);
}
