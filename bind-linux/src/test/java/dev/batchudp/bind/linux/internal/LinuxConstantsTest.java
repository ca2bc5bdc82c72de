package dev.batchudp.bind.linux.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Every {@link LinuxConstants} value that a kernel UAPI header on this machine defines as a plain
 * number ({@code #define NAME 123}, hex or octal) equals it: include/uapi/linux/in.h, in6.h, udp.h,
 * sched.h and asm-generic/socket.h, fcntl.h, errno-base.h, errno.h, poll.h. Skipped where the headers
 * are not installed.
 */
@EnabledOnOs(OS.LINUX)
class LinuxConstantsTest {
    private static final String[] HEADERS = {"linux/in.h", "linux/in6.h", "linux/udp.h", "linux/sched.h",
        "asm-generic/socket.h", "asm-generic/fcntl.h", "asm-generic/errno-base.h", "asm-generic/errno.h",
        "asm-generic/poll.h"};
    private static final Pattern DEFINE = Pattern.compile("^#define\\s+(\\w+)\\s+(0[xX][0-9a-fA-F]+|\\d+)\\b");

    @Test
    void valuesMatchTheKernelHeaders() throws IOException, IllegalAccessException {
        Map<String, Long> defined = new HashMap<>();
        for (String h : HEADERS) {
            Path p = Path.of("/usr/include", h);
            assumeTrue(Files.isReadable(p), "kernel headers not installed: " + p);
            for (String line : Files.readAllLines(p)) {
                Matcher m = DEFINE.matcher(line.trim());
                if (m.find()) {
                    String v = m.group(2);
                    long value = v.startsWith("0x") || v.startsWith("0X") ? Long.parseLong(v.substring(2), 16)
                            : v.length() > 1 && v.startsWith("0") ? Long.parseLong(v.substring(1), 8) : Long.parseLong(v);
                    defined.putIfAbsent(m.group(1), value);
                }
            }
        }
        SoftAssertions softly = new SoftAssertions();
        int checked = 0;
        for (Field f : LinuxConstants.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || !(f.getType() == int.class || f.getType() == short.class)) {
                continue;
            }
            Long header = defined.get(f.getName());
            if (header != null) {
                softly.assertThat(((Number) f.get(null)).longValue()).as(f.getName()).isEqualTo(header);
                checked++;
            }
        }
        softly.assertAll();
        assertThat(checked).as("constants found in the headers").isGreaterThan(40);
        for (String name : new String[] {"IP_MTU_DISCOVER", "IP_PMTUDISC_PROBE", "IP_PMTUDISC_WANT", "IP_RECVTOS",
            "IP_RECVTTL", "IPV6_DONTFRAG", "IPV6_RECVTCLASS", "IPV6_RECVHOPLIMIT", "SO_RXQ_OVFL", "UDP_GRO",
            "UDP_SEGMENT", "CLONE_NEWNET", "O_CLOEXEC"}) {
            assertThat(defined).as(name + " is checked").containsKey(name);
        }
    }
}
