/**
 * Published test support for {@link dev.batchudp.network.Network} implementations: the contract suites
 * {@link dev.batchudp.network.testing.AbstractNetworkContractTest} and
 * {@link dev.batchudp.network.testing.AbstractBufferShapeContractTest} (buffer shapes), which every
 * implementation subclasses, and small helpers: {@link dev.batchudp.network.testing.Datagrams} for
 * payloads and addresses, {@link dev.batchudp.network.testing.BufferShape} and
 * {@link dev.batchudp.network.testing.ShapedBuffer} for buffers of every shape with guard bytes
 * around them.
 *
 * <p>The suites use only {@code 127.0.0.1} and {@code ::1} (and the wildcard addresses for binding),
 * never send anywhere else, and bound every test with a timeout.
 */
package dev.batchudp.network.testing;
