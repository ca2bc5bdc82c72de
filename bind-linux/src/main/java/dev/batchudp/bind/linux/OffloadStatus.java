package dev.batchudp.bind.linux;

import java.io.IOException;
import java.util.Optional;

/**
 * UDP offload state and system-call counters of one batching connection of this module, for tests
 * and observability: {@code connection.capability(OffloadStatus.class)} on a socket upgraded by
 * {@link LinuxBatching#tryUpgradeToBatchingConn} or by {@code StdNetBind} (through
 * {@code bind.connection(family)}); empty on a socket that is not upgraded.
 *
 * <p>Counters are read without synchronisation: exact once the connection is idle.
 *
 * @since 0.1
 */
public interface OffloadStatus {
    /**
     * Returns whether sends coalesce datagrams with {@code UDP_SEGMENT} (GSO): the kernel accepted
     * the option on this socket, {@value LinuxBatching#GSO_DISABLED_PROPERTY} was not {@code true}
     * when the socket was upgraded, and no send has turned it off since.
     *
     * @return whether transmit offload is on
     */
    boolean txOffload();

    /**
     * Returns whether the socket receives coalesced datagrams ({@code UDP_GRO}, Linux 5.12+, not
     * turned off with {@value LinuxBatching#GRO_DISABLED_PROPERTY}); reads split them again.
     *
     * @return whether receive offload is on
     */
    boolean rxOffload();

    /**
     * Returns how many times GSO was turned off on this connection (0 or 1: it stays off).
     *
     * @return the count
     */
    long gsoDisabledCount();

    /**
     * Returns why GSO was turned off, if it was.
     *
     * @return the failure of the segmented send, or empty
     */
    Optional<IOException> gsoDisabledCause();

    /**
     * Returns how many segmented sends failed and were resent unsegmented: after {@code EIO} or
     * {@code EINVAL} (which also turn GSO off) and after {@code EMSGSIZE} (which does not).
     *
     * @return the count
     */
    long gsoFallbackCount();

    /**
     * Returns how many {@code sendmmsg} calls the batch writes made.
     *
     * @return the count
     */
    long sendCalls();

    /**
     * Returns how many {@code sendmmsg} entries the kernel accepted; with GSO one entry carries up
     * to 64 datagrams.
     *
     * @return the count
     */
    long sentKernelMessages();

    /**
     * Returns how many {@code recvmmsg} calls the batch reads made (calls answered with
     * {@code EAGAIN} included).
     *
     * @return the count
     */
    long receiveCalls();

    /**
     * Returns how many datagrams the kernel delivered as it saw them: a coalesced ({@code UDP_GRO})
     * datagram counts once, however many datagrams it is split into.
     *
     * @return the count
     */
    long receivedKernelMessages();
}
