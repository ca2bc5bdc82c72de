package dev.batchudp.bind.linux;

import dev.batchudp.bind.linux.internal.LinuxConstants;
import dev.batchudp.bind.linux.internal.NativeProbe;
import dev.batchudp.bind.linux.internal.Syscalls;
import dev.batchudp.bind.linux.internal.Upgrades;
import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Entry point of the Linux fast path: whether it is available, and batchudp's
 * {@code TryUpgradeToBatchingConn}.
 *
 * <p>Availability, in the manner of Netty's {@code Epoll}: the module works on Linux on x86_64 and
 * aarch64 when jnr-ffi can load the C library and a real UDP socket answers the probe
 * ({@code socket}, {@code eventfd}, a non-blocking {@code recvmmsg}). The probe runs once, on first
 * use. The kill switch {@value #DISABLED_PROPERTY}{@code =true} makes the module unavailable without
 * touching native code; it is read on every call. When unavailable, {@code StdNetBind} and the
 * system network fall back to the JDK path; {@link #unavailabilityCause()} says why.
 *
 * <p>This class loads, and answers, on every operating system. When the probe fails on Linux
 * x86_64/aarch64, one {@code WARNING} naming the cause and the fix is logged to the
 * {@link System.Logger} {@code dev.batchudp.bind.linux.LinuxBatching} (on another platform, one
 * {@code INFO}); the kill switch logs nothing.
 *
 * @since 0.1
 */
public final class LinuxBatching {
    /** System property that, set to {@code true}, turns this module off (the portable path is used). */
    public static final String DISABLED_PROPERTY = "dev.batchudp.bind.linux.disabled";

    /** Default of {@link #DISABLED_PROPERTY}: {@code false}, the module is used where it works. */
    public static final String DISABLED_DEFAULT = "false";

    /**
     * System property that, set to {@code true}, keeps UDP segmentation offload ({@code UDP_SEGMENT})
     * off: batch writes send one {@code sendmmsg} entry per datagram. Read when a socket is upgraded
     * to a batching connection; sockets upgraded earlier keep their setting.
     */
    public static final String GSO_DISABLED_PROPERTY = "dev.batchudp.bind.linux.gso.disabled";

    /** Default of {@link #GSO_DISABLED_PROPERTY}: {@code false}, GSO is used where the kernel accepts it. */
    public static final String GSO_DISABLED_DEFAULT = "false";

    /**
     * System property that, set to {@code true}, keeps UDP receive coalescing ({@code UDP_GRO}) off.
     * Read when a socket is upgraded to a batching connection.
     */
    public static final String GRO_DISABLED_PROPERTY = "dev.batchudp.bind.linux.gro.disabled";

    /**
     * Default of {@link #GRO_DISABLED_PROPERTY}: {@code false}, GRO is used on Linux 5.12 and later
     * where the kernel accepts it.
     */
    public static final String GRO_DISABLED_DEFAULT = "false";

    /**
     * Room a receive control buffer needs so that nothing an upgraded socket delivers is cut off
     * ({@code MSG_CTRUNC}): the packet-info record every upgraded socket enables (sticky sources;
     * {@code CMSG_SPACE(sizeof(struct in6_pktinfo))} = 40 bytes, 32 for IPv4) plus the
     * {@code UDP_GRO} record ({@code CMSG_SPACE(sizeof(int))} = 24): 64 bytes on 64-bit Linux.
     * Larger than batchudp's {@code MinControlMessageSize()} (24, the {@code UDP_GRO} record alone),
     * which does not enable packet info on the same read.
     */
    public static final int MIN_CONTROL_MESSAGE_SIZE = LinuxConstants.RECEIVE_CONTROL_SIZE;

    /** The batch size used when {@link #tryUpgradeToBatchingConn} is given 0 or less: 128. */
    public static final int DEFAULT_BATCH_SIZE = dev.batchudp.bind.Bind.IDEAL_BATCH_SIZE;

    private static final Logger LOG = System.getLogger(LinuxBatching.class.getName());

    private LinuxBatching() {}

    /** Runs the probe once, on first use, catching everything. */
    private static final class Probe {
        static final Throwable CAUSE;
        static final boolean GSO;
        static final boolean GRO;

        static {
            Throwable cause = null;
            boolean gso = false;
            boolean gro = false;
            String os = System.getProperty("os.name", "");
            String arch = System.getProperty("os.arch", "");
            boolean platform = os.toLowerCase(Locale.ROOT).startsWith("linux")
                    && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
            try {
                if (!platform) {
                    throw new UnsupportedOperationException(
                            "bind-linux needs Linux on x86_64 or aarch64; this is " + os + " on " + arch);
                }
                NativeProbe probe = NativeProbe.run(Syscalls.system());
                gso = probe.gso();
                gro = probe.gro();
            } catch (Throwable t) { // LinkageError from jffi included: report, never throw
                cause = t;
                if (platform) {
                    LOG.log(Level.WARNING, unavailableMessage(t), t);
                } else {
                    LOG.log(Level.INFO, unavailableMessage(t));
                }
            }
            CAUSE = cause;
            GSO = gso;
            GRO = gro;
        }
    }

    /**
     * The one line logged when the probe fails: what is lost, the cause, and what to do about it.
     * Package-private for tests.
     */
    static String unavailableMessage(Throwable cause) {
        String fix;
        if (chainMentions(cause, "org/objectweb/asm") || chainMentions(cause, "org.objectweb.asm")) {
            fix = "put ASM (org.ow2.asm:asm, asm-commons, asm-tree, asm-analysis, asm-util, which jnr-ffi"
                    + " depends on) on the class or module path";
        } else if (chainThrownBy(cause, "sun.misc.Unsafe")) {
            fix = "use jffi 1.4.3 or later (older jffi needs sun.misc.Unsafe, which this JVM denies); check"
                    + " that nothing in your build downgrades com.github.jnr:jffi";
        } else if (chainHas(cause, LinkageError.class)) {
            fix = "put com.github.jnr:jffi with classifier native (same version as com.github.jnr:jffi) on"
                    + " the class or module path, and let jffi extract its stub: java.io.tmpdir (or"
                    + " -Djffi.extract.dir) must be writable and not mounted noexec";
        } else if (cause instanceof UnsupportedOperationException) {
            fix = "remove batchudp-bind-linux from this platform's class path";
        } else {
            fix = "see the cause below (LinuxBatching.unavailabilityCause() returns it)";
        }
        return "batchudp: the Linux fast path (batchudp-bind-linux) is present but unusable, so StdNetBind"
                + " falls back to the portable JDK path (batch size 1, no IPv6-only sockets). Cause: " + describe(cause)
                + ". Fix: " + fix + ". To use the portable path without this message, set -D"
                + DISABLED_PROPERTY + "=true.";
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? firstLine(t) : firstLine(t) + " caused by " + firstLine(root);
    }

    private static String firstLine(Throwable t) {
        String text = t.toString();
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end).strip();
    }

    private static boolean chainMentions(Throwable t, String text) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (String.valueOf(c.getMessage()).contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static boolean chainThrownBy(Throwable t, String className) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            for (StackTraceElement frame : c.getStackTrace()) {
                if (frame.getClassName().equals(className)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean chainHas(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean disabled() {
        return Boolean.parseBoolean(System.getProperty(DISABLED_PROPERTY, DISABLED_DEFAULT));
    }

    /**
     * Returns whether the Linux fast path can be used here.
     *
     * @return {@code true} on Linux x86_64/aarch64 with working native access, unless disabled
     */
    public static boolean isAvailable() {
        return !disabled() && Probe.CAUSE == null;
    }

    /**
     * Returns why the fast path cannot be used, or empty if it can.
     *
     * @return the cause: the kill switch, the platform, or the native failure
     */
    public static Optional<Throwable> unavailabilityCause() {
        if (disabled()) {
            return Optional.of(new UnsupportedOperationException(
                    "bind-linux is disabled by -D" + DISABLED_PROPERTY + "=true"));
        }
        return Optional.ofNullable(Probe.CAUSE);
    }

    /**
     * Throws if the fast path cannot be used.
     *
     * @throws UnsupportedOperationException with {@link #unavailabilityCause()} as its cause
     */
    public static void ensureAvailability() {
        Optional<Throwable> cause = unavailabilityCause();
        if (cause.isPresent()) {
            throw new UnsupportedOperationException("bind-linux is unavailable: " + cause.get().getMessage(),
                    cause.get());
        }
    }

    /**
     * Returns whether the kernel knows UDP generic segmentation offload ({@code UDP_SEGMENT},
     * Linux 4.18+), as probed once on a real socket. Batching connections probe their own socket again
     * when upgraded and then use GSO unless {@value #GSO_DISABLED_PROPERTY} is {@code true}; see
     * {@link OffloadStatus#txOffload()} for one connection's state.
     *
     * @return whether {@code getsockopt(SOL_UDP, UDP_SEGMENT)} succeeded; {@code false} when unavailable
     */
    public static boolean supportsGso() {
        return isAvailable() && Probe.GSO;
    }

    /**
     * Returns whether UDP generic receive offload ({@code UDP_GRO}) can be used: the kernel is 5.12 or
     * later (upstream's gate, from {@code uname}) and {@code getsockopt(SOL_UDP, UDP_GRO)} succeeded
     * on a probe socket. Batching connections enable it on their socket when upgraded unless
     * {@value #GRO_DISABLED_PROPERTY} is {@code true}; see {@link OffloadStatus#rxOffload()}.
     *
     * @return whether GRO can be enabled; {@code false} when unavailable
     */
    public static boolean supportsGro() {
        return isAvailable() && Probe.GRO;
    }

    /**
     * Registers the listener told when a socket turns GSO off after a failed segmented send
     * ({@code EIO}/{@code EINVAL}). One listener per process; the event is also logged at
     * {@code WARNING} and counted.
     *
     * @param listener the listener, or {@code null} to remove it
     */
    public static void setOffloadListener(OffloadListener listener) {
        dev.batchudp.bind.linux.internal.OffloadEvents.setListener(listener);
    }

    /**
     * Returns how many sockets turned GSO off in this process since it started.
     *
     * @return the count
     */
    public static long gsoDisabledCount() {
        if (Probe.CAUSE != null) {
            return 0;
        }
        return dev.batchudp.bind.linux.internal.OffloadEvents.gsoDisabledCount();
    }

    /**
     * Returns whether {@code recvmmsg}/{@code sendmmsg} can be used: the same as
     * {@link #isAvailable()}, since the probe requires them.
     *
     * @return whether batched system calls work
     */
    public static boolean supportsRecvmmsg() {
        return isAvailable();
    }

    /**
     * batchudp's {@code TryUpgradeToBatchingConn}: returns the batched I/O of a socket of this
     * module's {@code linux} backend, and empty otherwise (loopback and JDK sockets, wrappers, other
     * operating systems, the module disabled). A socket that is already upgraded returns the
     * {@link BatchingConn} it has, whatever {@code batchSize} says.
     *
     * <p>The batching connection is a capability of the socket, not a second connection: its
     * {@link BatchingConn#connection() connection()} is {@code connection},
     * which from then on also answers {@code capability(BatchingConn.class)} and
     * {@code capability(OffloadStatus.class)}, and closing the socket ends the batched I/O.
     *
     * @param connection the connection
     * @param network the family the caller opened the connection as ({@code udp4}/{@code udp6});
     *     for a connection of another family the result is empty; {@link UdpFamily#UDP} or
     *     {@code null} accept any
     * @param batchSize the batch size, at most 1024; 0 or less for {@value #DEFAULT_BATCH_SIZE}
     * @return the batching connection, or empty
     * @throws IllegalArgumentException if {@code batchSize} exceeds 1024 ({@code UIO_MAXIOV})
     */
    public static Optional<BatchingConn> tryUpgradeToBatchingConn(UdpConnection connection, UdpFamily network,
            int batchSize) {
        Objects.requireNonNull(connection, "connection");
        if (!isAvailable()) {
            return Optional.empty();
        }
        return Upgrades.tryUpgrade(connection, network, batchSize);
    }
}
