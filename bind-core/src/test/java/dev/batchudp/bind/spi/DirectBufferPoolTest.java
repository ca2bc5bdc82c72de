package dev.batchudp.bind.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class DirectBufferPoolTest {
    @Test
    void releasedBlocksAreReusedBySize() {
        DirectBufferPool pool = new DirectBufferPool(1 << 20);
        ByteBuffer a = pool.acquire(4096);
        assertThat(a.isDirect()).isTrue();
        assertThat(a.order()).isEqualTo(ByteOrder.nativeOrder());
        assertThat(a.capacity()).isEqualTo(4096);
        a.position(10).limit(20);
        pool.release(a);
        assertThat(pool.idleBytes()).isEqualTo(4096);
        ByteBuffer other = pool.acquire(8192);
        assertThat(other).isNotSameAs(a);
        ByteBuffer again = pool.acquire(4096);
        assertThat(again).isSameAs(a);
        assertThat(again.position()).isZero();
        assertThat(again.limit()).isEqualTo(4096);
        assertThat(pool.idleBytes()).isZero();
        assertThat(pool.allocatedBytes()).isEqualTo(4096 + 8192);
    }

    @Test
    void idleBytesAreBounded() {
        DirectBufferPool pool = new DirectBufferPool(10_000);
        ByteBuffer a = pool.acquire(6000);
        ByteBuffer b = pool.acquire(6000);
        pool.release(a);
        pool.release(b); // over the bound: dropped, left to the garbage collector
        assertThat(pool.idleBytes()).isEqualTo(6000);
        assertThat(pool.allocatedBytes()).isEqualTo(6000);
    }

    @Test
    void misuseIsRefused() {
        DirectBufferPool pool = new DirectBufferPool(0);
        assertThatThrownBy(() -> pool.acquire(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pool.release(ByteBuffer.allocate(8))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("direct");
        assertThatThrownBy(() -> new DirectBufferPool(-1)).isInstanceOf(IllegalArgumentException.class);
        pool.release(null); // ignored
        assertThat(DirectBufferPool.shared()).isSameAs(DirectBufferPool.shared());
    }
}
