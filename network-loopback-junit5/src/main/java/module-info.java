/**
 * A JUnit 5 extension that gives each test a fresh, seeded, leak-checked loopback network.
 *
 * <p>The name ends in digits, as the package does, after the framework it serves (JUnit 5).
 */
@SuppressWarnings("module")
module dev.batchudp.network.loopback.junit5 {
    requires transitive dev.batchudp.network.loopback;
    requires transitive org.junit.jupiter.api;
    requires org.junit.platform.commons;

    exports dev.batchudp.network.loopback.junit5;
}
