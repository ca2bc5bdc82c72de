package dev.batchudp.examples;

import java.util.Locale;

/** Whether a test may insist on the Linux fast path: on Linux when the build requires Linux features. */
final class LinuxFastPath {
    private LinuxFastPath() {}

    static boolean expected() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                && Boolean.getBoolean("dev.batchudp.test.requireLinuxFeatures");
    }
}
