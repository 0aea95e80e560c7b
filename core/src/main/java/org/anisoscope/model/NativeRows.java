package org.anisoscope.model;

import java.lang.reflect.Field;

/**
 * Row copies between native float32 memory (an ND4J buffer's address) and Java arrays by
 * {@code sun.misc.Unsafe.copyMemory}, a JIT intrinsic (a memcpy, no JNI call). The fused attention copies each head's
 * q, k, v, dy into per-thread arrays and its outputs back, row by row (rows are a head's D columns of a
 * {@code [B·T, 3C]} buffer); with the vector API's {@code fromByteBuffer} these copies ran at about 4.5 GB/s and were
 * a fifth of the attention's backward pass at head dim 128, with this at about 11 GB/s (measured on the benchmark
 * machine: 96 heads of 256 × 128 floats, 2.8 ms against 1.2). Where {@code Unsafe} cannot be had
 * ({@link #AVAILABLE} false), callers keep their vector-API copies.
 */
final class NativeRows {
  private static final sun.misc.Unsafe UNSAFE = unsafe();
  /** Whether these copies run in this JVM ({@code -Danisoscope.vector-copies=true} turns them off, for A/B runs). */
  static final boolean AVAILABLE = UNSAFE != null && !Boolean.getBoolean("anisoscope.vector-copies");
  private static final long FLOATS = AVAILABLE ? UNSAFE.arrayBaseOffset(float[].class) : 0;

  private NativeRows() {
  }

  /** {@code dst[off .. off + n) = *(float*)(address + 4·index) ...}: n floats from native memory. */
  static void get(long address, long index, float[] dst, int off, int n) {
    com.google.common.base.Preconditions.checkPositionIndexes(off, off + n, dst.length);
    UNSAFE.copyMemory(null, address + (index << 2), dst, FLOATS + ((long) off << 2), (long) n << 2);
  }

  /** n floats of {@code src} from {@code off} into native memory at float {@code index} of {@code address}. */
  static void put(float[] src, int off, long address, long index, int n) {
    com.google.common.base.Preconditions.checkPositionIndexes(off, off + n, src.length);
    UNSAFE.copyMemory(src, FLOATS + ((long) off << 2), null, address + (index << 2), (long) n << 2);
  }

  private static sun.misc.Unsafe unsafe() {
    try {
      Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return (sun.misc.Unsafe) f.get(null);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }
}
