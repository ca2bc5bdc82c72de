package dev.batchudp.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkOptionsTest {

    @Test
    void emptyHasNothing() {
        NetworkOptions empty = NetworkOptions.empty();
        assertThat(empty.asMap()).isEmpty();
        assertThat(empty.get("x")).isEmpty();
        assertThat(empty.getInt("x", 7)).isEqualTo(7);
        assertThat(empty.getBoolean("x", true)).isTrue();
        assertThat(NetworkOptions.builder().build()).isSameAs(empty);
    }

    @Test
    void builderSetsReadsAndRemoves() {
        NetworkOptions options = NetworkOptions.builder()
                .set("a", "1").set("b", " 42 ").set("c", "TRUE").set("d", "false").set("a", "2")
                .build();
        assertThat(options.get("a")).contains("2");
        assertThat(options.getInt("b", 0)).isEqualTo(42);
        assertThat(options.getBoolean("c", false)).isTrue();
        assertThat(options.getBoolean("d", true)).isFalse();
        assertThat(options.asMap()).containsOnlyKeys("a", "b", "c", "d");

        NetworkOptions fewer = options.toBuilder().remove("a").set("e", "x").build();
        assertThat(fewer.asMap()).containsOnlyKeys("b", "c", "d", "e");
        assertThat(options.asMap()).as("the original is unchanged").containsKey("a").doesNotContainKey("e");
    }

    @Test
    void invalidValuesAreRejectedNamingTheKey() {
        NetworkOptions options = NetworkOptions.builder().set("n", "12x").set("b", "yes").build();
        assertThatThrownBy(() -> options.getInt("n", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n").hasMessageContaining("12x");
        assertThatThrownBy(() -> options.getBoolean("b", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("yes");
    }

    @Test
    void isImmutableWithValueSemantics() {
        NetworkOptions a = NetworkOptions.builder().set("k", "v").build();
        NetworkOptions b = NetworkOptions.builder().set("k", "v").build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(NetworkOptions.empty());
        assertThat(a.toString()).contains("k=v");
        Map<String, String> map = a.asMap();
        assertThatThrownBy(() -> map.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> NetworkOptions.builder().set(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> NetworkOptions.builder().set("k", null)).isInstanceOf(NullPointerException.class);
    }
}
