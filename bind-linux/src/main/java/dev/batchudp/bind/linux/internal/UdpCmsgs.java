package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.SOL_UDP;
import static dev.batchudp.bind.linux.internal.LinuxConstants.UDP_GRO;
import static dev.batchudp.bind.linux.internal.LinuxConstants.UDP_SEGMENT;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The {@code UDP_SEGMENT} and {@code UDP_GRO} control messages (cmsg(3); wireguard-go's
 * {@code conn/gso_linux.go}) in native-order buffers, 64-bit Linux layout ({@link Cmsghdr}): pure byte
 * work, no system calls.
 *
 * <ul>
 *   <li>{@code UDP_SEGMENT} (send): {@code cmsg_len = CMSG_LEN(2) = 18}, level {@code SOL_UDP},
 *       type 103, a {@code uint16_t} segment size at offset 16; the record takes
 *       {@code CMSG_SPACE(2) = 24} bytes.</li>
 *   <li>{@code UDP_GRO} (receive): the kernel writes an {@code int} ({@code udp_cmsg_recv} in
 *       {@code include/net/udp.h} puts {@code gso_size} with {@code put_cmsg(..., sizeof(int), ...)}),
 *       read here as a native {@code int} when the record holds 4 data bytes (wireguard-go reads only
 *       2, which is wrong on big-endian), as a {@code uint16_t} when it holds 2 (batchudp's test
 *       fixtures).</li>
 * </ul>
 */
final class UdpCmsgs {
    // Reads in native order whatever the buffer's order(): callers' control buffers may be big-endian.
    private static final java.lang.invoke.VarHandle LONG = java.lang.invoke.MethodHandles
            .byteBufferViewVarHandle(long[].class, java.nio.ByteOrder.nativeOrder());
    private static final java.lang.invoke.VarHandle INT = java.lang.invoke.MethodHandles
            .byteBufferViewVarHandle(int[].class, java.nio.ByteOrder.nativeOrder());
    private static final java.lang.invoke.VarHandle SHORT = java.lang.invoke.MethodHandles
            .byteBufferViewVarHandle(short[].class, java.nio.ByteOrder.nativeOrder());

    private UdpCmsgs() {}

    /** {@code CMSG_SPACE(sizeof(uint16_t))}: bytes one {@code UDP_SEGMENT} record takes. */
    static final int SEGMENT_SPACE = LinuxConstants.GSO_CONTROL_SIZE;

    /**
     * Writes a {@code UDP_SEGMENT} record at {@code offset}, if {@code room} allows (batchudp's
     * {@code setGSOSize}: too little room leaves the buffer untouched).
     *
     * @param control native-order buffer
     * @param offset where the record starts (8-byte aligned)
     * @param room bytes available from {@code offset}
     * @param segmentSize the segment size, 1 to 65,535
     * @return bytes written: {@link #SEGMENT_SPACE} (24), or 0 if the room was short
     */
    static int putSegmentSize(ByteBuffer control, int offset, int room, int segmentSize) {
        if (room < SEGMENT_SPACE) {
            return 0;
        }
        control.putLong(offset + Cmsghdr.CMSG_LEN, Cmsghdr.len(2));
        control.putInt(offset + Cmsghdr.CMSG_LEVEL, SOL_UDP);
        control.putInt(offset + Cmsghdr.CMSG_TYPE, UDP_SEGMENT);
        control.putLong(offset + Cmsghdr.CMSG_DATA, 0L); // the value and the padding
        control.putShort(offset + Cmsghdr.CMSG_DATA, (short) segmentSize);
        return SEGMENT_SPACE;
    }

    /**
     * Finds the {@code UDP_GRO} segment size among the control messages in
     * {@code [offset, offset + length)} (batchudp's {@code getGSOSize}).
     *
     * @param control native-order buffer
     * @param offset where the control data starts
     * @param length control bytes ({@code msg_controllen})
     * @return the segment size, or 0 if there is no {@code UDP_GRO} record
     * @throws IOException ("error parsing socket control message: ...") for a malformed record
     */
    static int groSegmentSize(ByteBuffer control, int offset, int length) throws IOException {
        int at = find(control, offset, length, SOL_UDP, UDP_GRO, SOL_UDP, UDP_GRO, 2);
        if (at == MALFORMED) {
            throw new IOException("error parsing socket control message: a record's length is out of bounds in "
                    + length + " bytes");
        }
        if (at < 0) {
            return 0;
        }
        int data = (int) (long) LONG.get(control, at + Cmsghdr.CMSG_LEN) - Cmsghdr.SIZE;
        return data >= 4 ? (int) INT.get(control, at + Cmsghdr.CMSG_DATA)
                : (short) SHORT.get(control, at + Cmsghdr.CMSG_DATA) & 0xffff;
    }

    /**
     * Returns the {@code UDP_SEGMENT} size among the control messages a caller gives for a send (a
     * native-order record in a buffer of any order), to count the datagrams the kernel will make.
     *
     * @param control the caller's control buffer
     * @param offset where the records start
     * @param length bytes of records
     * @return the segment size, or 0 without a (well-formed) record
     */
    static int sendSegmentSize(ByteBuffer control, int offset, int length) {
        int at = find(control, offset, length, SOL_UDP, UDP_SEGMENT, SOL_UDP, UDP_SEGMENT, 2);
        return at < 0 ? 0 : (short) SHORT.get(control, at + Cmsghdr.CMSG_DATA) & 0xffff;
    }

    /**
     * Returns whether the records in {@code [offset, offset + length)} are framed as the kernel's
     * {@code CMSG_OK} requires of a send's control data ({@code __sock_cmsg_send}, net/core/sock.c):
     * every header that fits has a {@code cmsg_len} of at least 16 and no more than the bytes left.
     *
     * @param control native-order records (any buffer order)
     * @param offset where they start
     * @param length how many bytes
     * @return whether the kernel would walk them without {@code EINVAL}
     */
    static boolean wellFramed(ByteBuffer control, int offset, int length) {
        int at = 0;
        while (length - at >= Cmsghdr.SIZE) {
            long declared = (long) LONG.get(control, offset + at + Cmsghdr.CMSG_LEN);
            if (declared < Cmsghdr.SIZE || declared > length - at) {
                return false;
            }
            at = (int) Math.min(at + ((declared + 7) & ~7L), length);
        }
        return true;
    }

    /**
     * Whether the region's first record is ({@code level}, {@code type}) with at least {@code minData}
     * data bytes, which is then what {@link #find} would return for it: one header read instead of a
     * walk, for records the kernel usually writes first (packet info, when neither {@code SO_RXQ_OVFL} nor
     * {@code UDP_GRO} records precede it; otherwise {@link #find} walks).
     *
     * @param control native-order buffer
     * @param offset where the control data starts
     * @param length control bytes
     * @param level the wanted level
     * @param type the wanted type
     * @param minData data bytes the record must hold
     * @return whether the record at {@code offset} is that one
     */
    static boolean firstIs(ByteBuffer control, int offset, int length, int level, int type, int minData) {
        if (offset < 0 || length <= Cmsghdr.SIZE || offset > control.capacity() || length > control.capacity() - offset) {
            return false;
        }
        long declared = (long) LONG.get(control, offset + Cmsghdr.CMSG_LEN);
        return declared >= Cmsghdr.SIZE + minData && declared <= length
                && (int) INT.get(control, offset + Cmsghdr.CMSG_LEVEL) == level
                && (int) INT.get(control, offset + Cmsghdr.CMSG_TYPE) == type;
    }

    /** {@link #find}: no matching record. */
    static final int NOT_FOUND = -1;
    /** {@link #find}: a record's length is out of bounds (walking stopped there). */
    static final int MALFORMED = -2;

    /**
     * The one cmsg walker (as {@code getGSOSize} in wireguard-go's {@code conn/gso_linux.go}: records
     * are visited while more than a header's worth of bytes remains): finds the first record of type ({@code levelA}, {@code typeA}) or
     * ({@code levelB}, {@code typeB}) with at least {@code minData} data bytes. Never reads outside
     * {@code [offset, offset + length)}, and rejects a region that does not lie inside the buffer.
     * Records of a wanted type but with too little data are skipped.
     *
     * @param control native-order buffer
     * @param offset where the control data starts
     * @param length control bytes
     * @param levelA first wanted level
     * @param typeA first wanted type
     * @param levelB second wanted level
     * @param typeB second wanted type
     * @param minData data bytes the record must hold
     * @return the absolute offset of the record's header, {@link #NOT_FOUND} or {@link #MALFORMED}
     */
    static int find(ByteBuffer control, int offset, int length, int levelA, int typeA, int levelB, int typeB,
            int minData) {
        if (offset < 0 || length < 0 || offset > control.capacity() || length > control.capacity() - offset) {
            return MALFORMED;
        }
        int at = 0;
        while (length - at > Cmsghdr.SIZE) {
            long declared = (long) LONG.get(control, offset + at + Cmsghdr.CMSG_LEN);
            if (declared < Cmsghdr.SIZE || declared > length - at) {
                return MALFORMED;
            }
            int level = (int) INT.get(control, offset + at + Cmsghdr.CMSG_LEVEL);
            int type = (int) INT.get(control, offset + at + Cmsghdr.CMSG_TYPE);
            if (((level == levelA && type == typeA) || (level == levelB && type == typeB))
                    && declared - Cmsghdr.SIZE >= minData) {
                return offset + at;
            }
            at = (int) Math.min(at + ((declared + 7) & ~7L), length);
        }
        return NOT_FOUND;
    }

    /**
     * Copies the control messages in {@code [offset, offset + length)} to {@code dst} from index 0,
     * leaving out {@code UDP_GRO} records (they describe the coalesced read, not the datagram after
     * the split) and whatever does not fit whole.
     *
     * @param src native-order buffer
     * @param offset where the control data starts
     * @param length control bytes
     * @param dst the caller's control buffer (whole capacity)
     * @return bytes written to {@code dst}
     */
    static int copyWithoutGro(ByteBuffer src, int offset, int length, ByteBuffer dst) {
        return copyWithoutGro(src, offset, length, dst, 0, dst.capacity());
    }

    /**
     * Copies as {@link #copyWithoutGro(ByteBuffer, int, int, ByteBuffer)}, into
     * {@code dst[dstOffset, dstOffset + room)}.
     *
     * @param src native-order buffer
     * @param offset where the control data starts
     * @param length control bytes
     * @param dst the destination
     * @param dstOffset where to write
     * @param room bytes available there
     * @return bytes written
     */
    static int copyWithoutGro(ByteBuffer src, int offset, int length, ByteBuffer dst, int dstOffset, int room) {
        int at = 0;
        int out = 0;
        while (length - at >= Cmsghdr.SIZE) {
            long declared = src.getLong(offset + at + Cmsghdr.CMSG_LEN);
            if (declared < Cmsghdr.SIZE || declared > length - at) {
                break;
            }
            int space = Math.min(Cmsghdr.align((int) declared), length - at);
            boolean gro = src.getInt(offset + at + Cmsghdr.CMSG_LEVEL) == SOL_UDP
                    && src.getInt(offset + at + Cmsghdr.CMSG_TYPE) == UDP_GRO;
            if (!gro) {
                if (out + space > room) {
                    break;
                }
                dst.put(dstOffset + out, src, offset + at, space);
                out += space;
            }
            at += space;
        }
        return out;
    }

    /**
     * Copies the control messages in {@code src[offset, offset + length)} except {@code UDP_GRO} into
     * {@code dst[dstOffset, dstOffset + room)} as the kernel's {@code put_cmsg} (net/core/scm.c) would
     * have written them into a buffer of that room: whole records while they fit (the last one's
     * padding cut to the room), then one record cut to the room left if at least a header's 16 bytes
     * are, its {@code cmsg_len} set to that room, and nothing after. With {@code room} 0 it only tells
     * whether there is anything to copy.
     *
     * @param src native-order buffer
     * @param offset where the control data starts
     * @param length control bytes
     * @param dst the destination (any byte order: the bytes are copied, {@code cmsg_len} written native)
     * @param dstOffset where to write
     * @param room bytes available there
     * @return bytes written, or their complement ({@code ~written}) if a record did not fit whole
     *     ({@code MSG_CTRUNC})
     */
    static int copyWithoutGroAsReceived(ByteBuffer src, int offset, int length, ByteBuffer dst, int dstOffset,
            int room) {
        int at = 0;
        int out = 0;
        while (length - at >= Cmsghdr.SIZE) {
            long declared = src.getLong(offset + at + Cmsghdr.CMSG_LEN);
            if (declared < Cmsghdr.SIZE || declared > length - at) {
                break;
            }
            int space = Math.min(Cmsghdr.align((int) declared), length - at);
            boolean gro = src.getInt(offset + at + Cmsghdr.CMSG_LEVEL) == SOL_UDP
                    && src.getInt(offset + at + Cmsghdr.CMSG_TYPE) == UDP_GRO;
            if (!gro) {
                int left = room - out;
                if (left < declared) {
                    if (left >= Cmsghdr.SIZE) {
                        dst.put(dstOffset + out, src, offset + at, left);
                        long cut = left;
                        dst.putLong(dstOffset + out + Cmsghdr.CMSG_LEN,
                                dst.order() == java.nio.ByteOrder.nativeOrder() ? cut : Long.reverseBytes(cut));
                        out += left;
                    }
                    return ~out;
                }
                int copied = Math.min(space, left);
                dst.put(dstOffset + out, src, offset + at, copied);
                out += copied;
            }
            at += space;
        }
        return out;
    }
}
