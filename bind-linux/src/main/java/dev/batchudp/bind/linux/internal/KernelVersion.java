package dev.batchudp.bind.linux.internal;

/**
 * The kernel's major and minor version from a {@code uname} release string, parsed as
 * {@code kernelVersion} in wireguard-go's {@code conn/controlfns_linux.go} does: digits accumulate, any
 * other character ends the current number, and the scan stops after two numbers.
 * {@code "5.11.0-1025-aws"} is (5, 11); a string without numbers is (0, 0).
 *
 * @param major the major version
 * @param minor the minor version
 */
record KernelVersion(int major, int minor) {
    /** The version from which upstream enables {@code UDP_GRO}: 5.12. */
    static final KernelVersion GRO_MINIMUM = new KernelVersion(5, 12);

    /**
     * Parses a release string.
     *
     * @param release the release, such as {@code "6.8.0-45-generic"}; {@code null} is (0, 0)
     * @return the version
     */
    static KernelVersion parse(String release) {
        int[] numbers = new int[2];
        int found = 0;
        boolean inNumber = false;
        if (release != null) {
            for (int i = 0; i < release.length() && found < 2; i++) {
                char c = release.charAt(i);
                if (c >= '0' && c <= '9') {
                    numbers[found] = Math.min(numbers[found] * 10 + (c - '0'), 1_000_000);
                    inNumber = true;
                } else if (inNumber) {
                    found++;
                    inNumber = false;
                }
            }
        }
        return new KernelVersion(numbers[0], numbers[1]);
    }

    /**
     * Returns whether this version is at least {@code other}.
     *
     * @param other the version to compare with
     * @return whether {@code this >= other}
     */
    boolean atLeast(KernelVersion other) {
        return major > other.major || (major == other.major && minor >= other.minor);
    }
}
