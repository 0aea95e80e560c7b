package org.anisoscope.cli;

import org.anisoscope.config.Settings;
import org.anisoscope.config.SettingsException;
import org.anisoscope.control.CnnControl;
import org.anisoscope.control.ControlRun;
import org.anisoscope.control.ImageControlData;
import org.anisoscope.image.ImageData;
import org.anisoscope.reports.CsvTable;
import org.anisoscope.reports.RunReport;
import org.anisoscope.run.Provenance;
import org.anisoscope.run.RunDirectory;
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

/** {@code control.type = cnn}: wires a config to a DL4J control run (data → network → run directory → report). */
final class ControlExperiment {
  private final PrintStream out;

  ControlExperiment(PrintStream out) {
    this.out = out;
  }

  /** The control this config asks for, "" for none; checks its keys. */
  static String type(Settings s) {
    String t = s.keys().oneOf("anisoscope.control.type", java.util.Set.of("", CnnControl.TYPE));
    if (t.equals(CnnControl.TYPE)) {
      if (!s.modality().equals(ImageData.MODALITY)) {
        throw s.keys().invalid("anisoscope.data.modality", "image for control.type = cnn");
      }
      CnnControl.validate(s);
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
    ImageData images = ImageData.load(s);
    ImageControlData data = new ImageControlData(images, s.train().batchSize(), s.train().evalBatches(),
        s.run().seed());
    if (s.probe().sequences() > images.valSet().count()) {
      throw new SettingsException("probe.sequences = " + s.probe().sequences() + ": expected <= "
          + images.valSet().count() + " (validation images)");
    }
    long total = (long) ControlRun.stepsPerEpoch(s.train(), data) * s.train().epochs();
    MultiLayerNetwork net = CnnControl.build(s, data.height(), data.width(), data.classes(), total);
    RunDirectory run = RunDirectory.create(parent, name, s.run().overwrite());
    run.writeConfig(s.config());
    ControlRun control = new ControlRun(s, net, data, run, out);
    Provenance prov = new Provenance(s.run().seed(), commandLine);
    for (Map.Entry<String, Path> f : data.dataFiles().entrySet()) {
      prov.addDataFile(f.getKey(), f.getValue());
    }
    prov.addData(data.provenance());
    prov.put("control", "dl4j-" + CnnControl.TYPE);
    prov.put("parameters", net.numParams());
    Path provFile = run.file("provenance.json");
    prov.write(provFile);
    out.printf(Locale.ROOT, "run %s%n  DL4J control %s (classification), %s%n", run.path(), CnnControl.TYPE,
        images.describe());
    out.printf(Locale.ROOT, "  network: %,d parameters; %s%n", net.numParams(),
        String.join(", ", ControlRun.describe(net, data.probeInputs(1))));
    out.printf(Locale.ROOT, "  training: %d epochs × %d steps, batch %d images%n", s.train().epochs(),
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
    Path report = RunReport.write(run.path());
    printAnisotropy(run.path());
    out.printf(Locale.ROOT, "done: final val loss %.4f, val acc %.4f; train %.1f s, eval %.1f s, probe %.1f s%n",
        summary.finalValLoss(), summary.finalValAcc(), summary.trainSeconds(), summary.evalSeconds(),
        summary.probeSeconds());
    out.println("report: " + report);
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
