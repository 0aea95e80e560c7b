package org.anisoscope.cli;

import org.anisoscope.files.AtomicFiles;
import org.anisoscope.files.BadInputException;
import org.anisoscope.files.OutputException;

import org.anisoscope.config.Settings;
import org.anisoscope.data.Batch;
import org.anisoscope.io.Npy;
import org.anisoscope.model.Hooks;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.Param;
import org.anisoscope.objective.CausalLm;
import org.anisoscope.objective.LossResult;
import org.anisoscope.objective.Objectives;
import org.anisoscope.text.Tokenizers;
import org.anisoscope.train.Checkpoint;
import org.anisoscope.train.Network;
import org.anisoscope.train.Trainer;
import org.anisoscope.util.Seeds;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The Java side of the numerical parity check behind experiments/parity.sh: writes the configured causal LM's
 * weights in the Java layout (one {@code <param-name>.npy} per ParamStore parameter), a seeded random batch and
 * the model's logits and mean cross-entropy on it (dropout off), for {@code benchmarks/torch_gpt.py parity} to
 * recompute in PyTorch.
 */
@Command(name = "parity.sh", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Exports a causal LM's weights, a random batch, and the Java logits and loss on it into a folder "
        + "for benchmarks/torch_gpt.py parity (see benchmarks/README.md).",
        "Writes <param>.npy per parameter, tokens.npy, targets.npy (int32 [B, T]), config.json, logits.npy "
            + "[B·T, V] and loss.txt; last line: parity-export: dir=… loss=…"},
    footer = {"", "Exit codes: 0 written, 2 bad input (config, objective, checkpoint, non-empty --out), "
        + "4 --out cannot be written, "
        + "1 a bug (with its stack trace)."})
public final class Parity implements Callable<Integer> {
  static final int BAD_INPUT = 2;

  @Parameters(paramLabel = "CONFIG|KEY=VALUE", description = "A configuration file and key=value overrides. With "
      + "--checkpoint the file may be left out: the run's config.conf is used.")
  private List<String> args = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR", required = true,
      description = "Folder to write into; created if missing, must be empty (parity.sh: a new temporary folder "
          + "unless given).")
  private Path out;

  @Option(names = "--checkpoint", paramLabel = "RUN_DIR|CKPT",
      description = "Trained weights: a run directory (its checkpoints/latest.ckpt) or a checkpoint file inside "
          + "one; the vocabulary comes from the run's tokenizer.json. Default: fresh weights from run.seed.")
  private Path checkpoint;

  @Option(names = "--batch", defaultValue = "4", description = "Sequences B (default: ${DEFAULT-VALUE}).")
  private int batch;

  @Option(names = "--seq", defaultValue = "0", description = "Tokens per sequence T; 0 = model.context.")
  private int seq;

  @Option(names = "--dtype", defaultValue = "float64",
      description = "Model dtype, replaces model.dtype: float32 or float64 (default: ${DEFAULT-VALUE}).")
  private String dtype;

  @Option(names = "--vocab", defaultValue = "90",
      description = "Vocabulary size of fresh weights (default: ${DEFAULT-VALUE}); ignored with --checkpoint.")
  private int vocab;

  private final PrintStream stdout;
  private final PrintStream stderr;

  Parity(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public static void main(String... argv) {
    System.exit(run(System.out, System.err, argv));
  }

  /** Runs the command line; returns the exit code (tests call this instead of {@link #main}). */
  public static int run(PrintStream out, PrintStream err, String... argv) {
    CommandLine cl = new CommandLine(new Parity(out, err));
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> Main.bug(err, e));
    return cl.execute(argv);
  }

  @Override
  public Integer call() {
    return Main.exitCode(stderr, () -> {
      try {
        return export();
      } catch (OutputException e) {
        throw e;
      } catch (IOException e) { // reading the configuration, checkpoint or tokenizer it was given
        throw new BadInputException(e.getMessage(), e);
      }
    });
  }

  private int export() throws IOException {
    CliArgs parsed = CliArgs.split(args);
    if (parsed.configs().size() > 1) {
      throw new BadInputException("one configuration file only, got " + parsed.configs().get(0) + " and "
          + parsed.configs().get(1));
    }
    Path config = parsed.configs().isEmpty() ? null : parsed.configs().get(0);
    List<String> overrides = parsed.overrides();
    if (!dtype.equals("float32") && !dtype.equals("float64")) {
      throw new BadInputException("--dtype must be float32 or float64, got " + dtype);
    }
    Path ckptFile = null;
    Path runDir = null;
    if (checkpoint != null) {
      if (!Files.exists(checkpoint)) {
        throw new BadInputException(checkpoint + ": no such run directory or checkpoint file (--checkpoint)");
      }
      if (Files.isDirectory(checkpoint)) {
        runDir = checkpoint;
        ckptFile = checkpoint.resolve("checkpoints").resolve(Trainer.LATEST);
      } else {
        ckptFile = checkpoint;
        Path parent = checkpoint.toAbsolutePath().getParent();
        runDir = parent.getParent() == null ? parent : parent.getParent(); // RUN/checkpoints/x.ckpt
      }
      if (config == null) {
        config = runDir.resolve("config.conf");
      }
    } else if (config == null) {
      throw new BadInputException("no configuration file given; e.g. experiments/parity.sh configs/base.conf"
          + " (see --help)");
    }
    overrides.add("anisoscope.model.dtype=" + dtype); // last, so it wins over a model.dtype override
    Settings s = Settings.load(config, overrides);
    if (!s.objective().equals(CausalLm.NAME)) {
      throw new BadInputException("parity needs objective.type = causal-lm (the PyTorch peer is a GPT), "
          + "got " + s.objective());
    }
    if (s.model().attention() != ModelConfig.Attention.SOFTMAX) {
      throw new BadInputException("parity needs model.attention = softmax (the PyTorch peer has no "
          + "attention-free blocks)");
    }
    if (s.model().qkNorm() || s.model().attentionTemperature() != 1.0) {
      throw new IllegalArgumentException("parity needs model.qk-norm = false and model.attention-temperature = 1 "
          + "(the PyTorch peer has neither intervention)");
    }
    int v = vocab;
    if (checkpoint != null) {
      Path tok = runDir.resolve("tokenizer.json");
      if (!Files.isRegularFile(tok)) {
        throw new BadInputException(tok + ": not found (the vocabulary of the checkpoint's run)");
      }
      v = Tokenizers.load(tok).vocabSize();
    }
    if (v < 1) {
      throw new BadInputException("--vocab must be >= 1, got " + v);
    }
    ModelConfig mc = s.model().toConfig(v);
    int t = seq == 0 ? mc.context() : seq;
    if (batch < 1 || t < 1 || t > mc.context()) {
      throw new BadInputException("--batch must be >= 1 and --seq in [1, context " + mc.context()
          + "], got " + batch + " and " + seq);
    }
    prepareOut();

    Network model = Network.ofTokens(mc, Objectives.registry().create(s.objective()), s.run().seed());
    long ckptStep = -1;
    if (ckptFile != null) {
      Checkpoint c = Checkpoint.read(ckptFile);
      INDArray values = model.params().values();
      if (c.params().length() != values.length()) {
        throw new BadInputException(ckptFile + ": checkpoint has " + c.params().length() + " parameters, the model "
            + values.length() + ": the configuration does not match");
      }
      c.checkLayout(model.params(), ckptFile);
      // Checkpoint.restore also wants the optimizer; only the weights matter here, cast to the export's dtype.
      values.assign(c.params().castTo(values.dataType()).reshape(values.shape()));
      ckptStep = c.step();
    }

    // Bench's random batch (tokens and targets uniform over the vocabulary), its first step's seed.
    Batch b = Bench.randomBatch(batch, t, v, Seeds.derive(s.run().seed(), Seeds.TRAIN_BATCHES, 0));
    LossResult r = model.forward(b, false);
    INDArray hidden = model.hooks(batch, t).get(Hooks.LN_FINAL);              // [B·T, C]
    INDArray logits = ((CausalLm) model.objective()).logits(hidden);          // [B·T, V]

    for (Param p : model.params().params()) {
      write(out.resolve(p.name() + ".npy"), p.value(), p.shape());
    }
    write(out.resolve("logits.npy"), logits, logits.shape());
    Npy.writeInt32(out.resolve("tokens.npy"), b.tokens(), batch, t);
    Npy.writeInt32(out.resolve("targets.npy"), b.targets(), batch, t);
    java.util.Map<String, Object> shape = new java.util.LinkedHashMap<>();
    shape.put("layers", mc.layers());
    shape.put("heads", mc.heads());
    shape.put("d_model", mc.dModel());
    shape.put("d_ff", mc.dFf());
    shape.put("context", mc.context());
    shape.put("vocab", mc.vocab());
    shape.put("tie", mc.tieEmbeddings());
    AtomicFiles.writeString(out.resolve("config.json"), new com.google.gson.Gson().toJson(shape) + "\n");
    AtomicFiles.writeString(out.resolve("loss.txt"), Double.toString(r.loss()) + "\n");

    stdout.printf(Locale.ROOT, "model: %d layers, %d heads, d_model %d, d_ff %d, context %d, vocab %d, %s, %s, "
            + "%,d parameters in %d tensors%n", mc.layers(), mc.heads(), mc.dModel(), mc.dFf(), mc.context(), v,
        mc.tieEmbeddings() ? "tied" : "untied", dtype, model.params().count(), model.params().params().size());
    stdout.println("weights: " + (ckptFile == null ? "fresh, seed " + s.run().seed()
        : ckptFile + " (step " + ckptStep + ")"));
    stdout.printf(Locale.ROOT, "parity-export: dir=%s batch=%d seq=%d dtype=%s loss=%s%n", out, batch, t, dtype,
        Double.toString(r.loss()));
    return 0;
  }

  /** Creates {@link #out}, or accepts it when empty: files of an earlier export must not be mistaken for these. */
  private void prepareOut() throws IOException {
    if (Files.exists(out)) {
      if (!Files.isDirectory(out)) {
        throw new BadInputException(out + ": not a directory");
      }
      try (Stream<Path> files = Files.list(out)) {
        if (files.findAny().isPresent()) {
          throw new BadInputException(out + ": not empty; give a new or empty folder (--out)");
        }
      }
    }
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw OutputException.of(out, e);
    }
  }

  /** {@code a} as a row-major {@code .npy} of its own dtype (float32 or float64) with {@code shape}. */
  private static void write(Path file, INDArray a, long[] shape) throws IOException {
    INDArray c = a.dup('c'); // a view into the flat parameter buffer: copy out exactly its elements
    if (c.dataType() == DataType.DOUBLE) {
      Npy.writeFloat64(file, c.data().asDouble(), shape);
    } else {
      Npy.writeFloat32(file, c.castTo(DataType.FLOAT).data().asFloat(), shape);
    }
  }
}
