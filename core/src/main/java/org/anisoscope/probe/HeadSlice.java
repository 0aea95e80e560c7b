package org.anisoscope.probe;

import com.google.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One head of a {@code [B, H, T, X]} hook (hook_q/hook_k, X = d_head; hook_pattern, X = T) as a packed float array
 * {@code [B, T, X]}. On a plain c-order float32 buffer each sequence's head is one contiguous run of T·X floats,
 * copied in bulk; ND4J's {@code get(…).dup()} of the same view walks it element by element (measured: about a tenth
 * of a probe with every metric, at 256 probe sequences).
 */
final class HeadSlice {
  private HeadSlice() {
  }

  static float[] of(INDArray a, int head) {
    Preconditions.checkArgument(a.rank() == 4 && head >= 0 && head < a.size(1), "head %s of an array of shape %s",
        head, java.util.Arrays.toString(a.shape()));
    int b = (int) a.size(0);
    int h = (int) a.size(1);
    int run = (int) (a.size(2) * a.size(3));
    if (a.dataType() != DataType.FLOAT || a.ordering() != 'c' || a.offset() != 0 || a.length() != a.data().length()
        || !org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(a)) {
      INDArray view = a.get(NDArrayIndex.all(), NDArrayIndex.point(head), NDArrayIndex.all(), NDArrayIndex.all());
      return view.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }
    FloatBuffer src = a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    float[] out = new float[b * run];
    for (int s = 0; s < b; s++) {
      src.get(Math.toIntExact(((long) s * h + head) * run), out, s * run, run);
    }
    return out;
  }
}
