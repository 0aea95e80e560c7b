package org.anisoscope.text;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns byte-level BPE merges (Sennrich et al. 2016; byte-level as GPT-2) from word frequencies.
 *
 * <p>Fast because nothing is re-scanned per merge: the text is reduced once to a table of distinct
 * pre-tokenized words with their counts; each adjacent symbol pair keeps its total count and the words it
 * occurs in; a merge rewrites only those words and updates only the pairs whose counts changed. The best pair
 * comes from a priority queue with lazy deletion (an entry is stale when its count no longer matches).
 *
 * <p>Tie-break, so training is deterministic whatever the hash order: the highest count wins; among equal
 * counts the pair with the smaller left id, then the smaller right id. Training stops early when no pair
 * occurs at least {@code minPairCount} times.
 */
final class BpeTrainer {
  private static final Comparator<Candidate> BEST_FIRST = Comparator.comparingLong((Candidate c) -> -c.count)
      .thenComparingInt(c -> c.left)
      .thenComparingInt(c -> c.right);

  /** One queue entry; stale once {@code count} differs from the pair's current count. */
  private record Candidate(long count, int left, int right) {}

  /** A pair's total count (weighted by word frequency) and the words it occurs in (may hold stale ones). */
  private static final class PairStats {
    long count;
    int[] words = new int[4];
    int nWords;

    void addWord(int w) {
      if (nWords == words.length) {
        words = Arrays.copyOf(words, nWords * 2);
      }
      words[nWords++] = w;
    }
  }

  private final int[][] symbols; // word index → its current symbol ids (first len[w] valid)
  private final int[] len;
  private final long[] freq;
  private final Map<Long, PairStats> pairs = new HashMap<>();
  private final PriorityQueue<Candidate> queue = new PriorityQueue<>(BEST_FIRST);

  private BpeTrainer(Map<String, Integer> wordFreq) {
    int n = wordFreq.size();
    symbols = new int[n][];
    len = new int[n];
    freq = new long[n];
    int w = 0;
    for (Map.Entry<String, Integer> e : wordFreq.entrySet()) {
      byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
      symbols[w] = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        symbols[w][i] = bytes[i] & 0xFF;
      }
      len[w] = bytes.length;
      freq[w] = e.getValue();
      for (int i = 0; i + 1 < len[w]; i++) {
        PairStats p = pairs.computeIfAbsent(key(symbols[w][i], symbols[w][i + 1]), k -> new PairStats());
        p.count += freq[w];
        p.addWord(w);
      }
      w++;
    }
    pairs.forEach((k, p) -> queue.add(new Candidate(p.count, left(k), right(k))));
  }

  /**
   * Up to {@code maxMerges} merges learned from {@code text}; merge {@code k} creates id {@code firstId + k}.
   *
   * @return {@code [k] = {left id, right id}}
   */
  static int[][] train(String text, int maxMerges, int firstId, int minPairCount) {
    checkArgument(maxMerges >= 0, "maxMerges must be >= 0, got %s", maxMerges);
    checkArgument(minPairCount >= 1, "minPairCount must be >= 1, got %s", minPairCount);
    Map<String, Integer> wordFreq = new HashMap<>();
    PreTokenizer.forEach(text, piece -> wordFreq.merge(piece, 1, Integer::sum));
    return new BpeTrainer(wordFreq).run(maxMerges, firstId, minPairCount);
  }

  private int[][] run(int maxMerges, int firstId, int minPairCount) {
    List<int[]> merges = new ArrayList<>(maxMerges);
    int[] visited = new int[symbols.length];
    Arrays.fill(visited, -1);
    while (merges.size() < maxMerges) {
      Candidate best = pollValid();
      if (best == null || best.count < minPairCount) {
        break;
      }
      int k = merges.size();
      int merged = firstId + k;
      long bestKey = key(best.left, best.right);
      PairStats stats = pairs.get(bestKey);
      Set<Long> touched = new HashSet<>();
      for (int i = 0; i < stats.nWords; i++) {
        int w = stats.words[i];
        if (visited[w] != k) { // a word may be listed twice; it is rewritten once
          visited[w] = k;
          mergeInWord(w, best.left, best.right, merged, touched);
        }
      }
      checkState(stats.count == 0, "pair (%s,%s) still counted %s times after its merge", best.left, best.right,
          stats.count);
      pairs.remove(bestKey);
      for (long t : touched) {
        PairStats p = pairs.get(t);
        if (p == null) {
          continue;
        }
        if (p.count == 0) {
          pairs.remove(t); // a pair of old ids never comes back: only pairs with the new id are created
        } else {
          queue.add(new Candidate(p.count, left(t), right(t)));
        }
      }
      merges.add(new int[] {best.left, best.right});
    }
    return merges.toArray(new int[0][]);
  }

  private Candidate pollValid() {
    Candidate c;
    while ((c = queue.poll()) != null) {
      PairStats p = pairs.get(key(c.left, c.right));
      if (p != null && p.count == c.count) {
        return c;
      }
    }
    return null;
  }

  /** Rewrites word {@code w} with {@code (a, b) → merged}, left to right, and applies the pair-count diff. */
  private void mergeInWord(int w, int a, int b, int merged, Set<Long> touched) {
    int[] s = symbols[w];
    int n = len[w];
    int[] out = new int[n];
    int m = 0;
    for (int i = 0; i < n; ) {
      if (i + 1 < n && s[i] == a && s[i + 1] == b) {
        out[m++] = merged;
        i += 2;
      } else {
        out[m++] = s[i++];
      }
    }
    if (m == n) {
      return; // a stale word entry: the pair left this word in an earlier merge
    }
    long[] before = sortedPairs(s, n);
    long[] after = sortedPairs(out, m);
    int i = 0;
    int j = 0;
    while (i < before.length || j < after.length) {
      long k = (j >= after.length || (i < before.length && before[i] < after[j])) ? before[i] : after[j];
      int delta = 0;
      while (i < before.length && before[i] == k) {
        delta--;
        i++;
      }
      while (j < after.length && after[j] == k) {
        delta++;
        j++;
      }
      if (delta != 0) {
        PairStats p = pairs.computeIfAbsent(k, x -> new PairStats());
        p.count += delta * freq[w];
        if (delta > 0) {
          p.addWord(w);
        }
        touched.add(k);
      }
    }
    symbols[w] = out;
    len[w] = m;
  }

  private static long[] sortedPairs(int[] s, int n) {
    long[] keys = new long[Math.max(0, n - 1)];
    for (int i = 0; i + 1 < n; i++) {
      keys[i] = key(s[i], s[i + 1]);
    }
    Arrays.sort(keys);
    return keys;
  }

  static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  static int left(long key) {
    return (int) (key >>> 32);
  }

  static int right(long key) {
    return (int) key;
  }
}
