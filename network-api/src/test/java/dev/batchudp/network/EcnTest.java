package dev.batchudp.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link Ecn} codepoints (RFC 3168 section 5) and the fields of {@link ControlMessage} that hold them. */
class EcnTest {

    @Test
    void codepointsAreTheRfc3168Bits() {
        assertThat(Ecn.NOT_ECT.codepoint()).isEqualTo(0b00);
        assertThat(Ecn.ECT1.codepoint()).isEqualTo(0b01);
        assertThat(Ecn.ECT0.codepoint()).isEqualTo(0b10);
        assertThat(Ecn.CE.codepoint()).isEqualTo(0b11);
    }

    @Test
    void ofTrafficClassReadsTheTwoLowBits() {
        for (int tc = 0; tc < 256; tc++) {
            assertThat(Ecn.ofTrafficClass(tc).codepoint()).isEqualTo(tc & 3);
        }
        assertThat(Ecn.ofTrafficClass(0xb8 | 2)).isEqualTo(Ecn.ECT0);
    }

    @Test
    void applyToKeepsTheDscp() {
        for (Ecn e : Ecn.values()) {
            for (int tc = 0; tc < 256; tc++) {
                int applied = e.applyTo(tc);
                assertThat(applied & 0xfc).isEqualTo(tc & 0xfc);
                assertThat(Ecn.ofTrafficClass(applied)).isEqualTo(e);
            }
        }
    }

    @Test
    void controlMessageEcnFollowsTheTrafficClass() {
        ControlMessage c = new ControlMessage();
        assertThat(c.trafficClass()).isEqualTo(ControlMessage.UNSET);
        assertThat(c.ecn()).as("unset reads as Not-ECT").isEqualTo(Ecn.NOT_ECT);
        c.ecn(Ecn.CE);
        assertThat(c.trafficClass()).as("DSCP 0 when it was unset").isEqualTo(3);
        c.trafficClass(0xb8).ecn(Ecn.ECT1);
        assertThat(c.trafficClass()).isEqualTo(0xb9);
        assertThat(c.ecn()).isEqualTo(Ecn.ECT1);
        c.ecn(Ecn.NOT_ECT);
        assertThat(c.trafficClass()).isEqualTo(0xb8);
    }

    @Test
    void fieldSettersRefuseOutOfRangeValuesAndResetUnsetsEverything() {
        ControlMessage c = new ControlMessage();
        assertThatThrownBy(() -> c.hopLimit(256)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hop limit");
        assertThatThrownBy(() -> c.hopLimit(-2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.trafficClass(256)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("traffic class");
        assertThatThrownBy(() -> c.segmentSize(65_536)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segment size");
        assertThatThrownBy(() -> c.segmentSize(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.groSegmentSize(65_536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.dropCount(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.dropCount(-2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.interfaceIndex(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(c).isEqualTo(new ControlMessage()).hasToString("ControlMessage[]");

        c.hopLimit(ControlMessage.UNSET).trafficClass(255).segmentSize(9).groSegmentSize(8).dropCount(0xffffffffL)
                .interfaceIndex(4).source(Cmsgs.address(127, 0, 0, 1)).destination(Cmsgs.address(127, 0, 0, 2));
        assertThat(c).isNotEqualTo(new ControlMessage());
        assertThat(c.toString()).contains("source=127.0.0.1", "destination=127.0.0.2", "trafficClass=0xff (CE)",
                "segmentSize=9", "groSegmentSize=8", "dropCount=4294967295", "interfaceIndex=4");
        assertThat(c.reset()).isSameAs(c).isEqualTo(new ControlMessage());
    }
}
