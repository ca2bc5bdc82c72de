package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.*;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * Finds out, once, what this kernel offers, by opening a real UDP socket (as Netty's {@code Epoll}
 * does): {@code recvmmsg} must answer a non-blocking call with {@code EAGAIN}, not {@code ENOSYS};
 * {@code getsockopt(SOL_UDP, UDP_SEGMENT)} and {@code getsockopt(SOL_UDP, UDP_GRO)} succeed where the
 * kernel knows GSO (4.18+) and GRO (5.0+); GRO is reported only on 5.12 and later (upstream's gate,
 * from {@code uname}).
 *
 * @param gso whether {@code UDP_SEGMENT} is known
 * @param gro whether {@code UDP_GRO} is known and the kernel is 5.12 or later
 */
public record NativeProbe(boolean gso, boolean gro) {

    /**
     * Runs the probe.
     *
     * @param sys the system calls
     * @return the findings
     * @throws IOException if a UDP socket, an eventfd or {@code recvmmsg} is not available
     */
    public static NativeProbe run(Syscalls sys) throws IOException {
        int fd = sys.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        try {
            int efd = sys.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            sys.close(efd);
            Arena arena = new Arena(1, Arena.MAX_DATAGRAM);
            ByteBuffer payload = DirectMemory.allocate(16);
            int n;
            try {
                arena.prepareReceive(0, payload, null);
                n = sys.recvmmsg(fd, arena.base, 1, MSG_DONTWAIT);
            } finally {
                Reference.reachabilityFence(payload);
                arena.release();
            }
            if (n != Syscalls.WOULD_BLOCK) {
                throw new IOException("recvmmsg on an empty socket returned " + n + " instead of EAGAIN");
            }
            boolean groKernel;
            try {
                groKernel = KernelVersion.parse(sys.unameRelease()).atLeast(KernelVersion.GRO_MINIMUM);
            } catch (IOException e) {
                groKernel = false;
            }
            return new NativeProbe(succeeds(sys, fd, UDP_SEGMENT), groKernel && succeeds(sys, fd, UDP_GRO));
        } finally {
            sys.close(fd);
        }
    }

    private static boolean succeeds(Syscalls sys, int fd, int option) {
        try {
            sys.getsockoptInt(fd, SOL_UDP, option);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
