package dev.batchudp.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link BatchFlags}: Linux's values, and which calls accept which. */
class BatchFlagsTest {

    @Test
    void valuesAreLinuxs() {
        assertThat(BatchFlags.DONTWAIT).isEqualTo(0x40); // MSG_DONTWAIT
        assertThat(BatchFlags.PEEK).isEqualTo(0x02); // MSG_PEEK
        assertThat(Message.TRUNCATED).isEqualTo(0x20); // MSG_TRUNC
        assertThat(Message.CONTROL_TRUNCATED).isEqualTo(0x08); // MSG_CTRUNC
    }

    @Test
    void readsAcceptDontwaitAndPeek() {
        for (int flags : new int[] {0, BatchFlags.DONTWAIT, BatchFlags.PEEK, BatchFlags.DONTWAIT | BatchFlags.PEEK}) {
            assertThat(BatchFlags.checkRead(flags)).isEqualTo(flags);
        }
        assertThatThrownBy(() -> BatchFlags.checkRead(BatchFlags.PEEK | 0x100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x100").hasMessageContaining("read");
        assertThatThrownBy(() -> BatchFlags.checkRead(Integer.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BatchFlags.checkRead(Message.TRUNCATED)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesAcceptOnlyDontwait() {
        assertThat(BatchFlags.checkWrite(0)).isZero();
        assertThat(BatchFlags.checkWrite(BatchFlags.DONTWAIT)).isEqualTo(BatchFlags.DONTWAIT);
        assertThatThrownBy(() -> BatchFlags.checkWrite(BatchFlags.PEEK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x2").hasMessageContaining("write");
    }
}
