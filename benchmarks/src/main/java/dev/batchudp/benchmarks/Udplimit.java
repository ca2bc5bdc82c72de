package dev.batchudp.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the C tool udplimit (shared/tools/udplimit, built outside this repository) as the cases
 * {@code c-mmsg} ({@code sendmmsg}/{@code recvmmsg}), {@code c-mmsg-connected} (the same with a
 * connected sender, {@code -c}) and {@code c-gso} ({@code UDP_SEGMENT} +
 * {@code UDP_GRO}), with the same payload, family, duration and CPUs as the Java cases, so that the
 * C limit is measured inside the same interleaved run.
 *
 * <p>CPU per thread: while udplimit runs, its threads' {@code schedstat} are sampled every
 * {@value #SAMPLE_MILLIS} ms; udplimit creates its receiver thread before its sender thread, so
 * the lower of the two non-main thread ids is the receiver. The last sample before a thread exits
 * stands for its total, so up to {@value #SAMPLE_MILLIS} ms of its CPU time may be missed (under
 * 1 % of a 3-second run).
 */
final class Udplimit {
    static final int SAMPLE_MILLIS = 20;

    private Udplimit() {}

    /** What a C case does, in one line. */
    static String description(String name) {
        switch (name) {
            case "c-gso":
                return "udplimit -m gso (C): sendmsg of one UDP_SEGMENT buffer (64 KiB, at most 64 segments) per call;"
                        + " recvmmsg with UDP_GRO";
            case "c-mmsg-connected":
                return "udplimit -m mmsg -c (C): connected sender, sendmmsg of 128; recvmmsg(MSG_WAITFORONE) of up to 128";
            case "c-mmsg":
                return "udplimit -m mmsg (C): sendmmsg of 128; recvmmsg(MSG_WAITFORONE) of up to 128";
            default:
                throw new IllegalArgumentException("unknown C case " + name);
        }
    }

    /** Runs one C case. */
    static Sample run(String name, int round, HarnessSettings s, double seconds) throws Exception {
        boolean connected = name.endsWith("-connected");
        String mode = connected ? name.substring(2, name.length() - "-connected".length()) : name.substring(2);
        List<String> cmd = new ArrayList<>(List.of(s.udplimit(), "-m", mode,
                "-s", Integer.toString(s.size()), "-d", Integer.toString((int) Math.max(1, Math.round(seconds))),
                s.ipv6() ? "-6" : "-4", "-p", s.pin() == null ? "none" : s.pin()[0] + "," + s.pin()[1]));
        if (connected) {
            cmd.add("-c");
        }
        Map<Long, Long> load0 = ProcFs.otherProcessTicks();
        long wall0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        long pid = p.pid();
        Map<Long, Long> cpu = new HashMap<>();
        while (!p.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
            cpu.putAll(ProcFs.taskCpuNanos(pid));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        double window = (System.nanoTime() - wall0) / 1e9;
        double other = 100 * ProcFs.otherCpuSeconds(load0, ProcFs.otherProcessTicks()) / window;
        if (p.exitValue() != 0) {
            throw new IllegalStateException("udplimit failed: " + out);
        }
        double secs = Double.parseDouble(field(out, "secs"));
        double rx = Double.parseDouble(field(out, "rx_dgram_s"));
        double tx = Double.parseDouble(field(out, "tx_dgram_s"));
        List<Long> threads = new ArrayList<>(cpu.keySet());
        threads.remove(pid);
        threads.sort(null);
        long rxCpu = threads.size() == 2 ? cpu.get(threads.get(0)) : -1;
        long txCpu = threads.size() == 2 ? cpu.get(threads.get(1)) : -1;
        return new Sample(name, round, Math.round(tx * secs), Math.round(rx * secs), secs, txCpu, rxCpu, other);
    }

    private static String field(String out, String key) {
        for (String token : out.trim().split("\\s+")) {
            if (token.startsWith(key + "=")) {
                return token.substring(key.length() + 1);
            }
        }
        throw new IllegalStateException("no " + key + " in udplimit output: " + out);
    }
}
