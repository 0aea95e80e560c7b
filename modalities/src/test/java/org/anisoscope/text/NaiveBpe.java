package org.anisoscope.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The textbook BPE trainer (Sennrich et al. 2016, Algorithm 1): recount every pair before every merge. Slow,
 * obviously right; the executable spec that {@link BpeTrainer} must equal merge for merge.
 */
final class NaiveBpe {
  private NaiveBpe() {}

  static int[][] train(String text, int maxMerges, int firstId, int minPairCount) {
    Map<String, Integer> freq = new TreeMap<>();
    for (String piece : PreTokenizer.split(text)) {
      freq.merge(piece, 1, Integer::sum);
    }
    List<List<Integer>> words = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    freq.forEach((w, f) -> {
      List<Integer> s = new ArrayList<>();
      for (byte b : w.getBytes(StandardCharsets.UTF_8)) {
        s.add(b & 0xFF);
      }
      words.add(s);
      counts.add(f);
    });
    List<int[]> merges = new ArrayList<>();
    while (merges.size() < maxMerges) {
      Map<List<Integer>, Long> pairs = new TreeMap<>((p, q) -> p.get(0).equals(q.get(0))
          ? Integer.compare(p.get(1), q.get(1)) : Integer.compare(p.get(0), q.get(0)));
      for (int w = 0; w < words.size(); w++) {
        List<Integer> s = words.get(w);
        for (int i = 0; i + 1 < s.size(); i++) {
          pairs.merge(List.of(s.get(i), s.get(i + 1)), (long) counts.get(w), Long::sum);
        }
      }
      List<Integer> best = null;
      long bestCount = 0;
      for (Map.Entry<List<Integer>, Long> e : pairs.entrySet()) { // ascending (left, right): first max wins
        if (e.getValue() > bestCount) {
          best = e.getKey();
          bestCount = e.getValue();
        }
      }
      if (best == null || bestCount < minPairCount) {
        break;
      }
      int id = firstId + merges.size();
      for (List<Integer> s : words) {
        for (int i = 0; i + 1 < s.size(); i++) {
          if (s.get(i).equals(best.get(0)) && s.get(i + 1).equals(best.get(1))) {
            s.set(i, id);
            s.remove(i + 1);
          }
        }
      }
      merges.add(new int[] {best.get(0), best.get(1)});
    }
    return merges.toArray(new int[0][]);
  }
}
