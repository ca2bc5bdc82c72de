/**
 * Not API: the JNR-FFI code behind {@code bind-linux}. Everything here may change in any release.
 *
 * <p>What lives here, one of each (see {@code STYLE.md}, "JNR in bind-linux"):
 * <ul>
 *   <li>{@link dev.batchudp.bind.linux.internal.LibC}, the only JNR interface, listing only the
 *       system calls used;
 *   <li>{@link dev.batchudp.bind.linux.internal.Syscalls}, the only caller of {@code LibC}: reads
 *       errno at once, retries {@code EINTR}, and hands failures to
 *       {@link dev.batchudp.bind.linux.internal.Errors};
 *   <li>one class per C struct ({@link dev.batchudp.bind.linux.internal.Iovec},
 *       {@link dev.batchudp.bind.linux.internal.Msghdr}, {@link dev.batchudp.bind.linux.internal.Mmsghdr},
 *       {@link dev.batchudp.bind.linux.internal.Cmsghdr},
 *       {@link dev.batchudp.bind.linux.internal.SockaddrIn},
 *       {@link dev.batchudp.bind.linux.internal.SockaddrIn6},
 *       {@link dev.batchudp.bind.linux.internal.Pollfd}): layout constants and accessors over
 *       preallocated direct memory, never a per-call allocation;
 *   <li>{@link dev.batchudp.bind.linux.internal.LinuxConstants} for the numeric values;
 *   <li>the sockets themselves: {@link dev.batchudp.bind.linux.internal.LinuxUdpSocket} and its
 *       batching view {@link dev.batchudp.bind.linux.internal.LinuxBatchingConn}.
 * </ul>
 * Linux on x86_64 and aarch64 (LP64, glibc or musl) only.
 */
package dev.batchudp.bind.linux.internal;
