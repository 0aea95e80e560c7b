package org.anisoscope.probe;

import com.google.common.base.Preconditions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Token types split by their training-set frequency into equal-sized groups (quintiles by default): group 1
 * holds the most frequent fifth of the types that occur, group 5 the rarest. The probe reports {@code cos_mean}
 * of the hidden states at positions whose input token falls in each group ({@code cos_mean_freq_q1} …
 * {@code _q5}), which tests the long-tail explanation of anisotropy (Gao et al. 2019) directly: if rare tokens
 * drive it, their group should be the most anisotropic.
 */
public final class TokenGroups {
  private final int[] groupOfToken; // -1 = never seen in training
  private final int groups;

  private TokenGroups(int[] groupOfToken, int groups) {
    this.groupOfToken = groupOfToken;
    this.groups = groups;
  }

  /** Groups the types of {@code vocab} by their count in {@code trainTokens} (ties broken by id). */
  public static TokenGroups byFrequency(int[] trainTokens, int vocab, int groups) {
    Preconditions.checkArgument(groups >= 1, "groups must be >= 1, got %s", groups);
    long[] counts = new long[vocab];
    for (int t : trainTokens) {
      counts[t]++;
    }
    List<Integer> seen = new ArrayList<>();
    for (int id = 0; id < vocab; id++) {
      if (counts[id] > 0) {
        seen.add(id);
      }
    }
    seen.sort(Comparator.<Integer>comparingLong(id -> -counts[id]).thenComparingInt(id -> id));
    int[] group = new int[vocab];
    java.util.Arrays.fill(group, -1);
    for (int rank = 0; rank < seen.size(); rank++) {
      group[seen.get(rank)] = (int) ((long) rank * groups / seen.size());
    }
    return new TokenGroups(group, groups);
  }

  /** 0-based group of {@code token}, or -1 when it never occurs in training. */
  public int groupOf(int token) {
    return token >= 0 && token < groupOfToken.length ? groupOfToken[token] : -1;
  }

  public int groups() {
    return groups;
  }

  /**
   * These groups as labels of the probe positions (the group of each position's input token) for the cone plot:
   * {@code q1 (most frequent)} … {@code q5 (rarest)}; a token never seen in training, or a batch without tokens,
   * gets no label.
   */
  public ProbeLabels asLabels() {
    List<String> names = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      names.add("q" + (g + 1) + (g == 0 && groups > 1 ? " (most frequent)" : g == groups - 1 && groups > 1
          ? " (rarest)" : ""));
    }
    String kind = groups == 5 ? "token-frequency quintile" : "token-frequency group (of " + groups + ")";
    return new ProbeLabels() {
      @Override
      public String kind() {
        return kind;
      }

      @Override
      public boolean ordered() {
        return true;
      }

      @Override
      public List<String> names() {
        return List.copyOf(names);
      }

      @Override
      public int[] labels(org.anisoscope.data.Batch batch) {
        int[] out = new int[batch.positions()];
        for (int i = 0; i < out.length; i++) {
          out[i] = batch.tokens() == null ? -1 : groupOf(batch.tokens()[i]);
        }
        return out;
      }
    };
  }

  /**
   * How many probe positions each group gets: {@code [groups + 1]}, entry g for group g (0-based), the last for the
   * positions in no group (an input token never seen in training, or a batch without tokens). A group's
   * {@code cos_mean_freq_q*} averages over its count's pairs; a rare group of a small vocabulary may get a handful of
   * positions whatever the probe size (the validation split holds no more).
   */
  public long[] positionCounts(List<org.anisoscope.data.Batch> batches) {
    long[] counts = new long[groups + 1];
    for (org.anisoscope.data.Batch b : batches) {
      for (int i = 0; i < b.positions(); i++) {
        int g = b.tokens() == null ? -1 : groupOf(b.tokens()[i]);
        counts[g < 0 ? groups : g]++;
      }
    }
    return counts;
  }

  /** {@link #positionCounts} by name, for provenance.json: {@code q1} … {@code q<groups>}, then {@code none}. */
  public static java.util.Map<String, Long> countsByName(long[] counts) {
    java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
    for (int g = 0; g < counts.length - 1; g++) {
      out.put("q" + (g + 1), counts[g]);
    }
    out.put("none", counts[counts.length - 1]);
    return out;
  }

  /** One line for the run log: {@code q1 47,713 · q2 1,194 · … (most frequent … rarest)}, plus the ungrouped. */
  public static String describeCounts(long[] counts) {
    StringBuilder sb = new StringBuilder();
    for (int g = 0; g < counts.length - 1; g++) {
      sb.append(g == 0 ? "" : " · ").append(String.format(java.util.Locale.ROOT, "q%d %,d", g + 1, counts[g]));
    }
    long none = counts[counts.length - 1];
    return sb + (none > 0 ? String.format(java.util.Locale.ROOT, " (and %,d in no group)", none) : "");
  }

  /** The metric name of group {@code g} (0-based): {@code cos_mean_freq_q<g+1>}. */
  public static String metricName(int g) {
    return "cos_mean_freq_q" + (g + 1);
  }
}
