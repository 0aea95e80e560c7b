package org.anisoscope.audio;

import com.google.common.base.Preconditions;
import org.anisoscope.io.Npy;
import org.anisoscope.io.NpyArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded k-means with k-means++ initialisation (Arthur &amp; Vassilvitskii 2007) and Lloyd iterations: the
 * cluster ids HuBERT's first iteration predicts (Hsu et al. 2021, §3: k-means on MFCC/log-mel frames). The
 * same data, k and seed give the same centroids. An emptied cluster is re-seeded with the point farthest from
 * its centroid. Centroids are saved as a float32 {@code .npy} {@code [k, dim]}.
 */
public final class KMeans {
  private final int k;
  private final int dim;
  private final float[] centroids; // [k, dim]
  private final double inertia;
  private final int iterations;

  private KMeans(int k, int dim, float[] centroids, double inertia, int iterations) {
    this.k = k;
    this.dim = dim;
    this.centroids = centroids;
    this.inertia = inertia;
    this.iterations = iterations;
  }

  /**
   * @param data {@code [n, dim]} row-major
   * @param maxIter Lloyd iterations at most (stops earlier when no assignment changes)
   */
  public static KMeans fit(float[] data, int dim, int k, long seed, int maxIter) {
    Preconditions.checkArgument(dim >= 1 && data.length % dim == 0, "data of %s values is not [n, %s]",
        data.length, dim);
    int n = data.length / dim;
    Preconditions.checkArgument(k >= 1 && k <= n, "k = %s needs 1..%s points", k, n);
    Preconditions.checkArgument(maxIter >= 0, "maxIter %s", maxIter);
    float[] c = plusPlus(data, n, dim, k, new SplittableRandom(seed));
    int[] assign = new int[n];
    Arrays.fill(assign, -1);
    double[] dist = new double[n];
    int it = 0;
    for (; it < maxIter; it++) {
      boolean changed = assignAll(data, n, dim, c, k, assign, dist);
      if (!changed && it > 0) {
        break;
      }
      update(data, n, dim, c, k, assign, dist);
    }
    assignAll(data, n, dim, c, k, assign, dist);
    double inertia = 0;
    for (double d : dist) {
      inertia += d;
    }
    return new KMeans(k, dim, c, inertia, it);
  }

  /** k-means++: the first centre uniformly, each next one with probability proportional to D(x)². */
  private static float[] plusPlus(float[] data, int n, int dim, int k, SplittableRandom r) {
    float[] c = new float[k * dim];
    int first = r.nextInt(n);
    System.arraycopy(data, first * dim, c, 0, dim);
    double[] d2 = new double[n];
    for (int i = 0; i < n; i++) {
      d2[i] = sq(data, i * dim, c, 0, dim);
    }
    for (int j = 1; j < k; j++) {
      double total = 0;
      for (double v : d2) {
        total += v;
      }
      int pick;
      if (total <= 0) { // every point already coincides with a centre: take the next unused index
        pick = j % n;
      } else {
        double u = r.nextDouble() * total;
        pick = n - 1;
        double acc = 0;
        for (int i = 0; i < n; i++) {
          acc += d2[i];
          if (acc > u) {
            pick = i;
            break;
          }
        }
      }
      System.arraycopy(data, pick * dim, c, j * dim, dim);
      for (int i = 0; i < n; i++) {
        d2[i] = Math.min(d2[i], sq(data, i * dim, c, j * dim, dim));
      }
    }
    return c;
  }

  private static boolean assignAll(float[] data, int n, int dim, float[] c, int k, int[] assign, double[] dist) {
    boolean changed = false;
    for (int i = 0; i < n; i++) {
      int best = 0;
      double bd = Double.MAX_VALUE;
      for (int j = 0; j < k; j++) {
        double d = sq(data, i * dim, c, j * dim, dim);
        if (d < bd) {
          bd = d;
          best = j;
        }
      }
      changed |= assign[i] != best;
      assign[i] = best;
      dist[i] = bd;
    }
    return changed;
  }

  private static void update(float[] data, int n, int dim, float[] c, int k, int[] assign, double[] dist) {
    double[] sum = new double[k * dim];
    int[] count = new int[k];
    for (int i = 0; i < n; i++) {
      int j = assign[i];
      count[j]++;
      for (int d = 0; d < dim; d++) {
        sum[j * dim + d] += data[i * dim + d];
      }
    }
    boolean[] taken = new boolean[n];
    for (int j = 0; j < k; j++) {
      if (count[j] == 0) {
        int far = 0;
        for (int i = 1; i < n; i++) {
          if (!taken[i] && (taken[far] || dist[i] > dist[far])) {
            far = i;
          }
        }
        taken[far] = true;
        System.arraycopy(data, far * dim, c, j * dim, dim);
        continue;
      }
      for (int d = 0; d < dim; d++) {
        c[j * dim + d] = (float) (sum[j * dim + d] / count[j]);
      }
    }
  }

  private static double sq(float[] a, int ao, float[] b, int bo, int dim) {
    double s = 0;
    for (int d = 0; d < dim; d++) {
      double v = a[ao + d] - b[bo + d];
      s += v * v;
    }
    return s;
  }

  /** The nearest centroid of row {@code x[offset .. offset + dim)}. */
  public int assign(float[] x, int offset) {
    int best = 0;
    double bd = Double.MAX_VALUE;
    for (int j = 0; j < k; j++) {
      double d = sq(x, offset, centroids, j * dim, dim);
      if (d < bd) {
        bd = d;
        best = j;
      }
    }
    return best;
  }

  public int k() {
    return k;
  }

  public int dim() {
    return dim;
  }

  /** {@code [k, dim]} row-major (a copy). */
  public float[] centroids() {
    return centroids.clone();
  }

  /** Sum of squared distances of the fitted points to their centroids. */
  public double inertia() {
    return inertia;
  }

  /** Lloyd iterations run. */
  public int iterations() {
    return iterations;
  }

  /** Writes the centroids as a float32 {@code .npy} {@code [k, dim]} (atomically). */
  public void save(Path file) throws IOException {
    Npy.writeFloat32(file, centroids, k, dim);
  }

  /** Centroids saved by {@link #save}; the inertia and iteration count are not kept. */
  public static KMeans load(Path file) throws IOException {
    NpyArray a = Npy.read(file);
    if (a.rank() != 2 || a.shape()[0] < 1 || a.shape()[1] < 1) {
      throw new IOException(file + ": shape " + a.shapeString() + "; expected k-means centroids [k, dim]");
    }
    return new KMeans((int) a.shape()[0], (int) a.shape()[1], a.data(), Double.NaN, 0);
  }
}
