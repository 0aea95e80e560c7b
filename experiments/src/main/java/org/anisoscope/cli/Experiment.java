package org.anisoscope.cli;

import com.typesafe.config.ConfigFactory;
import org.anisoscope.config.Settings;
import org.anisoscope.files.AtomicFiles;
import org.anisoscope.files.BadInputException;
import org.anisoscope.objective.CausalLm;
import org.anisoscope.probe.TokenGroups;
import org.anisoscope.probe.Probe;
import org.anisoscope.reports.CsvTable;
import org.anisoscope.reports.RunReport;
import org.anisoscope.run.Provenance;
import org.anisoscope.run.RunDirectory;
import org.anisoscope.text.TextData;
import org.anisoscope.train.ModalityData;
import org.anisoscope.train.Network;
import org.anisoscope.train.Sampler;
import org.anisoscope.train.Trainer;
import org.anisoscope.util.Seeds;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Wires one configuration to the parts: data → model → run directory → trainer → sample → report. */
public final class Experiment {
  private final PrintStream out;

  public Experiment(PrintStream out) {
    this.out = out;
  }

  /** Runs {@code config} with {@code overrides} from scratch; returns the run directory. */
  public Path run(Path config, List<String> overrides, List<String> commandLine) throws IOException {
    Settings s = Settings.load(config, overrides);
    Modalities.validate(s);
    if (!ControlExperiment.type(s).isEmpty()) {   // a DL4J control instead of the Transformer
      return new ControlExperiment(out).run(s, commandLine);
    }
    String name = s.run().name().isEmpty()
        ? s.configName() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
        : s.run().name();
    Path parent = Path.of(s.run().dir());
    if (Files.exists(parent.resolve(name)) && !s.run().overwrite()) {
      throw new BadInputException(parent.resolve(name) + ": run directory already exists; "
          + "choose another run.name, resume it with --resume, or set run.overwrite=true");
    }
    org.anisoscope.device.Devices.check(s.device().device()); // model.device = cuda without the cuda module: exit 2
    ModalityData data = Modalities.load(s);
    int stepsPerEpoch = Trainer.stepsPerEpoch(s.train(), data.batches(s));
    Probe.checkVectorBudget(s, (long) stepsPerEpoch * s.train().epochs(), stepsPerEpoch);
    RunDirectory run = RunDirectory.create(parent, name, s.run().overwrite());
    run.writeConfig(s.config());
    data.saveArtifacts(run.path(), false);
    return train(s, data, run, false, commandLine);
  }

  /**
   * A run's saved {@code config.conf}. A run started before {@code train.decay-embeddings} existed has no such key
   * and trained without decay on the embeddings: it continues that way, not with the new default.
   */
  static com.typesafe.config.Config savedConfig(Path file) {
    com.typesafe.config.Config saved = ConfigFactory.parseFile(file.toFile());
    String key = "anisoscope.train.decay-embeddings";
    return saved.hasPath(key) ? saved
        : saved.withValue(key, com.typesafe.config.ConfigValueFactory.fromAnyRef(false));
  }

  /**
   * Continues the run in {@code runDir} from its latest checkpoint, with the configuration it was started with, on
   * the data it started on: its own {@code tokenizer.json} (never refitted) and a corpus whose SHA-256 matches the
   * one {@code provenance.json} recorded (see {@link ResumeData}; {@code allowDataChange} turns a mismatch into a
   * warning).
   */
  public Path resume(Path runDir, List<String> commandLine, boolean allowDataChange) throws IOException {
    RunDirectory run = RunDirectory.open(runDir);
    Settings s;
    try {
      s = Settings.of(savedConfig(run.file("config.conf"))
          .withFallback(ConfigFactory.defaultReference()).resolve(), runDir.getFileName().toString());
    } catch (com.typesafe.config.ConfigException e) {
      throw new BadInputException(run.file("config.conf") + ": not the run's configuration (" + e.getMessage() + ")");
    }
    if (!ControlExperiment.type(s).isEmpty()) {
      throw new BadInputException(runDir + ": a DL4J control run (control.type = " + ControlExperiment.type(s)
          + ") keeps no checkpoint and cannot be resumed; start it again");
    }
    org.anisoscope.device.Devices.check(s.device().device()); // before anything in the run directory changes
    ModalityData data = Modalities.loadForResume(s, run.path());
    ResumeData.check(run, data, allowDataChange, out);
    int stale = run.removeStaleTemporaryFiles();
    if (stale > 0) {
      out.printf(Locale.ROOT, "removed %d temporary file(s) left by the interrupted run%n", stale);
    }
    data.saveArtifacts(run.path(), true); // what a run killed early had not saved yet
    return train(s, data, run, true, commandLine);
  }

  private Path train(Settings s, ModalityData data, RunDirectory run, boolean resume, List<String> commandLine)
      throws IOException {
    Network model = data.network(s);
    Trainer trainer = new Trainer(s, model, data.batches(s), run, out);
    long[] groupPositions = null;
    if (s.probe().frequencyGroups() > 0) {
      java.util.Optional<TokenGroups> groups = data.tokenGroups(s.probe().frequencyGroups());
      groups.ifPresent(trainer::withTokenGroups);
      if (groups.isPresent()) { // how many positions each cos_mean_freq_q* averages over (logged, in provenance)
        groupPositions = groups.get().positionCounts(data.batches(s).probeBatches(s.probe().sequences(),
            s.probe().batchSize()));
      }
      if (groups.isEmpty()) {
        out.printf(Locale.ROOT, "probe.frequency-groups: token-frequency groups do not apply to %s inputs "
            + "(no cos_mean_freq_q* rows)%n", s.modality());
      }
    }
    // A resume reads and checks the checkpoint first, so a bad one fails before anything is written.
    long resumedFrom = resume ? trainer.prepareResume() : 0;
    Provenance prov = new Provenance(s.run().seed(), commandLine);
    for (java.util.Map.Entry<String, Path> f : data.dataFiles().entrySet()) {
      prov.addDataFile(f.getKey(), f.getValue());
    }
    prov.addData(data.provenance());
    for (Map.Entry<String, String> a : ResumeData.RUN_ARTIFACTS.entrySet()) { // a resume checks their hashes too
      if (Files.isRegularFile(run.file(a.getValue()))) {
        prov.addDataFile(a.getKey(), run.file(a.getValue()));
      }
    }
    prov.put("parameters", model.params().count());
    prov.put("device", trainer.deviceName()); // model.device: "cpu (ND4J)", "cpu-device" or "cuda:<GPU>"
    prov.put("tf32", s.device().tf32());
    if (groupPositions != null) {
      prov.put("probe_positions_per_frequency_group", TokenGroups.countsByName(groupPositions));
    }
    Path provFile = run.file("provenance.json");
    if (resume) { // provenance.json stays the record of the first start; each resume adds its own file
      prov.put("resumed_from_step", Math.max(0, resumedFrom)); // 0: killed before its first checkpoint
      int n = 1;
      while (Files.exists(run.file("provenance-resume-" + n + ".json"))) {
        n++;
      }
      provFile = run.file("provenance-resume-" + n + ".json");
    }
    prov.write(provFile);

    out.printf(Locale.ROOT, "run %s%n  %s, %s%n", run.path(), s.objective(), data.describe());
    out.printf(Locale.ROOT, "  model: %d layers, %d heads, d_model %d, context %d, %,d parameters%n",
        s.model().layers(), s.model().heads(), s.model().dModel(), s.model().context(), model.params().count());
    out.printf(Locale.ROOT, "  training: %d epochs × %d steps, batch %d × %d tokens%n", s.train().epochs(),
        trainer.stepsPerEpoch(), s.train().batchSize(), s.model().context());
    if (groupPositions != null) {
      out.printf(Locale.ROOT, "  probe: %d sequences; positions per token-frequency group: %s%n",
          s.probe().sequences(), TokenGroups.describeCounts(groupPositions));
    }
    Trainer.Summary summary;
    try {
      summary = trainer.train(resume);
    } catch (RuntimeException | IOException e) {
      prov.finish("failed: " + e.getMessage());
      try {
        prov.write(provFile);
      } catch (IOException | RuntimeException writing) { // e.g. the disk is full: report the first failure
        e.addSuppressed(writing);
      }
      throw e;
    }
    prov.put("train_seconds", summary.trainSeconds());
    prov.put("eval_seconds", summary.evalSeconds());
    prov.put("probe_seconds", summary.probeSeconds());
    prov.put("warmup_seconds", summary.warmupSeconds());
    prov.put("final_val_loss", summary.finalValLoss());
    prov.finish("finished");
    prov.write(provFile);

    if (data instanceof TextData text && model.objective() instanceof CausalLm && s.train().sampleTokens() > 0) {
      int[] val = text.valTokens();
      int[] prompt = Arrays.copyOf(val, Math.min(val.length, Math.max(1, s.model().context() / 4)));
      int[] gen = Sampler.generate(model, prompt, s.train().sampleTokens(), s.train().sampleTemperature(),
          Seeds.derive(s.run().seed(), Seeds.SAMPLING, 0));
      String sample = text.tokenizer().decode(prompt) + "" + text.tokenizer().decode(gen);
      AtomicFiles.writeString(run.file("sample.txt"), sample + "\n");
      out.println("---- sample (prompt from the validation split, then " + gen.length + " generated tokens) ----");
      out.println(sample);
      out.println("----");
    }
    Path report = RunReport.writeOrWarn(run.path(), out);
    printAnisotropy(run.path(), s.model().layers());
    out.printf(Locale.ROOT, "done: final val loss %.4f (best %.4f); train %.1f s, eval %.1f s, probe %.1f s "
            + "(%.1f %% of the run), JIT warm-up %.1f s%n", summary.finalValLoss(), summary.bestValLoss(),
        summary.trainSeconds(), summary.evalSeconds(), summary.probeSeconds(),
        share(summary.probeSeconds(), summary.trainSeconds() + summary.evalSeconds() + summary.probeSeconds()
            + summary.warmupSeconds()), summary.warmupSeconds());
    if (report != null) {
      out.println("report: " + report);
    }
    return run.path();
  }

  /** {@code part} as a percentage of {@code whole}; 0 when nothing ran (a run resumed at its last step). */
  static double share(double part, double whole) {
    return whole > 0 ? 100 * part / whole : 0;
  }

  /** Prints cos_mean of every representation depth at each probe step (depth 0 = embeddings). */
  private void printAnisotropy(Path runDir, int layers) throws IOException {
    CsvTable t = CsvTable.read(runDir.resolve("probes.csv"));
    List<String> hooks = new ArrayList<>();
    hooks.add("hook_embed");
    for (int l = 0; l < layers; l++) {
      hooks.add("blocks." + l + ".hook_resid_post");
    }
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-8s %-6s", "step", "epoch"));
    for (int d = 0; d <= layers; d++) {
      header.append(String.format(Locale.ROOT, " %8s", d == 0 ? "embed" : "L" + d));
    }
    out.println("cos_mean by depth (embed = hook_embed, Lk = blocks.k-1.hook_resid_post):");
    out.println(header);
    java.util.Map<Long, double[]> rows = new java.util.TreeMap<>();
    java.util.Map<Long, Long> epochs = new java.util.HashMap<>();
    for (int r = 0; r < t.rowCount(); r++) {
      if (!t.string(r, "metric").equals("cos_mean")) {
        continue;
      }
      int depth = hooks.indexOf(t.string(r, "hook"));
      if (depth < 0) {
        continue;
      }
      long step = t.integer(r, "step");
      rows.computeIfAbsent(step, k -> {
        double[] a = new double[layers + 1];
        Arrays.fill(a, Double.NaN);
        return a;
      })[depth] = t.number(r, "value");
      epochs.put(step, t.integer(r, "epoch"));
    }
    for (java.util.Map.Entry<Long, double[]> e : rows.entrySet()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-8d %-6d", e.getKey(),
          epochs.get(e.getKey())));
      for (double v : e.getValue()) {
        line.append(String.format(Locale.ROOT, " %8.4f", v));
      }
      out.println(line);
    }
  }
}
