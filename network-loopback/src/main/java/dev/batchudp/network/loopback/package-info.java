/**
 * An in-memory UDP network for tests: {@link dev.batchudp.network.loopback.LoopbackNetwork}.
 *
 * <p>Each {@code LoopbackNetwork} is an isolated world: ports bound in one are invisible to every
 * other, nothing touches the host's sockets, and delivery is synchronous, so a datagram sent is in
 * the destination's receive queue (or counted as dropped) before {@code send} returns. The network
 * is strict where the host stack is strict (MTU, {@code EADDRINUSE}, truncation) and forgiving where
 * UDP is (full queues and unbound ports drop and count instead of blocking or failing).
 *
 * <ul>
 *   <li>{@link dev.batchudp.network.loopback.LoopbackNetwork}: the network; create one per test.
 *   <li>{@link dev.batchudp.network.loopback.LoopbackConfiguration}: its immutable settings and
 *       presets.
 *   <li>{@link dev.batchudp.network.loopback.LoopbackConnection}: what its connections offer beyond
 *       {@link dev.batchudp.network.UdpConnection}, chiefly
 *       {@link dev.batchudp.network.loopback.LoopbackConnectionStats counters}.
 *   <li>{@link dev.batchudp.network.loopback.LoopbackStats}: network-wide counters.
 *   <li>{@link dev.batchudp.network.loopback.LoopbackHost}: a simulated host with its own addresses.
 *   <li>{@link dev.batchudp.network.loopback.Impairments}, {@link dev.batchudp.network.loopback.LoopbackRule},
 *       {@link dev.batchudp.network.loopback.Verdict}, {@link dev.batchudp.network.loopback.InstalledRule}:
 *       what happens to datagrams on the way.
 *   <li>{@link dev.batchudp.network.loopback.LoopbackClock}, {@link dev.batchudp.network.loopback.ManualClock}:
 *       the time delays, receive timeouts and the clock's executors run on; simulated time with
 *       auto-advance.
 *   <li>{@link dev.batchudp.network.loopback.LoopbackCapture},
 *       {@link dev.batchudp.network.loopback.CapturedDatagram}: recorded traffic and pcap export.
 *   <li>{@link dev.batchudp.network.loopback.LoopbackTrace}, {@link dev.batchudp.network.loopback.TraceEvent}:
 *       every datagram's fate, as JSON Lines and pcapng.
 *   <li>{@link dev.batchudp.network.loopback.LoopbackLinkStats}: per-link counters.
 *   <li>{@link dev.batchudp.network.loopback.LoopbackNetworkProvider}: the {@code loopback}
 *       provider, selected only by name.
 * </ul>
 */
package dev.batchudp.network.loopback;
