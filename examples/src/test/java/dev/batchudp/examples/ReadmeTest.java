package dev.batchudp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every {@code java} block of README.md is code that compiles and runs: its lines (trimmed, blank
 * lines ignored) appear in the same order, without gaps, in one of the test sources that run them.
 */
class ReadmeTest {
    private static final Path ROOT = Path.of("..");
    private static final List<Path> SOURCES = List.of(
            Path.of("src/test/java/dev/batchudp/examples/ReadmeSnippetsTest.java"),
            Path.of("src/main/java/dev/batchudp/examples/QuicStyleIo.java"),
            ROOT.resolve("network-loopback-junit5/src/test/java/dev/batchudp/network/loopback/junit5/ReadmeExampleTest.java"),
            ROOT.resolve("network-loopback-junit5/src/test/java/dev/batchudp/network/loopback/junit5/ReadmeSimulationTest.java"));

    @Test
    void everyJavaBlockIsTestedCode() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher blocks = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<List<String>> sources = new ArrayList<>();
        for (Path source : SOURCES) {
            sources.add(normalise(Files.readString(source)));
        }
        int count = 0;
        while (blocks.find()) {
            count++;
            List<String> block = normalise(blocks.group(1));
            boolean found = sources.stream().anyMatch(lines -> java.util.Collections.indexOfSubList(lines, block) >= 0);
            assertThat(found).as("README java block %d is not test code:%n%s", count, blocks.group(1)).isTrue();
        }
        assertThat(count).as("java blocks in README.md").isGreaterThanOrEqualTo(4);
    }

    private static List<String> normalise(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toList());
    }
}
