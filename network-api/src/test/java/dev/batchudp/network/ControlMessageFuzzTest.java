package dev.batchudp.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Fuzzes {@link ControlMessage#parse(ByteBuffer, int, int)} with arbitrary bytes: control data comes
 * from the kernel or, on other networks, from code that may be wrong, so the parser must never throw
 * anything but {@link IllegalArgumentException}, never read or write outside the range it is given,
 * and whatever it returns must marshal again. Without {@code JAZZER_FUZZ=1} Jazzer replays the inputs
 * in {@code ControlMessageFuzzTestInputs} (and an empty one) as a regression test.
 *
 * <p>The first input byte chooses the layout: bits 0-3 how many guard bytes precede the range, bit 4
 * a direct buffer, bit 5 big-endian buffer order (which must not matter), bits 6-7 where the limit is
 * (the capacity, the range's end, its start, 0: the range is documented against the capacity). The
 * rest is the range.
 */
class ControlMessageFuzzTest {
    private static final int TRAIL = 24;

    @FuzzTest(maxDuration = "50s") // under the build's 60 s default test timeout
    void parseStaysInItsRangeAndWhatItReturnsMarshals(byte[] data) {
        int layout = data.length == 0 ? 0 : data[0] & 0xff;
        byte[] range = data.length == 0 ? data : Arrays.copyOfRange(data, 1, data.length);
        int lead = layout & 0x0f;
        int capacity = lead + range.length + TRAIL;
        ByteBuffer buffer = (layout & 0x10) != 0 ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        buffer.order((layout & 0x20) != 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        byte[] expected = new byte[capacity];
        for (int i = 0; i < capacity; i++) {
            expected[i] = (byte) (0x5c ^ i);
        }
        System.arraycopy(range, 0, expected, lead, range.length);
        buffer.put(0, expected);
        int limit = switch (layout >>> 6) {
            case 0 -> capacity;
            case 1 -> lead + range.length;
            case 2 -> lead;
            default -> 0;
        };
        buffer.limit(limit).position(Math.min(lead, limit));
        int position = buffer.position();

        ControlMessage inPlace = new ControlMessage();
        String inPlaceError = parse(inPlace, buffer, lead, range.length);
        byte[] after = new byte[capacity];
        buffer.duplicate().clear().get(after);
        assertThat(after).as("parse writes nothing").isEqualTo(expected);
        assertThat(buffer.position()).isEqualTo(position);
        assertThat(buffer.limit()).isEqualTo(limit);

        // The range alone, in a buffer that ends where it ends: a read past it would throw here.
        ControlMessage alone = new ControlMessage();
        String aloneError = parse(alone, ByteBuffer.wrap(range.clone()), 0, range.length);
        assertThat(aloneError).isEqualTo(inPlaceError);
        if (inPlaceError != null) {
            return;
        }
        assertThat(alone).isEqualTo(inPlace);
        marshalsAgain(inPlace);
    }

    /** Parses; returns the {@link IllegalArgumentException}'s message, or {@code null}. Anything else escapes. */
    private static String parse(ControlMessage into, ByteBuffer b, int offset, int length) {
        try {
            into.parse(b, offset, length);
            return null;
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("malformed control message");
            return e.getMessage();
        }
    }

    private static void marshalsAgain(ControlMessage parsed) {
        for (UdpFamily family : new UdpFamily[] {UdpFamily.UDP4, UdpFamily.UDP6}) {
            int sent = parsed.marshal(ByteBuffer.allocate(ControlMessage.SEND_SPACE), family);
            assertThat(sent).isBetween(0, ControlMessage.SEND_SPACE);

            ByteBuffer received = ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE);
            if (family == UdpFamily.UDP4 && parsed.destination() instanceof java.net.Inet6Address) {
                assertThatThrownBy(() -> parsed.marshalAsReceived(received, family))
                        .isInstanceOf(IllegalArgumentException.class);
                continue; // an IPv6 destination has no IPv4 packet info
            }
            int n = parsed.marshalAsReceived(received, family);
            assertThat(n).as("RECEIVE_SPACE suffices").isBetween(0, ControlMessage.RECEIVE_SPACE);
            ControlMessage again = new ControlMessage().parse(received, 0, n);
            assertThat(again.hopLimit()).isEqualTo(parsed.hopLimit());
            assertThat(again.trafficClass()).isEqualTo(parsed.trafficClass());
            assertThat(again.groSegmentSize()).isEqualTo(parsed.groSegmentSize());
            assertThat(again.dropCount()).isEqualTo(parsed.dropCount());
            assertThat(again.interfaceIndex()).isEqualTo(parsed.interfaceIndex());
            if (parsed.destination() != null && (family == UdpFamily.UDP6 || parsed.destination() instanceof Inet4Address)) {
                assertThat(again.destination()).isEqualTo(parsed.destination());
            }
        }
    }
}
