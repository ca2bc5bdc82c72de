/**
 * The Linux fast path: UDP sockets owned through {@code socket(2)} and batched I/O with
 * {@code recvmmsg(2)}/{@code sendmmsg(2)}, called through JNR-FFI.
 *
 * <p>Nothing here needs to be called directly: with this module on the class path, the system
 * network ({@code dev.batchudp.network.system}) picks the {@code linux} socket backend
 * ({@link dev.batchudp.bind.linux.LinuxUdpBackend}) and {@code StdNetBind} upgrades its sockets
 * through {@link dev.batchudp.bind.linux.LinuxBatchingConnProvider}, both found with
 * {@link java.util.ServiceLoader}. {@link dev.batchudp.bind.linux.LinuxBatching} reports whether the
 * fast path is available here and why not; setting {@code -Ddev.batchudp.bind.linux.disabled=true}
 * forces the portable path.
 *
 * <p>Loading any class of this package never throws on other operating systems.
 */
package dev.batchudp.bind.linux;
