package dev.batchudp.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Runs inside the named module dev.batchudp.consumer (Surefire patches the tests into it). */
class ModulePathConsumerTest {
    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(30)
    void aNamedModuleGetsTheFastPathWithNoFlag() throws Exception {
        assertThat(FastPath.class.getModule().getName()).isEqualTo("dev.batchudp.consumer");
        assertThat(ModuleLayer.boot().findModule("dev.batchudp.bind.linux")).isPresent();
        assertThat(FastPath.describe()).isEqualTo("batching=true batchSize=128 cause=none");
    }
}
