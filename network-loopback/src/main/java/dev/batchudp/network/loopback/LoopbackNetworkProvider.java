package dev.batchudp.network.loopback;

import dev.batchudp.network.NetworkOptions;
import dev.batchudp.network.spi.NetworkProvider;
import java.util.Optional;

/**
 * The {@code loopback} provider: opens a new, isolated {@link LoopbackNetwork} each time. It is always
 * available but never chosen by default, so it is used only when asked for by name
 * ({@code Networks.open("loopback")} or {@code -Ddev.batchudp.network.provider=loopback}).
 *
 * <p>Options read by {@link #open(NetworkOptions)}, each overriding
 * {@link LoopbackConfiguration#defaults()}:
 * <table class="striped">
 *   <caption>Options</caption>
 *   <thead><tr><th>Key</th><th>Default</th><th>Meaning</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@value #MTU_OPTION}</td><td>{@value LoopbackConfiguration#MTU_DEFAULT}</td>
 *         <td>{@link LoopbackConfiguration#mtu()}</td></tr>
 *     <tr><td>{@value #QUEUE_CAPACITY_OPTION}</td>
 *         <td>{@value LoopbackConfiguration#RECEIVE_QUEUE_CAPACITY_DEFAULT}</td>
 *         <td>{@link LoopbackConfiguration#receiveQueueCapacity()}, in datagrams</td></tr>
 *     <tr><td>{@value #QUEUE_BYTES_OPTION}</td>
 *         <td>{@value LoopbackConfiguration#RECEIVE_QUEUE_BYTES_DEFAULT}</td>
 *         <td>{@link LoopbackConfiguration#receiveQueueBytes()}</td></tr>
 *     <tr><td>{@value #RECORD_OPEN_STACK_TRACES_OPTION}</td><td>true</td>
 *         <td>{@link LoopbackConfiguration#recordOpenStackTraces()}</td></tr>
 *   </tbody>
 * </table>
 * Unknown keys are ignored; a malformed or out-of-range value throws {@link IllegalArgumentException}.
 *
 * @since 0.1
 */
public final class LoopbackNetworkProvider extends NetworkProvider {

    /** Option key for the MTU, in bytes. */
    public static final String MTU_OPTION = "loopback.mtu";

    /** Option key for the receive queue capacity, in datagrams. */
    public static final String QUEUE_CAPACITY_OPTION = "loopback.queueCapacity";

    /** Option key for the receive queue capacity, in payload bytes. */
    public static final String QUEUE_BYTES_OPTION = "loopback.queueBytes";

    /** Option key for recording where connections are opened ({@code true} or {@code false}). */
    public static final String RECORD_OPEN_STACK_TRACES_OPTION = "loopback.recordOpenStackTraces";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public LoopbackNetworkProvider() {}

    /**
     * Returns {@value LoopbackNetwork#PROVIDER_NAME}.
     *
     * @return the name
     */
    @Override
    public String name() {
        return LoopbackNetwork.PROVIDER_NAME;
    }

    /**
     * Returns {@code false}: a simulated network is never chosen implicitly.
     *
     * @return {@code false}
     */
    @Override
    public boolean isSelectableByDefault() {
        return false;
    }

    /**
     * Returns empty: the loopback network works everywhere.
     *
     * @return empty
     */
    @Override
    public Optional<Throwable> unavailabilityCause() {
        return Optional.empty();
    }

    /**
     * Opens a new loopback network configured from {@code options}.
     *
     * @param options the options described above
     * @return a new network
     * @throws IllegalArgumentException if an option has an invalid value
     */
    @Override
    public LoopbackNetwork open(NetworkOptions options) {
        LoopbackConfiguration defaults = LoopbackConfiguration.defaults();
        LoopbackConfiguration configuration = defaults.toBuilder()
                .mtu(options.getInt(MTU_OPTION, defaults.mtu()))
                .receiveQueueCapacity(options.getInt(QUEUE_CAPACITY_OPTION, defaults.receiveQueueCapacity()))
                .receiveQueueBytes(options.getInt(QUEUE_BYTES_OPTION, defaults.receiveQueueBytes()))
                .recordOpenStackTraces(
                        options.getBoolean(RECORD_OPEN_STACK_TRACES_OPTION, defaults.recordOpenStackTraces()))
                .build();
        return LoopbackNetwork.create(configuration);
    }
}
