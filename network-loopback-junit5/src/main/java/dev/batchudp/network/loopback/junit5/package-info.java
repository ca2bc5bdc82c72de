/**
 * JUnit 5 support for the loopback network: annotate a test class or method with
 * {@link dev.batchudp.network.loopback.junit5.SimulatedNetwork} and declare a
 * {@link dev.batchudp.network.loopback.LoopbackNetwork} parameter.
 *
 * <pre>{@code
 * @SimulatedNetwork(seed = 42, manualClock = true)
 * class RetransmitTest {
 *     @Test
 *     void retransmitsAfterLoss(LoopbackNetwork network, ManualClock clock) throws IOException {
 *         network.setImpairments(Impairments.builder().loss(0.05).build());
 *         ...
 *     }
 * }
 * }</pre>
 */
package dev.batchudp.network.loopback.junit5;
