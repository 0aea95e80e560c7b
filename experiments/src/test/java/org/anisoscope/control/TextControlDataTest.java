package org.anisoscope.control;

import org.anisoscope.data.TokenWindows;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** One-hot windows in DL4J's recurrent layout: the token at (b, t) is the hot channel, labels are the next token. */
class TextControlDataTest {
  private static final int VOCAB = 7;

  /** Token i of the stream is i mod VOCAB, so every window's next token is (input + 1) mod VOCAB. */
  private static TextControlData data(int seq) {
    int[] train = new int[200];
    int[] val = new int[60];
    for (int i = 0; i < train.length; i++) {
      train[i] = i % VOCAB;
    }
    for (int i = 0; i < val.length; i++) {
      val[i] = i % VOCAB;
    }
    return new TextControlData(new TokenWindows(train, val, seq, 3, 2, 11L), VOCAB, Map.of(), Map.of());
  }

  @Test
  void featuresAreOneHotTokensAndLabelsTheNextToken() {
    DataSet d = data(5).train(4);
    INDArray f = d.getFeatures();
    INDArray l = d.getLabels();
    assertArrayEquals(new long[] {3, VOCAB, 5}, f.shape());
    assertArrayEquals(new long[] {3, VOCAB, 5}, l.shape());
    for (int b = 0; b < 3; b++) {
      int prev = -1;
      for (int t = 0; t < 5; t++) {
        int in = -1;
        int next = -1;
        for (int v = 0; v < VOCAB; v++) {
          if (f.getFloat(b, v, t) == 1f) {
            assertEquals(-1, in, "two hot channels at " + b + "," + t);
            in = v;
          }
          if (l.getFloat(b, v, t) == 1f) {
            next = v;
          }
        }
        assertEquals(true, in >= 0 && next >= 0, "no hot channel at " + b + "," + t);
        assertEquals((in + 1) % VOCAB, next, "label at " + b + "," + t);
        assertEquals(1.0, f.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b),
            org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(t))
            .sumNumber().doubleValue(), 0, "one-hot sum");
        if (t > 0) {   // consecutive time steps are consecutive tokens of one window
          assertEquals((prev + 1) % VOCAB, in, "input at " + b + "," + t);
        }
        prev = in;
      }
    }
  }

  @Test
  void probeAndEvalFollowTheWindowsAndBadIdsAreRefused() {
    TextControlData d = data(4);
    assertArrayEquals(new long[] {5, VOCAB, 4}, d.probeInputs(5).shape());
    assertEquals(2, d.eval().size());
    assertEquals(200 / 4, d.trainExamples());
    assertThrows(IllegalArgumentException.class, () -> d.oneHot(new int[] {0, VOCAB}, 1, 2));
  }
}
