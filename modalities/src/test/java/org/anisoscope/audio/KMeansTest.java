package org.anisoscope.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KMeansTest {
  @TempDir
  Path dir;

  /** Four blobs (σ 0.1) at the corners of a square of side 10, 100 points each; returns [400, 2]. */
  static float[] blobs(long seed) {
    Random r = new Random(seed);
    float[] x = new float[400 * 2];
    for (int i = 0; i < 400; i++) {
      int b = i / 100;
      x[2 * i] = (float) ((b % 2) * 10 + 0.1 * r.nextGaussian());
      x[2 * i + 1] = (float) ((b / 2) * 10 + 0.1 * r.nextGaussian());
    }
    return x;
  }

  @Test
  void findsWellSeparatedBlobsAndAssignsEveryPointToItsBlob() {
    float[] x = blobs(1);
    KMeans km = KMeans.fit(x, 2, 4, 42, 50);
    int[] clusterOfBlob = new int[4];
    for (int b = 0; b < 4; b++) {
      clusterOfBlob[b] = km.assign(x, 2 * (b * 100));
      for (int i = b * 100; i < b * 100 + 100; i++) {
        assertEquals(clusterOfBlob[b], km.assign(x, 2 * i), "point " + i);
      }
      // the centroid is the blob's mean: within 4σ/√100 of the corner
      float[] c = km.centroids();
      assertEquals((b % 2) * 10, c[2 * clusterOfBlob[b]], 0.04);
      assertEquals((b / 2) * 10, c[2 * clusterOfBlob[b] + 1], 0.04);
    }
    assertEquals(4, java.util.Arrays.stream(clusterOfBlob).distinct().count());
    // inertia ≈ n · 2σ² = 400 · 0.02 = 8
    assertEquals(8, km.inertia(), 2);
  }

  @Test
  void sameSeedSameCentroidsAndKEqualsNFitsExactly() {
    float[] x = blobs(2);
    assertArrayEquals(KMeans.fit(x, 2, 7, 3, 20).centroids(), KMeans.fit(x, 2, 7, 3, 20).centroids());
    float[] five = {0, 0, 1, 0, 0, 1, 5, 5, -3, 2};
    assertEquals(0, KMeans.fit(five, 2, 5, 9, 10).inertia(), 0); // k-means++ picks each distinct point once
    float[] same = {1, 1, 1, 1, 1, 1};
    assertEquals(0, KMeans.fit(same, 2, 2, 9, 10).inertia(), 0);  // degenerate: no division by zero
  }

  @Test
  void savedCentroidsLoadBackAndAssignTheSame() throws IOException {
    float[] x = blobs(3);
    KMeans km = KMeans.fit(x, 2, 4, 5, 50);
    Path f = dir.resolve("kmeans.npy");
    km.save(f);
    KMeans back = KMeans.load(f);
    assertArrayEquals(km.centroids(), back.centroids());
    for (int i = 0; i < 400; i++) {
      assertEquals(km.assign(x, 2 * i), back.assign(x, 2 * i));
    }
    Files.writeString(dir.resolve("bad.npy"), "nope");
    IOException e = assertThrows(IOException.class, () -> KMeans.load(dir.resolve("bad.npy")));
    assertTrue(e.getMessage().contains("bad.npy"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> KMeans.fit(new float[4], 2, 3, 1, 5));
  }
}
