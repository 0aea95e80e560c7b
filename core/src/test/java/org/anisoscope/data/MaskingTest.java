package org.anisoscope.data;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BERT's 15 % / 80-10-10 masking: rates, special ids, determinism, the at-least-one guarantee. */
class MaskingTest {
  private static final int VOCAB = 50;
  private static final int PAD = 0;
  private static final int MASK = 1;
  private static final Set<Integer> SPECIALS = Set.of(PAD, 2);  // and MASK, implicitly

  /** {@code n} tokens: a tenth of them special (PAD, 2, MASK), the rest uniform over the ordinary ids. */
  private static int[] tokens(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(10) == 0 ? r.nextInt(3) : 3 + r.nextInt(VOCAB - 3);
    }
    return t;
  }

  private static boolean special(int id) {
    return id == PAD || id == MASK || id == 2;
  }

  @Test
  void choosesFifteenPercentSplitEightyTenTen() {
    int n = 400_000;
    int[] clean = tokens(n, 1);
    Batch b = new Masking(MASK, VOCAB, SPECIALS).apply(400, 1000, clean, new SplittableRandom(2));
    int eligible = 0;
    int chosen = 0;
    int masked = 0;
    int replaced = 0;
    int kept = 0;
    for (int i = 0; i < n; i++) {
      eligible += special(clean[i]) ? 0 : 1;
      if (b.targets()[i] == Batch.IGNORE) {
        assertEquals(clean[i], b.tokens()[i], "unchosen position " + i + " changed");
        continue;
      }
      chosen++;
      assertEquals(clean[i], b.targets()[i], "target at " + i);
      int in = b.tokens()[i];
      if (in == MASK) {
        masked++;
      } else if (in == clean[i]) {
        kept++;
      } else {
        replaced++;
      }
    }
    // σ of the rates here is < 0.002; a random replacement equals the original with probability 1/47.
    assertEquals(0.15, (double) chosen / eligible, 0.005);
    assertEquals(0.8, (double) masked / chosen, 0.01);
    assertEquals(0.1 * 46 / 47, (double) replaced / chosen, 0.01);
    assertEquals(0.1 + 0.1 / 47, (double) kept / chosen, 0.01);
  }

  @Test
  void neverChoosesNorDrawsSpecialIds() {
    int[] clean = tokens(100_000, 3);
    Batch b = new Masking(MASK, VOCAB, SPECIALS).apply(100, 1000, clean, new SplittableRandom(4));
    int[] drawn = new int[VOCAB];
    for (int i = 0; i < clean.length; i++) {
      if (special(clean[i])) {
        assertEquals(Batch.IGNORE, b.targets()[i], "special id chosen at " + i);
        assertEquals(clean[i], b.tokens()[i]);
      } else if (b.tokens()[i] != MASK) {
        assertFalse(special(b.tokens()[i]), "special id " + b.tokens()[i] + " drawn at " + i);
        drawn[b.tokens()[i]] += b.tokens()[i] != clean[i] ? 1 : 0;
      }
    }
    for (int id = 3; id < VOCAB; id++) {
      assertTrue(drawn[id] > 0, "ordinary id " + id + " never drawn as a replacement");
    }
  }

  @Test
  void sameSeedSameBatchAndInputUntouched() {
    int[] clean = tokens(5000, 5);
    int[] copy = clean.clone();
    Masking m = new Masking(MASK, VOCAB, SPECIALS);
    Batch a = m.apply(5, 1000, clean, new SplittableRandom(42));
    Batch b = m.apply(new Batch(5, 1000, clean, null), new SplittableRandom(42));
    Batch c = m.apply(5, 1000, clean, new SplittableRandom(43));
    assertArrayEquals(a.tokens(), b.tokens());
    assertArrayEquals(a.targets(), b.targets());
    assertFalse(java.util.Arrays.equals(a.targets(), c.targets()));
    assertArrayEquals(copy, clean);
  }

  @Test
  void alwaysChoosesAtLeastOneEligiblePosition() {
    Masking rare = new Masking(MASK, VOCAB, SPECIALS, 1e-9);
    int[] clean = {PAD, 7, 2, 9, PAD};
    int[] picked = new int[clean.length];
    for (long seed = 0; seed < 200; seed++) {
      Batch b = rare.apply(1, 5, clean, new SplittableRandom(seed));
      int chosen = 0;
      for (int i = 0; i < clean.length; i++) {
        if (b.targets()[i] != Batch.IGNORE) {
          chosen++;
          picked[i]++;
        }
      }
      assertEquals(1, chosen, "seed " + seed);
    }
    assertEquals(0, picked[0] + picked[2] + picked[4], "a special position was forced");
    assertTrue(picked[1] > 50 && picked[3] > 50, "forced position not uniform: " + picked[1] + "/" + picked[3]);
  }

  @Test
  void refusesBatchesAndVocabulariesWithNothingToMask() {
    Masking m = new Masking(MASK, VOCAB, SPECIALS);
    assertThrows(IllegalArgumentException.class, () -> m.apply(1, 3, new int[] {PAD, MASK, 2},
        new SplittableRandom(1)));
    assertThrows(IllegalArgumentException.class, () -> new Masking(0, 2, Set.of(1)));
    assertThrows(IllegalArgumentException.class, () -> new Masking(MASK, VOCAB, Set.of(VOCAB)));
    assertThrows(IllegalArgumentException.class, () -> m.apply(1, 2, new int[] {3, VOCAB},
        new SplittableRandom(1)));
  }
}
