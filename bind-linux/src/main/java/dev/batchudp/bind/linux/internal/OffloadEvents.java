package dev.batchudp.bind.linux.internal;

import dev.batchudp.bind.linux.LinuxBatching;
import dev.batchudp.bind.linux.OffloadListener;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide offload settings and events: the GSO/GRO properties, the kernel version (read once
 * with {@code uname}), the registered {@link OffloadListener} and the count of GSO shut-offs.
 */
public final class OffloadEvents {
    private static final Logger LOG = System.getLogger(OffloadEvents.class.getName());
    private static final LongAdder GSO_DISABLED = new LongAdder();
    private static volatile OffloadListener listener;

    private OffloadEvents() {}

    private static final class Kernel {
        static final KernelVersion VERSION;

        static {
            KernelVersion v;
            try {
                v = KernelVersion.parse(Syscalls.system().unameRelease());
            } catch (Throwable t) { // LinkageError included: no GRO, never throw
                LOG.log(Level.DEBUG, "uname failed; UDP GRO stays off", t);
                v = new KernelVersion(0, 0);
            }
            VERSION = v;
        }
    }

    /**
     * Returns whether the GSO property asks for GSO to stay off (read at each call).
     *
     * @return whether {@link LinuxBatching#GSO_DISABLED_PROPERTY} is {@code true}
     */
    public static boolean gsoDisabledByProperty() {
        return Boolean.parseBoolean(System.getProperty(LinuxBatching.GSO_DISABLED_PROPERTY,
                LinuxBatching.GSO_DISABLED_DEFAULT));
    }

    /**
     * Returns whether the GRO property asks for GRO to stay off (read at each call).
     *
     * @return whether {@link LinuxBatching#GRO_DISABLED_PROPERTY} is {@code true}
     */
    public static boolean groDisabledByProperty() {
        return Boolean.parseBoolean(System.getProperty(LinuxBatching.GRO_DISABLED_PROPERTY,
                LinuxBatching.GRO_DISABLED_DEFAULT));
    }

    /**
     * Returns whether the running kernel is new enough for {@code UDP_GRO} (5.12, as upstream).
     *
     * @return whether GRO may be enabled
     */
    public static boolean kernelAllowsGro() {
        return Kernel.VERSION.atLeast(KernelVersion.GRO_MINIMUM);
    }

    /**
     * Sets the listener.
     *
     * @param l the listener, or {@code null} for none
     */
    public static void setListener(OffloadListener l) {
        listener = l;
    }

    /**
     * Returns how many sockets turned GSO off in this process.
     *
     * @return the count
     */
    public static long gsoDisabledCount() {
        return GSO_DISABLED.sum();
    }

    /** Counts a shut-off and tells the listener. */
    static void gsoDisabled(InetSocketAddress local, IOException cause) {
        GSO_DISABLED.increment();
        OffloadListener l = listener;
        if (l != null) {
            try {
                l.gsoDisabled(local, cause);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "offload listener failed", e);
            }
        }
    }
}
