package org.anisoscope.metrics;

import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code uniformity}: the uniformity loss of Wang &amp; Isola (2020, eq. 2 with t = 2),
 * {@code log mean_{i≠j} exp(−2‖u_i − u_j‖²)} over unit vectors {@code u_i = x_i/‖x_i‖}: 0 when all rows point the
 * same way, −4 for an orthonormal set, down to −8 for an antipodal pair; lower is more uniform.
 *
 * <p>It is O(N²·d), so it uses at most {@link #MAX_ROWS} rows: when there are more non-zero rows, a subset of that
 * size drawn without replacement by a {@link SplittableRandom} seeded with {@link #SEED}, so the value is
 * reproducible for the same vectors. The pairwise cosines come from double-precision GEMMs of the subset (only
 * the pairs i < j, in blocks of rows).
 * Zero-norm rows are skipped (no direction); NaN when fewer than two remain.
 */
public final class Uniformity extends ScalarMetric {
  public static final String NAME = "uniformity";
  /** Row cap: 2048² pairs, one 2048 × d × 2048 GEMM. */
  public static final int MAX_ROWS = 2048;
  /** Rows j per GEMM of the pairs i < j. */
  static final int BLOCK_ROWS = 256;
  /** Seed of the row subset. */
  public static final long SEED = 0x5EED_2020L;

  public Uniformity() {
    super(NAME);
  }

  @Override
  public double value(HookVectors v) {
    int d = v.d();
    int[] rows = subset(nonZeroRows(v), MAX_ROWS, SEED);
    int m = rows.length;
    if (m < 2) {
      return Double.NaN;
    }
    double[] units = new double[m * d]; // [m, d] row-major
    for (int r = 0; r < m; r++) {
      int off = rows[r] * d;
      double sq = 0;
      for (int j = 0; j < d; j++) {
        double x = v.data()[off + j];
        sq += x * x;
      }
      double inv = 1 / Math.sqrt(sq);
      for (int j = 0; j < d; j++) {
        units[r * d + j] = v.data()[off + j] * inv;
      }
    }
    // The pairs i < j in blocks of rows j: one GEMM per block against the rows before its end, [rows, j1]. Half
    // the multiply-adds of the full [m, m] Gram matrix, one [BLOCK_ROWS, m] output reused by every block; the
    // blocks' operands are views of u. Per row j the kernel is summed over i < j in order (rows on all cores),
    // then the rows in order: the same sum whatever the thread count.
    INDArray u = Nd4j.create(DataType.DOUBLE, new long[] {m, d}, 'c');           // [m, d]
    RowBlocks.copyInto(u, units);
    DataBuffer out = Nd4j.createBuffer(DataType.DOUBLE, (long) Math.min(BLOCK_ROWS, m) * m, false);
    double[] rowSums = new double[Math.min(BLOCK_ROWS, m)];
    double[] cosines = new double[Math.min(BLOCK_ROWS, m) * m];
    double sum = 0;
    for (int j0 = 0; j0 < m; j0 += BLOCK_ROWS) {
      int j1 = Math.min(m, j0 + BLOCK_ROWS);
      int blockRows = j1 - j0;
      INDArray a = Nd4j.create(u.data(), new long[] {blockRows, d}, new long[] {d, 1}, (long) j0 * d, 'c');
      INDArray b = Nd4j.create(u.data(), new long[] {j1, d}, new long[] {d, 1}, 0, 'c');
      INDArray cos = Nd4j.create(out, new long[] {blockRows, j1}, new long[] {j1, 1}, 0, 'c'); // [rows, j1]
      Nd4j.gemm(a, b, cos, false, true, 1.0, 0.0);
      out.asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer().get(cosines, 0, blockRows * j1); // one memcpy
      int first = j0;
      IntStream.range(Math.max(1, j0), j1).parallel().forEach(j -> {
        // ‖u_i − u_j‖² = 2 − 2 cos, so the kernel is exp(−4 + 4 cos); symmetric, so i < j only
        rowSums[j - first] = ExpSums.uniformityKernel(cosines, (j - first) * j1, j);
      });
      for (int j = Math.max(1, j0); j < j1; j++) {
        sum += rowSums[j - j0];
      }
    }
    return Math.log(sum / ((double) m * (m - 1) / 2));
  }

  private static int[] nonZeroRows(HookVectors v) {
    int[] out = new int[v.n()];
    int count = 0;
    for (int i = 0; i < v.n(); i++) {
      int off = i * v.d();
      for (int j = 0; j < v.d(); j++) {
        if (v.data()[off + j] != 0) {
          out[count++] = i;
          break;
        }
      }
    }
    return java.util.Arrays.copyOf(out, count);
  }

  /** At most {@code cap} of {@code rows}, sorted, drawn without replacement (partial Fisher–Yates). */
  static int[] subset(int[] rows, int cap, long seed) {
    if (rows.length <= cap) {
      return rows;
    }
    int[] a = rows.clone();
    SplittableRandom random = new SplittableRandom(seed);
    for (int k = 0; k < cap; k++) {
      int pick = k + random.nextInt(a.length - k);
      int t = a[k];
      a[k] = a[pick];
      a[pick] = t;
    }
    int[] out = java.util.Arrays.copyOf(a, cap);
    java.util.Arrays.sort(out);
    return out;
  }
}
