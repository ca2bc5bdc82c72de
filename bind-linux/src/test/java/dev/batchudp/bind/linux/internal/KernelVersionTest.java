package dev.batchudp.bind.linux.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The uname release parse that gates UDP_GRO ({@code kernelVersion} in wireguard-go's
 * {@code conn/controlfns_linux.go}).
 */
class KernelVersionTest {
    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', value = {
        "5.11.0-1025-aws|5|11|false",
        "5.12.0|5|12|true",
        "5.4.0-150-generic|5|4|false",
        "6.8.0-45-generic|6|8|true",
        "4.19.0|4|19|false",
        "10.0|10|0|true",
        "garbage|0|0|false",
        "''|0|0|false"})
    void parses(String release, int major, int minor, boolean gro) {
        KernelVersion v = KernelVersion.parse(release);
        assertThat(v).isEqualTo(new KernelVersion(major, minor));
        assertThat(v.atLeast(KernelVersion.GRO_MINIMUM)).isEqualTo(gro);
    }
}
