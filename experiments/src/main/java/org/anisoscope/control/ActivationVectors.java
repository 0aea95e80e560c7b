package org.anisoscope.control;

import com.google.common.base.Preconditions;
import org.anisoscope.metrics.HookVectors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A DL4J layer's activation as probe vectors, one vector per position, the channels (features) as its dimensions,
 * and each example a "sequence" (so {@code cos_mean_intra} is within one image, as for a ViT's patches):
 * <ul>
 *   <li>{@code [B, C, H, W]} (convolution, pooling; DL4J's NCHW): {@code B·H·W} vectors of {@code C}, one per
 *   spatial position;</li>
 *   <li>{@code [B, C, T]} (recurrent; DL4J's NCW): {@code B·T} vectors of {@code C}, one per time step;</li>
 *   <li>{@code [B, d]} (dense): {@code B} vectors of {@code d}, one per example (sequences of one).</li>
 * </ul>
 */
public final class ActivationVectors {
  private ActivationVectors() {
  }

  public static HookVectors of(INDArray a) {
    INDArray x = a.castTo(DataType.FLOAT);
    int b = (int) x.size(0);
    switch (x.rank()) {
      case 2 -> {
        int d = (int) x.size(1);
        int[] ids = new int[b];
        for (int i = 0; i < b; i++) {
          ids[i] = i;
        }
        return new HookVectors(x.dup('c').data().asFloat(), b, d, ids);
      }
      case 3, 4 -> {
        int c = (int) x.size(1);
        int positions = (int) (x.length() / ((long) b * c));
        // [B, C, P] → [B, P, C]: rows are positions, columns channels
        INDArray rows = x.reshape('c', b, c, positions).permute(0, 2, 1).dup('c');
        int[] ids = new int[b * positions];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = i / positions;
        }
        return new HookVectors(rows.data().asFloat(), b * positions, c, ids);
      }
      default -> throw new IllegalArgumentException("no probe vectors for an activation of rank " + x.rank());
    }
  }

  /** Positions per example of an activation: 1 for dense, {@code H·W} or {@code T} otherwise. */
  public static int positions(INDArray a) {
    Preconditions.checkArgument(a.rank() >= 2, "activation of rank %s", a.rank());
    return a.rank() == 2 ? 1 : (int) (a.length() / (a.size(0) * a.size(1)));
  }
}
