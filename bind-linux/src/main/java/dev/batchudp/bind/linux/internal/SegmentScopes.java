package dev.batchudp.bind.linux.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * Refuses direct buffers whose memory is gone or not ours to touch, before their address reaches the
 * kernel. Since JDK 22 a direct buffer can view a {@code java.lang.foreign.MemorySegment} of an
 * {@code Arena} ({@code MemorySegment.asByteBuffer()}): once the arena is closed the memory is freed
 * although the buffer object lives on, and a confined arena's memory belongs to one thread. The JDK's
 * own channels check both and throw {@code IllegalStateException("Already closed")} or
 * {@code WrongThreadException}; a raw address would let {@code sendmmsg} read, and {@code recvmmsg}
 * write, freed memory. This class does the same checks through the public API
 * ({@code MemorySegment.ofBuffer(buffer).scope().isAlive()} and {@code isAccessibleBy(Thread)}),
 * looked up at run time because the library is compiled for Java 17; before JDK 22 there is nothing to
 * check and it costs nothing.
 *
 * <p>Left to the caller, as with any memory it frees: closing a shared arena while a send or receive
 * on one of its buffers is in progress (the JDK pins the segment for the duration of its own I/O with
 * an internal API this library does not use).
 */
final class SegmentScopes {
    private static final MethodHandle OF_BUFFER;
    private static final MethodHandle SCOPE;
    private static final MethodHandle IS_ALIVE;
    private static final MethodHandle IS_ACCESSIBLE_BY;
    private static final MethodHandle WRONG_THREAD;

    static {
        MethodHandle ofBuffer = null;
        MethodHandle scope = null;
        MethodHandle isAlive = null;
        MethodHandle accessibleBy = null;
        MethodHandle wrongThread = null;
        if (Runtime.version().feature() >= 22) {
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
                Class<?> scopeType = Class.forName("java.lang.foreign.MemorySegment$Scope");
                ofBuffer = lookup.findStatic(segment, "ofBuffer", MethodType.methodType(segment, Buffer.class))
                        .asType(MethodType.methodType(Object.class, ByteBuffer.class));
                scope = lookup.findVirtual(segment, "scope", MethodType.methodType(scopeType))
                        .asType(MethodType.methodType(Object.class, Object.class));
                isAlive = lookup.findVirtual(scopeType, "isAlive", MethodType.methodType(boolean.class))
                        .asType(MethodType.methodType(boolean.class, Object.class));
                accessibleBy = lookup.findVirtual(segment, "isAccessibleBy",
                        MethodType.methodType(boolean.class, Thread.class))
                        .asType(MethodType.methodType(boolean.class, Object.class, Thread.class));
                wrongThread = lookup.findConstructor(Class.forName("java.lang.WrongThreadException"),
                        MethodType.methodType(void.class, String.class))
                        .asType(MethodType.methodType(RuntimeException.class, String.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                ofBuffer = null; // not this JDK's API after all: nothing to check
            }
        }
        OF_BUFFER = ofBuffer;
        SCOPE = scope;
        IS_ALIVE = isAlive;
        IS_ACCESSIBLE_BY = accessibleBy;
        WRONG_THREAD = wrongThread;
    }

    private SegmentScopes() {}

    /**
     * Checks that a direct buffer's memory may be used by the current thread now.
     *
     * @param direct a direct buffer
     * @throws IllegalStateException if it views a segment of a closed arena
     * @throws RuntimeException {@code WrongThreadException} if it views a confined arena's segment
     *     owned by another thread
     */
    static void checkAccessible(ByteBuffer direct) {
        if (OF_BUFFER == null) {
            return;
        }
        Object segment;
        boolean alive;
        boolean accessible;
        try {
            segment = (Object) OF_BUFFER.invokeExact(direct);
            alive = (boolean) IS_ALIVE.invokeExact((Object) SCOPE.invokeExact(segment));
            accessible = alive && (boolean) IS_ACCESSIBLE_BY.invokeExact(segment, Thread.currentThread());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (!alive) {
            throw new IllegalStateException("Already closed: the buffer's memory segment was freed");
        }
        if (!accessible) {
            RuntimeException e;
            try {
                e = (RuntimeException) WRONG_THREAD.invokeExact(
                        "Attempted access outside owning thread: the buffer's memory segment is confined to another thread");
            } catch (Throwable t) {
                e = new IllegalStateException("the buffer's memory segment is confined to another thread");
            }
            throw e;
        }
    }
}
