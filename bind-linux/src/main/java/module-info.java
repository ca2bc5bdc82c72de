/**
 * The Linux fast path: native UDP sockets for the system network (the {@code linux} socket backend)
 * and {@code recvmmsg}/{@code sendmmsg} batching for {@code StdNetBind}, through jnr-ffi.
 *
 * <p>A named module so that a consumer on the module path needs no flag: jnr-ffi is an automatic
 * module that does not declare its dependency on ASM, so the {@code requires} of the ASM modules
 * below are what put them into the module graph (an automatic module reads every module that is
 * resolved). {@code dev.batchudp.bind.linux.internal} is exported because jnr-ffi implements
 * {@code LibC} with a class it generates in its own class loader (an unnamed module), which can only
 * use an interface of an exported package; it is not API and may change in any release.
 *
 * <p>jffi loads its native stub with {@code System.load}: on JDK 24+ start the JVM with
 * {@code --enable-native-access=org.jnrproject.jffi} on the module path
 * ({@code ALL-UNNAMED} on the class path) to silence the JDK's warning.
 */
@SuppressWarnings("requires-automatic")
module dev.batchudp.bind.linux {
    requires transitive dev.batchudp.bind;
    requires transitive dev.batchudp.network.system;

    requires org.jnrproject.ffi;
    requires org.jnrproject.jffi;
    requires org.objectweb.asm;
    requires org.objectweb.asm.commons;
    requires org.objectweb.asm.tree;
    requires org.objectweb.asm.tree.analysis;
    requires org.objectweb.asm.util;

    exports dev.batchudp.bind.linux;
    exports dev.batchudp.bind.linux.internal;

    provides dev.batchudp.bind.spi.BatchingConnProvider
            with dev.batchudp.bind.linux.LinuxBatchingConnProvider;
    provides dev.batchudp.network.system.spi.UdpSocketBackend
            with dev.batchudp.bind.linux.LinuxUdpBackend;
}
