package dev.batchudp.benchmarks;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The command line of {@link ThroughputHarness}.
 *
 * @param size payload bytes per datagram
 * @param seconds sending time per measured run
 * @param runs measured rounds (each runs every case once, in the order given)
 * @param ipv6 whether to use ::1 instead of 127.0.0.1
 * @param cases the cases, in the order they run within a round
 * @param pin CPUs of the sender and the receiver, or null for no pinning
 * @param udplimit path of the udplimit binary for the {@code c-} cases, or null
 * @param bindBatchSize StdNetBind batch size; 0 for the bind's default (128 on Linux)
 * @param receiveBufferSize bytes of each receive buffer of the StdNetBind and message cases
 * @param nettyGsoPacketsPerFlush {@code SegmentedDatagramPacket}s written per flush by {@code netty-epoll-gso}
 * @param out path prefix of the CSV, JSON and SVG files
 * @param label a note for the chart's title, such as "smoke run"
 */
record HarnessSettings(int size, double seconds, int runs, boolean ipv6, List<String> cases, int[] pin,
        String udplimit, int bindBatchSize, int receiveBufferSize, int nettyGsoPacketsPerFlush, String out,
        String label) {

    static final String USAGE = String.join("\n",
            "usage: ThroughputHarness [--size 1200] [--seconds 3] [--runs 5] [--family 4|6]",
            "         [--cases c-mmsg,stdnetbind-linux-nogso,...] [--udplimit /path/to/udplimit]",
            "         [--pin 0,1|none] [--batch N] [--rxbuf BYTES] [--netty-gso-packets 4]",
            "         [--out PATH-PREFIX] [--label TEXT]",
            "cases: c-mmsg c-mmsg-connected c-gso stdnetbind-linux stdnetbind-linux-borrowed stdnetbind-linux-nogso",
            "       stdnetbind-linux-nogso-borrowed stdnetbind-jdk linux-messages linux-messages-connected",
            "       jdk-channel netty-epoll netty-epoll-unconnected netty-epoll-gso");

    /**
     * The cases run when {@code --cases} is not given: every path, with its C limit; unconnected
     * senders first, then connected ones with theirs.
     */
    static final List<String> DEFAULT_CASES = List.of("c-mmsg", "stdnetbind-linux-nogso",
            "stdnetbind-linux-nogso-borrowed", "linux-messages", "netty-epoll-unconnected", "c-mmsg-connected",
            "linux-messages-connected", "netty-epoll", "jdk-channel", "c-gso", "stdnetbind-linux",
            "stdnetbind-linux-borrowed", "netty-epoll-gso");

    /**
     * Parses the command line.
     *
     * @throws IllegalArgumentException for an unknown option or a missing value
     */
    static HarnessSettings parse(String[] args) {
        int size = 1200;
        double seconds = 3;
        int runs = 5;
        boolean ipv6 = false;
        List<String> cases = DEFAULT_CASES;
        int[] pin = {0, 1};
        String udplimit = null;
        int batch = 0;
        int rxbuf = 65_536;
        int nettyPackets = 4;
        String out = "target/throughput/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String label = "";
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value\n" + USAGE);
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--size": size = Integer.parseInt(v); break;
                case "--seconds": seconds = Double.parseDouble(v); break;
                case "--runs": runs = Integer.parseInt(v); break;
                case "--family": ipv6 = v.equals("6"); break;
                case "--cases": cases = Arrays.asList(v.split(",")); break;
                case "--udplimit": udplimit = v; break;
                case "--batch": batch = Integer.parseInt(v); break;
                case "--rxbuf": rxbuf = Integer.parseInt(v); break;
                case "--netty-gso-packets": nettyPackets = Integer.parseInt(v); break;
                case "--out": out = v; break;
                case "--label": label = v; break;
                case "--pin":
                    pin = v.equals("none") ? null : Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                    break;
                default: throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
            }
        }
        if (udplimit == null && cases.stream().anyMatch(c -> c.startsWith("c-"))) {
            throw new IllegalArgumentException("the c- cases need --udplimit PATH (build shared/tools/udplimit)\n" + USAGE);
        }
        return new HarnessSettings(size, seconds, runs, ipv6, List.copyOf(cases), pin, udplimit, batch, rxbuf,
                nettyPackets, out, label);
    }

    /** The settings as one line. */
    String describe() {
        return String.format(Locale.ROOT, "size=%d family=ipv%s seconds=%.1f runs=%d pin=%s batch=%s rxbuf=%d%s",
                size, ipv6 ? "6" : "4", seconds, runs, pin == null ? "none" : pin[0] + "," + pin[1],
                bindBatchSize == 0 ? "default" : Integer.toString(bindBatchSize), receiveBufferSize,
                label.isEmpty() ? "" : " label=\"" + label + "\"");
    }
}
