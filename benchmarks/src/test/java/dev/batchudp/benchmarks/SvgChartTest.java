package dev.batchudp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Document;

/** The chart is well-formed SVG with a row per case, and the result files are parseable. */
@Timeout(10)
class SvgChartTest {

    private static List<CaseSummary> summaries() {
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        samples.put("c-mmsg", List.of(new Sample("c-mmsg", 0, 500_000, 400_000, 1, -1, -1, 0),
                new Sample("c-mmsg", 1, 500_000, 450_000, 1, -1, -1, 0)));
        samples.put("netty-epoll", List.of(new Sample("netty-epoll", 0, 300_000, 300_000, 1, 1, 1, 0),
                new Sample("netty-epoll", 1, 300_000, 350_000, 1, 1, 1, 0)));
        samples.put("stdnetbind-linux-borrowed", List.of(
                new Sample("stdnetbind-linux-borrowed", 0, 6_000_000, 5_000_000, 1, 1, 1, 0),
                new Sample("stdnetbind-linux-borrowed", 1, 6_000_000, 5_500_000, 1, 1, 1, 0)));
        return List.of(CaseSummary.of("c-mmsg", "C <&> \"quoted\"", null, samples),
                CaseSummary.of("netty-epoll", "Netty", "c-mmsg", samples),
                CaseSummary.of("stdnetbind-linux-borrowed", "ours", "c-gso", samples));
    }

    private static Environment environment() {
        return new Environment("2026-12-04T00:00:00Z", "OpenJDK 17", "6.18", "AMD EPYC", 2, "65536", "4.2.18.Final",
                new double[] {0.1, 0.2, 0.3}, 99, 0);
    }

    @Test
    void drawsAWellFormedDocumentWithEveryCase() throws Exception {
        HarnessSettings settings = HarnessSettings.parse(new String[] {"--cases", "netty-epoll", "--label", "smoke <run>"});
        String svg = SvgChart.draw(settings, environment(), summaries());
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(svg).contains(">c-mmsg<", ">netty-epoll<", ">stdnetbind-linux-borrowed<", "smoke &lt;run&gt;",
                "log scale");
    }

    @Test
    void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(SvgChart.niceStep(0.13)).isEqualTo(0.2);
        assertThat(SvgChart.niceStep(3)).isEqualTo(5);
        assertThat(SvgChart.niceStep(7)).isEqualTo(10);
    }

    @Test
    void jsonStringsAreEscaped() {
        assertThat(ResultFiles.str("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\u000a\"");
        assertThat(ResultFiles.str(null)).isEqualTo("null");
    }
}
