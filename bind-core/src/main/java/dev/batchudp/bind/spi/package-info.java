/**
 * For platform modules: {@link dev.batchudp.bind.spi.BatchingConnProvider} lets
 * {@link dev.batchudp.bind.StdNetBind} discover batched I/O ({@code bind-linux}) without depending on
 * it. What a provider returns, {@link dev.batchudp.bind.spi.BatchingConn}, is a capability of a
 * connection rather than a connection; its reads fill the
 * {@link dev.batchudp.bind.spi.MessageBatch.Fill} side of a {@link dev.batchudp.bind.spi.MessageBatch}
 * whose reader sees only the results.
 */
package dev.batchudp.bind.spi;
