package org.anisoscope.cli;

import org.anisoscope.config.Settings;
import org.anisoscope.config.SettingsException;
import org.anisoscope.control.CnnControl;
import org.anisoscope.control.ControlRun;
import org.anisoscope.control.ControlData;
import org.anisoscope.control.ImageControlData;
import org.anisoscope.control.LstmControl;
import org.anisoscope.control.TextControlData;
import org.anisoscope.image.ImageData;
import org.anisoscope.reports.CsvTable;
import org.anisoscope.reports.RunReport;
import org.anisoscope.run.Provenance;
import org.anisoscope.run.RunDirectory;
import org.anisoscope.text.TextData;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@code control.type = cnn | lstm}: wires a config to a DL4J control run (data → network → run directory → report). */
final class ControlExperiment {
  private final PrintStream out;

  ControlExperiment(PrintStream out) {
    this.out = out;
  }

  /** The control this config asks for, "" for none; checks its keys. */
  static String type(Settings s) {
    String t = s.keys().oneOf("anisoscope.control.type", java.util.Set.of("", CnnControl.TYPE, LstmControl.TYPE));
    if (t.equals(CnnControl.TYPE)) {
      if (!s.modality().equals(ImageData.MODALITY)) {
        throw s.keys().invalid("anisoscope.data.modality", "image for control.type = cnn");
      }
      CnnControl.validate(s);
    } else if (t.equals(LstmControl.TYPE)) {
      if (!s.modality().equals("text")) {
        throw s.keys().invalid("anisoscope.data.modality", "text for control.type = lstm");
      }
      if (!s.objective().equals("causal-lm")) {
        throw s.keys().invalid("anisoscope.objective.type", "causal-lm for control.type = lstm (a next-token LSTM)");
      }
      LstmControl.validate(s);
      TextData.validate(s);
    }
    return t;
  }

  Path run(Settings s, List<String> commandLine) throws IOException {
    String name = s.run().name().isEmpty()
        ? s.configName() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
        : s.run().name();
    Path parent = Path.of(s.run().dir());
    if (Files.exists(parent.resolve(name)) && !s.run().overwrite()) {
      throw new java.nio.file.FileAlreadyExistsException(parent.resolve(name) + ": run directory already exists; "
          + "choose another run.name or set run.overwrite=true");
    }
    String type = type(s);
    ControlData data;
    MultiLayerNetwork net;
    String describe;
    String task;
    TextData text = null;
    if (type.equals(LstmControl.TYPE)) {
      text = TextData.load(s);
      TextControlData d = new TextControlData(text.windows(s), text.tokenizer().vocabSize(), text.provenance(),
          text.dataFiles());
      long total = (long) ControlRun.stepsPerEpoch(s.train(), d) * s.train().epochs();
      net = LstmControl.build(s, d.vocab(), total);
      data = d;
      describe = text.describe();
      task = "next-token language model";
    } else {
      ImageData images = ImageData.load(s);
      ImageControlData d = new ImageControlData(images, s.train().batchSize(), s.train().evalBatches(),
          s.run().seed());
      if (s.probe().sequences() > images.valSet().count()) {
        throw new SettingsException("probe.sequences = " + s.probe().sequences() + ": expected <= "
            + images.valSet().count() + " (validation images)");
      }
      long total = (long) ControlRun.stepsPerEpoch(s.train(), d) * s.train().epochs();
      net = CnnControl.build(s, d.height(), d.width(), d.classes(), total);
      data = d;
      describe = images.describe();
      task = "classification";
    }
    RunDirectory run = RunDirectory.create(parent, name, s.run().overwrite());
    run.writeConfig(s.config());
    if (text != null) {
      text.saveTokenizer(run.path());
    }
    ControlRun control = new ControlRun(s, net, data, run, out);
    Provenance prov = new Provenance(s.run().seed(), commandLine);
    for (Map.Entry<String, Path> f : data.dataFiles().entrySet()) {
      prov.addDataFile(f.getKey(), f.getValue());
    }
    prov.addData(data.provenance());
    prov.put("control", "dl4j-" + type);
    prov.put("parameters", net.numParams());
    Path provFile = run.file("provenance.json");
    prov.write(provFile);
    out.printf(Locale.ROOT, "run %s%n  DL4J control %s (%s), %s%n", run.path(), type, task, describe);
    out.printf(Locale.ROOT, "  network: %,d parameters; %s%n", net.numParams(),
        String.join(", ", ControlRun.describe(net, data.probeInputs(1))));
    out.printf(Locale.ROOT, "  training: %d epochs × %d steps, batch %d examples%n", s.train().epochs(),
        control.stepsPerEpoch(), s.train().batchSize());
    ControlRun.Summary summary;
    try {
      summary = control.train();
    } catch (RuntimeException | IOException e) {
      prov.finish("failed: " + e.getMessage());
      prov.write(provFile);
      throw e;
    }
    prov.put("train_seconds", summary.trainSeconds());
    prov.put("eval_seconds", summary.evalSeconds());
    prov.put("probe_seconds", summary.probeSeconds());
    prov.put("final_val_loss", summary.finalValLoss());
    prov.put("final_val_acc", summary.finalValAcc());
    prov.finish("finished");
    prov.write(provFile);
    Path report = RunReport.writeOrWarn(run.path(), out);
    printAnisotropy(run.path());
    out.printf(Locale.ROOT, "done: final val loss %.4f, val acc %.4f; train %.1f s, eval %.1f s, probe %.1f s%n",
        summary.finalValLoss(), summary.finalValAcc(), summary.trainSeconds(), summary.evalSeconds(),
        summary.probeSeconds());
    if (report != null) {
      out.println("report: " + report);
    }
    return run.path();
  }

  /** cos_mean of every probed layer at each probe step. */
  private void printAnisotropy(Path runDir) throws IOException {
    CsvTable t = CsvTable.read(runDir.resolve("probes.csv"));
    Map<Long, Map<String, Double>> rows = new TreeMap<>();
    java.util.Set<String> layers = new java.util.TreeSet<>();
    for (int r = 0; r < t.rowCount(); r++) {
      if (t.string(r, "metric").equals("cos_mean")) {
        String layer = "L" + t.integer(r, "layer");
        layers.add(layer);
        rows.computeIfAbsent(t.integer(r, "step"), k -> new TreeMap<>()).put(layer, t.number(r, "value"));
      }
    }
    out.println("cos_mean by layer (Lk = blocks.k.hook_resid_post = the output of DL4J layer k):");
    StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-8s", "step"));
    layers.forEach(l -> h.append(String.format(Locale.ROOT, " %8s", l)));
    out.println(h);
    for (Map.Entry<Long, Map<String, Double>> e : rows.entrySet()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-8d", e.getKey()));
      layers.forEach(l -> line.append(String.format(Locale.ROOT, " %8.4f", e.getValue().getOrDefault(l,
          Double.NaN))));
      out.println(line);
    }
  }
}
