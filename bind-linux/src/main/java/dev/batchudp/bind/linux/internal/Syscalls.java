package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.*;

import java.io.IOException;
import java.lang.ref.Reference;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.IntSupplier;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;

/**
 * The only caller of {@link LibC}. Every method reads errno right after a failed call, on the same
 * thread, retries {@code EINTR}, reports {@code EAGAIN} as {@link #WOULD_BLOCK} and sends every
 * other failure through {@link Errors}.
 *
 * <p>A {@code Syscalls} is built from a {@link LibC} and an errno source, so tests can inject a
 * fake or a fault-injecting delegate ({@link #Syscalls(LibC, IntSupplier)}); production code uses
 * {@link #system()}.
 */
public final class Syscalls {
    /** Returned by the I/O calls instead of throwing when the call would block ({@code EAGAIN}). */
    public static final int WOULD_BLOCK = -1;

    private final LibC libc;
    private final IntSupplier errno;

    /**
     * Creates a facade over a C library.
     *
     * @param libc the library (JNR's, a fake, or a delegate)
     * @param errno reads the errno the last call on this thread left
     */
    public Syscalls(LibC libc, IntSupplier errno) {
        this.libc = Objects.requireNonNull(libc, "libc");
        this.errno = Objects.requireNonNull(errno, "errno");
    }

    private static final class Holder {
        static final Syscalls SYSTEM;

        static {
            LibC libc = LibraryLoader.create(LibC.class)
                    .load(Platform.getNativePlatform().getStandardCLibraryName());
            Runtime runtime = Runtime.getRuntime(libc);
            SYSTEM = new Syscalls(libc, () -> LastError.getLastError(runtime));
        }
    }

    /**
     * Returns the facade over the process's C library, loading it on first use.
     *
     * @return the facade
     * @throws LinkageError (such as {@link UnsatisfiedLinkError} or {@link ExceptionInInitializerError})
     *     if the library or jffi cannot be loaded
     */
    public static Syscalls system() {
        return Holder.SYSTEM;
    }

    /**
     * Returns the library this facade calls, so tests can wrap it.
     *
     * @return the library
     */
    public LibC libc() {
        return libc;
    }

    /**
     * After a failed call: reads errno at once; returns for {@code EINTR} (the caller retries) and
     * throws the mapped exception for anything else.
     */
    private void retryOrThrow(String syscall) throws IOException {
        int err = errno.getAsInt();
        if (!Errors.isInterrupted(err)) {
            throw fail(syscall, err);
        }
    }

    /**
     * After a failed data-path call: reads errno at once; {@code true} for {@code EAGAIN} (the call
     * would block), {@code false} for {@code EINTR} (retry), and throws the mapped exception for
     * anything else.
     */
    private boolean wouldBlockOrRetry(String syscall) throws IOException {
        int err = errno.getAsInt();
        if (Errors.isWouldBlock(err)) {
            return true;
        }
        if (Errors.isInterrupted(err)) {
            return false;
        }
        throw fail(syscall, err);
    }

    /**
     * Returns the errno source, so tests can wrap the library and keep the real errno.
     *
     * @return the errno source
     */
    public IntSupplier errnoSource() {
        return errno;
    }

    private IOException fail(String syscall, int err) {
        return Errors.exception(syscall, err, strerror(err));
    }

    /**
     * Returns strerror(3) for an errno, or {@code null} if it cannot be had.
     *
     * @param err the errno
     * @return the description
     */
    public String strerror(int err) {
        try {
            return libc.strerror(err);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * socket(2).
     *
     * @param domain the domain
     * @param type the type and flags
     * @param protocol the protocol
     * @return the fd
     * @throws IOException on failure
     */
    public int socket(int domain, int type, int protocol) throws IOException {
        for (;;) {
            int fd = libc.socket(domain, type, protocol);
            if (fd >= 0) {
                return fd;
            }
            retryOrThrow("socket");
        }
    }

    /**
     * eventfd(2).
     *
     * @param initval the initial counter
     * @param flags the flags
     * @return the fd
     * @throws IOException on failure
     */
    public int eventfd(int initval, int flags) throws IOException {
        for (;;) {
            int fd = libc.eventfd(initval, flags);
            if (fd >= 0) {
                return fd;
            }
            retryOrThrow("eventfd");
        }
    }

    /**
     * eventfd_write(3), ignoring a full counter ({@code EAGAIN}: already signalled).
     *
     * @param fd the eventfd
     * @param value what to add
     * @return 0, or the errno of a failure other than {@code EAGAIN}
     */
    public int eventfdWrite(int fd, long value) {
        for (;;) {
            if (libc.eventfd_write(fd, value) == 0) {
                return 0;
            }
            int err = errno.getAsInt();
            if (Errors.isWouldBlock(err)) {
                return 0;
            }
            if (!Errors.isInterrupted(err)) {
                return err;
            }
        }
    }

    /**
     * close(2), never retried (Linux frees the fd even when close fails with {@code EINTR}).
     *
     * @param fd the fd
     * @return 0, or the errno
     */
    public int close(int fd) {
        return libc.close(fd) == 0 ? 0 : errno.getAsInt();
    }

    /**
     * shutdown(2), ignoring {@code ENOTCONN} (which unconnected UDP sockets report while still waking
     * their waiters).
     *
     * @param fd the socket
     * @param how {@code SHUT_RDWR}
     * @return 0, or the errno of another failure
     */
    public int shutdown(int fd, int how) {
        for (;;) {
            if (libc.shutdown(fd, how) == 0) {
                return 0;
            }
            int err = errno.getAsInt();
            if (err == ENOTCONN) {
                return 0;
            }
            if (!Errors.isInterrupted(err)) {
                return err;
            }
        }
    }

    /**
     * setsockopt(2) with an {@code int} value.
     *
     * @param fd the socket
     * @param level the level
     * @param name the option
     * @param value the value
     * @throws IOException on failure
     */
    public void setsockoptInt(int fd, int level, int name, int value) throws IOException {
        int err = trySetsockoptInt(fd, level, name, value);
        if (err != 0) {
            throw fail("setsockopt", err);
        }
    }

    /**
     * setsockopt(2) with an {@code int} value, reporting failure as an errno.
     *
     * @param fd the socket
     * @param level the level
     * @param name the option
     * @param value the value
     * @return 0, or the errno
     */
    public int trySetsockoptInt(int fd, int level, int name, int value) {
        ByteBuffer scratch = DirectMemory.allocate(8);
        scratch.putInt(0, value);
        long address = DirectMemory.address(scratch);
        try {
            for (;;) {
                if (libc.setsockopt(fd, level, name, address, 4) == 0) {
                    return 0;
                }
                int err = errno.getAsInt();
                if (!Errors.isInterrupted(err)) {
                    return err;
                }
            }
        } finally {
            Reference.reachabilityFence(scratch); // the kernel read it through a bare address
        }
    }

    /**
     * getsockopt(2) of an {@code int} option.
     *
     * @param fd the socket
     * @param level the level
     * @param name the option
     * @return the value
     * @throws IOException on failure
     */
    public int getsockoptInt(int fd, int level, int name) throws IOException {
        ByteBuffer scratch = DirectMemory.allocate(16);
        long address = DirectMemory.address(scratch);
        try {
            for (;;) {
                scratch.putInt(0, 0);
                scratch.putInt(8, 4); // socklen_t optlen
                if (libc.getsockopt(fd, level, name, address, address + 8) == 0) {
                    return scratch.getInt(0);
                }
                retryOrThrow("getsockopt");
            }
        } finally {
            Reference.reachabilityFence(scratch);
        }
    }

    /**
     * The socket's kernel drop count ({@code sk_drops}: datagrams dropped because the receive queue
     * was full, plus checksum and filter drops), from {@code getsockopt(SO_MEMINFO)}: one call on the
     * socket itself, so it works in any network namespace and costs nothing on the I/O paths.
     *
     * @param fd the socket
     * @return the count (an unsigned 32-bit counter), or -1 on a kernel without {@code SO_MEMINFO}
     * @throws IOException on another failure
     */
    public long socketDrops(int fd) throws IOException {
        int size = 4 * LinuxConstants.SK_MEMINFO_VARS;
        ByteBuffer scratch = DirectMemory.allocate(size + 8);
        long address = DirectMemory.address(scratch);
        try {
            for (;;) {
                scratch.putInt(size, size); // socklen_t optlen, after the array
                if (libc.getsockopt(fd, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_MEMINFO, address,
                        address + size) == 0) {
                    if (scratch.getInt(size) < 4 * (LinuxConstants.SK_MEMINFO_DROPS + 1)) {
                        return -1; // an older kernel's shorter array
                    }
                    return scratch.getInt(4 * LinuxConstants.SK_MEMINFO_DROPS) & 0xFFFF_FFFFL;
                }
                int err = errno.getAsInt();
                if (err == LinuxConstants.ENOPROTOOPT) {
                    return -1;
                }
                if (!Errors.isInterrupted(err)) {
                    throw fail("getsockopt(SO_MEMINFO)", err);
                }
            }
        } finally {
            Reference.reachabilityFence(scratch);
        }
    }

    /**
     * bind(2).
     *
     * @param fd the socket
     * @param local the address
     * @param inet6 whether the socket is {@code AF_INET6}
     * @throws IOException on failure ({@link java.net.BindException} when the address is taken)
     */
    public void bind(int fd, InetSocketAddress local, boolean inet6) throws IOException {
        ByteBuffer addr = DirectMemory.allocate(SockaddrIn6.SLOT);
        int len = SocketAddressCodec.encode(addr, 0, local, inet6);
        long address = DirectMemory.address(addr);
        try {
            bind(fd, address, len, local);
        } finally {
            Reference.reachabilityFence(addr);
        }
    }

    private void bind(int fd, long address, int len, InetSocketAddress local) throws IOException {
        for (;;) {
            if (libc.bind(fd, address, len) == 0) {
                return;
            }
            int err = errno.getAsInt();
            if (!Errors.isInterrupted(err)) {
                IOException e = fail("bind", err);
                if (e instanceof java.net.BindException) {
                    java.net.BindException be = new java.net.BindException(
                            Errors.describe(err) + ": bind to " + local + " (" + e.getMessage() + ")");
                    be.initCause(e);
                    throw be;
                }
                throw e;
            }
        }
    }

    /**
     * connect(2).
     *
     * @param fd the socket
     * @param remote the address
     * @param inet6 whether the socket is {@code AF_INET6}
     * @throws IOException on failure
     */
    public void connect(int fd, InetSocketAddress remote, boolean inet6) throws IOException {
        ByteBuffer addr = DirectMemory.allocate(SockaddrIn6.SLOT);
        int len = SocketAddressCodec.encode(addr, 0, remote, inet6);
        long address = DirectMemory.address(addr);
        try {
            for (;;) {
                if (libc.connect(fd, address, len) == 0) {
                    return;
                }
                retryOrThrow("connect");
            }
        } finally {
            Reference.reachabilityFence(addr);
        }
    }

    /**
     * getsockname(2).
     *
     * @param fd the socket
     * @return the bound address, IPv4-mapped addresses unmapped
     * @throws IOException on failure
     */
    public InetSocketAddress getsockname(int fd) throws IOException {
        ByteBuffer addr = DirectMemory.allocate(SockaddrIn6.SLOT + 8);
        long address = DirectMemory.address(addr);
        try {
            for (;;) {
                addr.putInt(SockaddrIn6.SLOT, SockaddrIn6.SLOT);
                if (libc.getsockname(fd, address, address + SockaddrIn6.SLOT) == 0) {
                    return SocketAddressCodec.decode(addr, 0);
                }
                retryOrThrow("getsockname");
            }
        } finally {
            Reference.reachabilityFence(addr);
        }
    }

    /**
     * recvmmsg(2) without its (broken) timeout.
     *
     * @param fd the socket
     * @param msgvec address of the {@code mmsghdr} array
     * @param vlen how many
     * @param flags the flags
     * @return the number received, or {@link #WOULD_BLOCK}
     * @throws IOException on failure
     */
    public int recvmmsg(int fd, long msgvec, int vlen, int flags) throws IOException {
        for (;;) {
            int n = libc.recvmmsg(fd, msgvec, vlen, flags, 0L);
            if (n >= 0) {
                return n;
            }
            if (wouldBlockOrRetry("recvmmsg")) {
                return WOULD_BLOCK;
            }
        }
    }

    /**
     * sendmmsg(2).
     *
     * @param fd the socket
     * @param msgvec address of the {@code mmsghdr} array
     * @param vlen how many
     * @param flags the flags
     * @return the number sent (possibly fewer than {@code vlen}), or {@link #WOULD_BLOCK}
     * @throws IOException on failure
     */
    public int sendmmsg(int fd, long msgvec, int vlen, int flags) throws IOException {
        for (;;) {
            int n = libc.sendmmsg(fd, msgvec, vlen, flags);
            if (n >= 0) {
                return n;
            }
            if (wouldBlockOrRetry("sendmmsg")) {
                return WOULD_BLOCK;
            }
        }
    }

    /**
     * recvmsg(2).
     *
     * @param fd the socket
     * @param msg address of the {@code msghdr}
     * @param flags the flags
     * @return the byte count, or {@link #WOULD_BLOCK}
     * @throws IOException on failure
     */
    public long recvmsg(int fd, long msg, int flags) throws IOException {
        for (;;) {
            long n = libc.recvmsg(fd, msg, flags);
            if (n >= 0) {
                return n;
            }
            if (wouldBlockOrRetry("recvmsg")) {
                return WOULD_BLOCK;
            }
        }
    }

    /**
     * sendmsg(2).
     *
     * @param fd the socket
     * @param msg address of the {@code msghdr}
     * @param flags the flags
     * @return the byte count, or {@link #WOULD_BLOCK}
     * @throws IOException on failure
     */
    public long sendmsg(int fd, long msg, int flags) throws IOException {
        for (;;) {
            long n = libc.sendmsg(fd, msg, flags);
            if (n >= 0) {
                return n;
            }
            if (wouldBlockOrRetry("sendmsg")) {
                return WOULD_BLOCK;
            }
        }
    }

    /**
     * poll(2). An {@code EINTR} returns 0, as a timeout would, so the caller recomputes its
     * remaining time and calls again.
     *
     * @param fds address of the {@code pollfd} array
     * @param nfds how many
     * @param timeoutMillis milliseconds, -1 for none
     * @return the number of ready fds, 0 on timeout or interruption
     * @throws IOException on failure
     */
    public int poll(long fds, int nfds, int timeoutMillis) throws IOException {
        int n = libc.poll(fds, nfds, timeoutMillis);
        if (n >= 0) {
            return n;
        }
        int err = errno.getAsInt();
        if (Errors.isInterrupted(err) || Errors.isWouldBlock(err)) {
            return 0;
        }
        throw fail("poll", err);
    }

    /**
     * fcntl(2) with an integer argument.
     *
     * @param fd the fd
     * @param cmd the command
     * @param arg the argument
     * @return the result
     * @throws IOException on failure
     */
    public int fcntl(int fd, int cmd, int arg) throws IOException {
        for (;;) {
            int r = libc.fcntl(fd, cmd, arg);
            if (r >= 0) {
                return r;
            }
            retryOrThrow("fcntl");
        }
    }

    /** {@code sizeof(struct utsname)} on Linux/glibc. */
    static final int UTSNAME_SIZE = 390;
    /** {@code offsetof(struct utsname, release)}. */
    static final int UTSNAME_RELEASE = 130;
    /** Length of each {@code struct utsname} field. */
    static final int UTSNAME_FIELD = 65;

    /**
     * uname(2)'s {@code release} field, such as {@code "6.8.0-45-generic"}.
     *
     * @return the release
     * @throws IOException on failure
     */
    public String unameRelease() throws IOException {
        ByteBuffer buf = DirectMemory.allocate(UTSNAME_SIZE);
        int result = libc.uname(DirectMemory.address(buf));
        Reference.reachabilityFence(buf);
        if (result != 0) {
            throw fail("uname", errno.getAsInt());
        }
        StringBuilder release = new StringBuilder();
        for (int i = 0; i < UTSNAME_FIELD; i++) {
            byte b = buf.get(UTSNAME_RELEASE + i);
            if (b == 0) {
                break;
            }
            release.append((char) (b & 0xff));
        }
        return release.toString();
    }

    /**
     * open(2) read-only and close-on-exec, retrying {@code EINTR}.
     *
     * @param path the path (bytes of the platform charset, no NUL)
     * @return the fd
     * @throws IOException on failure
     */
    public int openReadOnly(String path) throws IOException {
        byte[] bytes = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer buf = DirectMemory.allocate(bytes.length + 1);
        buf.put(0, bytes).put(bytes.length, (byte) 0);
        try {
            for (;;) {
                int fd = libc.open(DirectMemory.address(buf), LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC);
                if (fd >= 0) {
                    return fd;
                }
                retryOrThrow("open");
            }
        } finally {
            Reference.reachabilityFence(buf);
        }
    }

    /**
     * setns(2) for the calling thread.
     *
     * @param fd the namespace's fd
     * @param nstype {@code CLONE_NEWNET} or 0
     * @throws IOException on failure ({@code EPERM} without {@code CAP_SYS_ADMIN})
     */
    public void setns(int fd, int nstype) throws IOException {
        if (libc.setns(fd, nstype) != 0) {
            throw fail("setns", errno.getAsInt());
        }
    }
}
