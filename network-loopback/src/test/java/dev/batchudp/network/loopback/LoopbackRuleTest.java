package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.Sim.at;
import static dev.batchudp.network.loopback.Sim.drain;
import static dev.batchudp.network.loopback.Sim.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.UdpFamily;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoopbackRuleTest {
    private LoopbackNetwork network;
    private LoopbackConnection client;
    private LoopbackConnection server;

    @BeforeEach
    void open() throws Exception {
        network = LoopbackNetwork.create(LoopbackConfiguration.builder().manualClock(true).build());
        network.addHost("client", "10.0.0.1");
        network.addHost("server", "10.0.0.2");
        client = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1000"));
        server = network.openUdp(UdpFamily.UDP4, at("10.0.0.2:2000"));
    }

    @AfterEach
    void close() {
        network.close();
    }

    private static String text(LoopbackRule.Datagram d) {
        return StandardCharsets.UTF_8.decode(d.payload()).toString();
    }

    @Test
    void aRuleSeesEveryDatagramAndIsScopedByTryWithResources() throws Exception {
        List<String> seen = new ArrayList<>();
        try (InstalledRule rule = network.addRule(d -> {
            seen.add(d.sequence() + " " + d.sourceHost() + "->" + d.destinationHost() + " " + text(d)
                    + " " + d.source().getPort() + "->" + d.destination().getPort());
            return text(d).startsWith("drop") ? Verdict.drop() : Verdict.pass();
        })) {
            assertThat(rule.rule()).isNotNull();
            send(client, "hello", server.localAddress());
            send(client, "drop me", server.localAddress());
            send(server, "reply", client.localAddress());
        }
        send(client, "drop me too, but the rule is gone", server.localAddress());
        assertThat(seen).containsExactly("0 client->server hello 1000->2000", "1 client->server drop me 1000->2000",
                "2 server->client reply 2000->1000");
        assertThat(drain(server)).containsExactly("hello", "drop me too, but the rule is gone");
        assertThat(network.stats().droppedByRule()).isEqualTo(1);
    }

    @Test
    void theFirstRuleThatDoesNotPassWins() throws Exception {
        List<String> calls = new ArrayList<>();
        network.addRule(d -> {
            calls.add("first");
            return Verdict.pass();
        });
        network.addRule(d -> {
            calls.add("second");
            return Verdict.delay(Duration.ofMillis(5));
        });
        network.addRule(d -> {
            calls.add("third");
            return Verdict.drop();
        });
        send(client, "x", server.localAddress());
        assertThat(calls).containsExactly("first", "second");
        assertThat(drain(server)).isEmpty();
        network.manualClock().advance(Duration.ofMillis(5));
        assertThat(drain(server)).containsExactly("x");
    }

    @Test
    void aRuleVerdictBypassesTheImpairmentsAndPassFallsThroughToThem() throws Exception {
        network.setImpairments(Impairments.builder().loss(1).build());
        network.addRule(d -> text(d).equals("vip") ? Verdict.deliver() : Verdict.pass());
        send(client, "vip", server.localAddress());
        send(client, "ordinary", server.localAddress());
        assertThat(drain(server)).containsExactly("vip");
    }

    @Test
    void duplicateVerdictDeliversTwiceAtTheGivenDelays() throws Exception {
        network.addRule(d -> Verdict.duplicate(Duration.ZERO, Duration.ofMillis(3)));
        send(client, "twice", server.localAddress());
        assertThat(drain(server)).containsExactly("twice");
        network.manualClock().advance(Duration.ofMillis(3));
        assertThat(drain(server)).containsExactly("twice");
        assertThat(network.stats().duplicated()).isEqualTo(1);
        assertThat(network.linkStats("client", "server").duplicated()).isEqualTo(1);
    }

    @Test
    void rulesMayDrawFromTheSeededRandomSource() throws Exception {
        List<List<String>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (LoopbackNetwork n = LoopbackNetwork.create(LoopbackConfiguration.builder().seed(99).build())) {
                LoopbackConnection a = n.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
                LoopbackConnection b = n.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
                n.addRule(d -> d.random().nextInt(3) == 0 ? Verdict.drop() : Verdict.pass());
                for (int i = 0; i < 100; i++) {
                    send(a, "m" + i, b.localAddress());
                }
                runs.add(drain(b));
            }
        }
        assertThat(runs.get(0)).hasSizeBetween(50, 80).isEqualTo(runs.get(1));
    }

    @Test
    void verdictsDescribeThemselves() {
        assertThat(Verdict.pass().isPass()).isTrue();
        assertThat(Verdict.drop().isDrop()).isTrue();
        assertThat(Verdict.delay(Duration.ZERO)).isEqualTo(Verdict.deliver());
        assertThat(Verdict.delay(Duration.ofMillis(1))).hasToString("Deliver(PT0.001S)");
    }
}
