package dev.batchudp.network.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoopbackConfigurationTest {

    @Test
    void defaults() {
        LoopbackConfiguration c = LoopbackConfiguration.defaults();
        assertThat(c.mtu()).isEqualTo(65_536);
        assertThat(c.receiveQueueCapacity()).isEqualTo(4096);
        assertThat(c.receiveQueueBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(c.ephemeralPortFirst()).isEqualTo(49152);
        assertThat(c.ephemeralPortLast()).isEqualTo(65535);
        assertThat(c.recordOpenStackTraces()).isTrue();
        assertThat(LoopbackConfiguration.builder().build()).isEqualTo(c).hasSameHashCodeAs(c);
    }

    @Test
    void linuxLike() {
        LoopbackConfiguration c = LoopbackConfiguration.linuxLike();
        assertThat(c.receiveQueueBytes()).isEqualTo(212_992);
        assertThat(c.ephemeralPortFirst()).isEqualTo(32768);
        assertThat(c.ephemeralPortLast()).isEqualTo(60999);
        assertThat(c).isNotEqualTo(LoopbackConfiguration.defaults());
    }

    @Test
    void toBuilderCopiesEverything() {
        LoopbackConfiguration c = LoopbackConfiguration.builder().mtu(1500).receiveQueueCapacity(7)
                .receiveQueueBytes(9000).ephemeralPortRange(1000, 2000).recordOpenStackTraces(false).build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.toBuilder().mtu(9000).build().mtu()).isEqualTo(9000);
        assertThat(c.mtu()).isEqualTo(1500);
        assertThat(c.toString()).contains("mtu=1500", "1000-2000");
    }

    @Test
    void invalidValuesAreNamed() {
        LoopbackConfiguration.Builder b = LoopbackConfiguration.builder();
        assertThatThrownBy(() -> b.mtu(67)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("67");
        assertThatThrownBy(() -> b.mtu(70_000)).hasMessageContaining("70000");
        assertThatThrownBy(() -> b.receiveQueueCapacity(0)).hasMessageContaining("receiveQueueCapacity");
        assertThatThrownBy(() -> b.receiveQueueBytes(-5)).hasMessageContaining("-5");
        assertThatThrownBy(() -> b.ephemeralPortRange(0, 10)).hasMessageContaining("0");
        assertThatThrownBy(() -> b.ephemeralPortRange(2000, 1000)).hasMessageContaining("1000");
        assertThatThrownBy(() -> b.ephemeralPortRange(2000, 70000)).hasMessageContaining("70000");
        assertThat(b.build()).isEqualTo(LoopbackConfiguration.defaults());
    }
}
