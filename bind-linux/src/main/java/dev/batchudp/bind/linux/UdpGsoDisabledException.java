package dev.batchudp.bind.linux;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A send with UDP segmentation offload failed in a way that means the path cannot segment
 * ({@code EIO}: the device lacks checksum offload; {@code EINVAL}), GSO was turned off for the socket,
 * and the unsegmented resend of the datagrams that had not gone out failed too. The message says so
 * in wireguard-go's words; {@link #getCause()} is the resend's failure, {@link #gsoFailure()} the
 * original one.
 *
 * <p>Not thrown when the resend succeeds: then the send returns normally. (wireguard-go's
 * {@code conn/bind_std.go} returns {@code ErrUDPGSODisabled} even when the resend succeeded, so a caller
 * that treats every error as fatal drops a send that went out.) The event is logged
 * once at {@code WARNING}, counted ({@link OffloadStatus#gsoDisabledCount()},
 * {@link LinuxBatching#gsoDisabledCount()}) and reported to the {@link OffloadListener}.
 *
 * @since 0.1
 */
public class UdpGsoDisabledException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The socket's local address. */
    private final InetSocketAddress localAddress;
    /** The failure of the segmented send. */
    private final IOException gsoFailure;

    /**
     * Creates the exception.
     *
     * @param localAddress the socket's local address
     * @param gsoFailure the failure of the segmented send that turned GSO off
     * @param retryFailure the failure of the unsegmented resend
     */
    public UdpGsoDisabledException(InetSocketAddress localAddress, IOException gsoFailure, IOException retryFailure) {
        super("disabled UDP GSO on " + localAddress + ", NIC(s) may not support checksum offload ("
                + Objects.requireNonNull(gsoFailure, "gsoFailure").getMessage() + "); the unsegmented resend failed: "
                + Objects.requireNonNull(retryFailure, "retryFailure").getMessage(), retryFailure);
        this.localAddress = localAddress;
        this.gsoFailure = gsoFailure;
    }

    /**
     * Returns the local address of the socket whose GSO was turned off.
     *
     * @return the address
     */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * Returns the failure of the segmented send, such as a {@link NativeIoException} with
     * {@code EIO}.
     *
     * @return the failure
     */
    public IOException gsoFailure() {
        return gsoFailure;
    }
}
