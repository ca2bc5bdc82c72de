/**
 * For platform modules: {@link dev.batchudp.bind.spi.BatchingConnProvider} lets
 * {@link dev.batchudp.bind.StdNetBind} discover batched I/O ({@code bind-linux}) without depending on
 * it.
 */
package dev.batchudp.bind.spi;
