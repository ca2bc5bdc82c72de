/**
 * WireGuard-style binds: {@link dev.batchudp.bind.Bind}, {@link dev.batchudp.bind.Endpoint},
 * {@link dev.batchudp.bind.ReceiveFunc} and {@link dev.batchudp.bind.StdNetBind}, which works on any
 * {@link dev.batchudp.network.Network} and uses batched system calls where a
 * {@link dev.batchudp.bind.spi.BatchingConnProvider} (such as {@code bind-linux}) offers them.
 */
package dev.batchudp.bind;
