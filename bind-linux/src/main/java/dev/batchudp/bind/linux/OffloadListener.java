package dev.batchudp.bind.linux;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Told when a socket turns UDP segmentation offload off after a segmented send failed with
 * {@code EIO} or {@code EINVAL}. Register one with {@link LinuxBatching#setOffloadListener}. Called
 * on the sending thread, after the unsegmented resend was prepared and before it runs; it must return
 * quickly and not send on the same socket. Exceptions it throws are logged and ignored.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface OffloadListener {
    /**
     * Reports that GSO was turned off for a socket; it stays off until the socket closes.
     *
     * @param localAddress the socket's local address
     * @param cause the failure of the segmented send (a {@link NativeIoException})
     */
    void gsoDisabled(InetSocketAddress localAddress, IOException cause);
}
