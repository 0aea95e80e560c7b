package org.anisoscope.metrics;

import com.google.common.base.Preconditions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.anisoscope.util.Registry;

/** The metric registry: every metric of ARCHITECTURE.md's table (§6), by its {@code probes.csv} name. */
public final class Metrics {
  private static final Registry<Metric> REGISTRY = new Registry<Metric>("metric")
      .register(MeanPairwiseCosine.NAME, MeanPairwiseCosine::new)
      .register(IntraSequenceCosine.NAME, IntraSequenceCosine::new)
      .register(InterSequenceCosine.NAME, InterSequenceCosine::new)
      .register(CentredPairwiseCosine.NAME, CentredPairwiseCosine::new)
      .register(NormMeanRatio.NAME, NormMeanRatio::new)
      .register(DominantDirectionShare.NAME, DominantDirectionShare::new)
      .register(EffectiveRank.NAME, EffectiveRank::new)
      .register(IsoScore.NAME, IsoScore::new)
      .register(PartitionIsotropy.NAME, PartitionIsotropy::new)
      .register(OutlierDimensions.NAME, OutlierDimensions::new)
      .register(Uniformity.NAME, Uniformity::new);

  /** The names in the order of ARCHITECTURE.md §6 (the registry's own {@code names()} are sorted). */
  public static final List<String> ALL = List.of(MeanPairwiseCosine.NAME, IntraSequenceCosine.NAME,
      InterSequenceCosine.NAME, CentredPairwiseCosine.NAME, NormMeanRatio.NAME, DominantDirectionShare.NAME, EffectiveRank.NAME, IsoScore.NAME,
      PartitionIsotropy.NAME, OutlierDimensions.NAME, Uniformity.NAME);

  private Metrics() {}

  /** The shared registry, all metrics registered. */
  public static Registry<Metric> registry() {
    return REGISTRY;
  }

  /**
   * New instances of {@code names}, in that order. An unknown name fails with an {@link IllegalArgumentException}
   * listing the known ones; a repeated name fails too (it would write duplicate rows).
   */
  public static List<Metric> create(List<String> names) {
    Set<String> seen = new HashSet<>();
    List<Metric> out = new ArrayList<>(names.size());
    for (String name : names) {
      Preconditions.checkArgument(seen.add(name), "metric '%s' listed twice in %s", name, names);
      out.add(REGISTRY.create(name));
    }
    return out;
  }
}
