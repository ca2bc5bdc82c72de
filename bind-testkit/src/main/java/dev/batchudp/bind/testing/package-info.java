/**
 * Published test support for {@link dev.batchudp.bind.Bind} implementations: the contract suites
 * {@link dev.batchudp.bind.testing.AbstractBindContractTest} and
 * {@link dev.batchudp.bind.testing.AbstractBindBufferShapeContractTest} (buffers of every shape, from
 * {@code dev.batchudp.network.testing}), which {@code StdNetBind} runs on every network and which a
 * {@code Bind} of one's own runs by overriding {@code createBind}.
 *
 * <p>The suites use only {@code 127.0.0.1} and {@code ::1} (and the wildcard addresses for binding),
 * never resolve a host name, and bound every test with a timeout.
 */
package dev.batchudp.bind.testing;
