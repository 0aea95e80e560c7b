package org.anisoscope.train;

import org.anisoscope.model.ParamStore;
import org.anisoscope.run.AtomicFiles;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Model + optimizer state + step, written atomically (temp file + rename). Everything random in a run is a
 * function of (seed, step) (see {@link org.anisoscope.util.Seeds}), so this is all a resume needs.
 */
public record Checkpoint(long step, double bestValLoss, long adamSteps, INDArray params, INDArray adamM,
    INDArray adamV) {
  private static final String MAGIC = "anisoscope-checkpoint";
  private static final int VERSION = 1;

  public static Checkpoint of(long step, double bestValLoss, ParamStore store, AdamW adam) {
    return new Checkpoint(step, bestValLoss, adam.stepCount(), store.values(), adam.firstMoment(),
        adam.secondMoment());
  }

  public void write(Path file) throws IOException {
    AtomicFiles.write(file, os -> {
      DataOutputStream out = new DataOutputStream(os);
      out.writeUTF(MAGIC);
      out.writeInt(VERSION);
      out.writeLong(step);
      out.writeDouble(bestValLoss);
      out.writeLong(adamSteps);
      Nd4j.write(params, out);
      Nd4j.write(adamM, out);
      Nd4j.write(adamV, out);
      out.flush();
    });
  }

  public static Checkpoint read(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
      String magic;
      try {
        magic = in.readUTF();
      } catch (IOException e) {
        throw new IOException(file + ": not an anisoscope checkpoint (unreadable header)");
      }
      if (!MAGIC.equals(magic)) {
        throw new IOException(file + ": not an anisoscope checkpoint");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new IOException(file + ": checkpoint version " + version + ", expected " + VERSION);
      }
      long step = in.readLong();
      double best = in.readDouble();
      long adamSteps = in.readLong();
      INDArray p = Nd4j.read(in);
      INDArray m = Nd4j.read(in);
      INDArray v = Nd4j.read(in);
      return new Checkpoint(step, best, adamSteps, p, m, v);
    }
  }

  /** Loads the state into a model's store and an optimizer of the same shape. */
  public void restore(ParamStore store, AdamW adam) throws IOException {
    if (params.length() != store.values().length()) {
      throw new IOException("checkpoint has " + params.length() + " parameters, the model " + store.values().length()
          + ": the configuration does not match");
    }
    store.values().assign(params);
    adam.restore(adamM, adamV, adamSteps);
  }
}
