/**
 * Published test support for {@link dev.batchudp.network.Network} implementations: the contract suite
 * {@link dev.batchudp.network.testing.AbstractNetworkContractTest}, which every implementation
 * subclasses, and small helpers such as {@link dev.batchudp.network.testing.Datagrams}.
 *
 * <p>The suite uses only {@code 127.0.0.1} and {@code ::1} (and the wildcard addresses for binding),
 * never sends anywhere else, and bounds every test with a timeout.
 */
package dev.batchudp.network.testing;
