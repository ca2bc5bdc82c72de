package dev.batchudp.bind.linux.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a UDP socket's kernel drop count ({@code sk_drops}: datagrams dropped because the receive
 * queue was full, plus checksum and filter drops) on demand, so that counting it costs nothing on the
 * hot path: the socket's inode from {@code /proc/self/fd/N} ({@code socket:[inode]}), then the
 * {@code drops} column of its line in {@code /proc/self/net/udp} or {@code udp6} (written by
 * {@code udp4_format_sock()} in net/ipv4/udp.c and {@code __ip6_dgram_sock_seq_show()} in
 * net/ipv6/datagram.c). The files list the sockets of the process's network namespace; a socket made
 * in another one is not found.
 */
final class SocketDrops {
    /** What {@link #read} answers when the socket is not listed. */
    static final long UNKNOWN = -1;

    private static final int INODE_COLUMN = 9;
    private static final int DROPS_COLUMN = 12;

    private SocketDrops() {}

    /**
     * Returns the drop count of a socket of this process.
     *
     * @param fd the socket's fd (kept open by the caller during the call)
     * @param inet6 whether it is {@code AF_INET6} (listed in {@code udp6})
     * @return the count, or {@link #UNKNOWN}
     */
    static long read(int fd, boolean inet6) {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            if (!link.startsWith("socket:[") || !link.endsWith("]")) {
                return UNKNOWN;
            }
            String inode = link.substring("socket:[".length(), link.length() - 1);
            return find(Path.of(inet6 ? "/proc/self/net/udp6" : "/proc/self/net/udp"), inode);
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    /**
     * Finds the {@code drops} column of the line with the given inode.
     *
     * @param table a {@code /proc/net/udp}-format file
     * @param inode the inode, in decimal
     * @return the count, or {@link #UNKNOWN}
     */
    static long find(Path table, String inode) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
            r.readLine(); // header
            for (String line; (line = r.readLine()) != null;) {
                String[] columns = line.trim().split("\\s+");
                if (columns.length > DROPS_COLUMN && columns[INODE_COLUMN].equals(inode)) {
                    return Long.parseLong(columns[DROPS_COLUMN]);
                }
            }
        }
        return UNKNOWN;
    }
}
