package org.anisoscope.reports.claims;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import org.anisoscope.reports.ReportException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The pre-registered rules ({@code experiments/paper/rules.conf}, HOCON under {@code paper.rules}): thresholds and
 * the claims with their runs. Every threshold the engine uses comes from here; nothing has a default in code, so a
 * missing key fails naming the file and the key.
 */
public record Rules(
    Path file,
    List<Pattern> hiddenHooks,
    List<Pattern> notHiddenHooks,
    double minLower,
    double minRise,
    double maxUpper,
    double markedlyLessRatio,
    double lowerRatio,
    double maxLossRise,
    double minNormGrowth,
    double minCosRise,
    double minEntropyDrop,
    UntrainedBlock untrainedBlock,
    List<Claim> claims) {

  public static final String ANISOTROPIC = "anisotropic";
  public static final String MARKEDLY_LESS = "markedly-less";
  public static final String LOWER_AT_EQUAL_LOSS = "lower-at-equal-loss";
  public static final String DRIFT = "drift";
  public static final String UNTRAINED_BLOCK = "untrained-block";
  private static final Set<String> RULE_NAMES = Set.of(ANISOTROPIC, MARKEDLY_LESS, LOWER_AT_EQUAL_LOSS, DRIFT,
      UNTRAINED_BLOCK);

  /** Where C6's sweep CSV is and what its columns are called. */
  public record UntrainedBlock(String file, String driftColumn, String temperatureColumn, String outputCosColumn,
      String entropyColumn, String seedColumn, double temperature, double minRankCorrelation) {}

  /**
   * One claim: {@code runs} (matrix ids) for the per-run rules, {@code pairs} ([control, twin]) for the comparison
   * rules.
   */
  public record Claim(String id, String statement, String rule, List<String> runs, List<List<String>> pairs) {
    /** Every matrix id the claim reads, in order, without repeats. */
    public List<String> runIds() {
      List<String> ids = new ArrayList<>(runs);
      pairs.forEach(p -> p.forEach(id -> {
        if (!ids.contains(id)) {
          ids.add(id);
        }
      }));
      return ids;
    }
  }

  /** Reads {@code file}; fails with one line naming the file and the key when something is missing or wrong. */
  public static Rules load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ReportException(file + ": no such file (expected the rules file, e.g. experiments/paper/rules.conf)");
    }
    Config root;
    try {
      root = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    } catch (ConfigException e) {
      throw new ReportException(file + ": not valid HOCON: " + e.getMessage());
    }
    try {
      Config c = root.getConfig("paper.rules");
      Config ub = c.getConfig("untrained-block");
      Config cols = ub.getConfig("columns");
      Rules r = new Rules(file,
          patterns(file, c, "hidden-hooks"),
          patterns(file, c, "not-hidden-hooks"),
          c.getDouble("anisotropic.min-lower"),
          c.getDouble("anisotropic.min-rise"),
          c.getDouble("anisotropic.max-upper"),
          positive(file, c, "markedly-less.max-ratio"),
          positive(file, c, "lower-at-equal-loss.max-ratio"),
          c.getDouble("lower-at-equal-loss.max-loss-rise"),
          positive(file, c, "drift.min-norm-growth"),
          c.getDouble("drift.min-cos-rise"),
          c.getDouble("drift.min-entropy-drop"),
          new UntrainedBlock(ub.getString("file"), cols.getString("drift-norm"), cols.getString("temperature"),
              cols.getString("output-cos"), cols.getString("entropy"), cols.getString("seed"),
              ub.getDouble("temperature"), ub.getDouble("min-rank-correlation")),
          claims(file, c));
      return r;
    } catch (ConfigException e) {
      throw new ReportException(file + ": " + e.getMessage().replaceFirst("^[^:]*: ", "")
          + " (expected every key of experiments/paper/rules.conf under paper.rules)");
    }
  }

  private static double positive(Path file, Config c, String key) {
    double v = c.getDouble(key);
    if (!(v > 0)) {
      throw new ReportException(file + ": paper.rules." + key + " = " + v + " (expected a number > 0)");
    }
    return v;
  }

  private static List<Pattern> patterns(Path file, Config c, String key) {
    List<Pattern> out = new ArrayList<>();
    for (String s : c.getStringList(key)) {
      try {
        out.add(Pattern.compile(s));
      } catch (PatternSyntaxException e) {
        throw new ReportException(file + ": paper.rules." + key + ": '" + s + "' is not a regular expression ("
            + e.getDescription() + ")");
      }
    }
    return List.copyOf(out);
  }

  private static List<Claim> claims(Path file, Config c) {
    List<Claim> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Config k : c.getConfigList("claims")) {
      String id = k.getString("id");
      String rule = k.getString("rule");
      String where = file + ": claim " + id;
      if (!ids.add(id)) {
        throw new ReportException(where + " appears twice (expected unique claim ids)");
      }
      if (!RULE_NAMES.contains(rule)) {
        throw new ReportException(where + ": rule '" + rule + "' is unknown (expected one of "
            + String.join(", ", RULE_NAMES.stream().sorted().toList()) + ")");
      }
      List<String> runs = k.hasPath("runs") ? List.copyOf(k.getStringList("runs")) : List.of();
      List<List<String>> pairs = new ArrayList<>();
      if (k.hasPath("pairs")) {
        for (Object p : k.getList("pairs").unwrapped()) {
          if (!(p instanceof List<?> l) || l.size() != 2 || !(l.get(0) instanceof String)
              || !(l.get(1) instanceof String)) {
            throw new ReportException(where + ": pairs entry " + p + " (expected [control-id, twin-id])");
          }
          pairs.add(List.of((String) l.get(0), (String) l.get(1)));
        }
      }
      boolean comparison = rule.equals(MARKEDLY_LESS) || rule.equals(LOWER_AT_EQUAL_LOSS);
      if (comparison ? pairs.isEmpty() : runs.isEmpty()) {
        throw new ReportException(where + ": rule " + rule + " needs " + (comparison ? "pairs" : "runs")
            + " (none given)");
      }
      out.add(new Claim(id, k.getString("statement"), rule, runs, List.copyOf(pairs)));
    }
    return List.copyOf(out);
  }

  /** The rule in words with this file's thresholds, for the claims table's {@code rule} column. */
  public String describe(String rule) {
    return switch (rule) {
      case ANISOTROPIC -> String.format(java.util.Locale.ROOT,
          "anisotropic: in every seed some hidden layer's final cos_mean has lo >= %s and lo - step-0 >= %s; "
              + "not: in every seed every hidden layer's hi < %s", n(minLower), n(minRise), n(maxUpper));
      case MARKEDLY_LESS -> "control's largest final hidden cos_mean <= " + n(markedlyLessRatio)
          + " x its anisotropic twin's, in every seed (not: > in every seed)";
      case LOWER_AT_EQUAL_LOSS -> "control's largest final hidden cos_mean <= " + n(lowerRatio)
          + " x its anisotropic twin's and val loss <= (1 + " + n(maxLossRise) + ") x twin's, in every seed "
          + "(not: ratio >= 1 or loss worse, in every seed)";
      case DRIFT -> "every seed, mean over heads/layers: q and k mean norm final/step-0 >= " + n(minNormGrowth)
          + ", |qk_mean_cos| rise >= " + n(minCosRise) + ", attn_entropy drop >= " + n(minEntropyDrop)
          + " nats (not: one moves the wrong way in every seed)";
      case UNTRAINED_BLOCK -> "at temperature " + n(untrainedBlock.temperature()) + ", every seed: Spearman(drift, "
          + "output cos_mean) >= " + n(untrainedBlock.minRankCorrelation()) + " and Spearman(drift, entropy) <= -"
          + n(untrainedBlock.minRankCorrelation()) + " (not: a wrong sign in every seed)";
      default -> throw new IllegalArgumentException("unknown rule " + rule);
    };
  }

  private static String n(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e6 ? Long.toString((long) v) : Double.toString(v);
  }
}
