package org.anisoscope.train;

import org.anisoscope.model.ParamStore;
import org.anisoscope.run.AtomicFiles;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * Model + optimizer state + step, written atomically (temp file + rename). Everything random in a run is a
 * function of (seed, step) (see {@link org.anisoscope.util.Seeds}), so this is all a resume needs.
 *
 * <p>Format version 2 ends with the CRC-32 of every byte before it, checked before anything is parsed, so a
 * truncated or corrupted file fails with one line naming it instead of loading wrong numbers (version 1, without
 * the checksum, is still read).
 */
public record Checkpoint(long step, double bestValLoss, long adamSteps, INDArray params, INDArray adamM,
    INDArray adamV) {
  private static final String MAGIC = "anisoscope-checkpoint";
  private static final int VERSION = 2;

  public static Checkpoint of(long step, double bestValLoss, ParamStore store, AdamW adam) {
    return new Checkpoint(step, bestValLoss, adam.stepCount(), store.values(), adam.firstMoment(),
        adam.secondMoment());
  }

  /** True when parameters and both Adam moments hold no NaN or infinity (a state worth keeping). */
  public boolean isFinite() {
    for (INDArray a : new INDArray[] {params, adamM, adamV}) {
      if (BooleanIndexing.or(a, Conditions.notFinite())) {
        return false;
      }
    }
    return true;
  }

  public void write(Path file) throws IOException {
    AtomicFiles.write(file, os -> {
      CRC32 crc = new CRC32();
      DataOutputStream out = new DataOutputStream(new CheckedOutputStream(os, crc));
      out.writeUTF(MAGIC);
      out.writeInt(VERSION);
      out.writeLong(step);
      out.writeDouble(bestValLoss);
      out.writeLong(adamSteps);
      Nd4j.write(params, out);
      Nd4j.write(adamM, out);
      Nd4j.write(adamV, out);
      out.flush();
      new DataOutputStream(os).writeLong(crc.getValue()); // not part of the checksum
      os.flush();
    });
  }

  public static Checkpoint read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file + ": no checkpoint file");
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
      String magic;
      int version;
      try {
        magic = in.readUTF();
        version = in.readInt();
      } catch (IOException e) {
        throw new IOException(file + ": not an anisoscope checkpoint (unreadable header)");
      }
      if (!MAGIC.equals(magic)) {
        throw new IOException(file + ": not an anisoscope checkpoint");
      }
      if (version != 1 && version != VERSION) {
        throw new IOException(file + ": checkpoint version " + version + ", expected 1 or " + VERSION);
      }
      if (version >= 2) {
        verifyChecksum(file);
      }
      try {
        long step = in.readLong();
        double best = in.readDouble();
        long adamSteps = in.readLong();
        INDArray p = Nd4j.read(in);
        INDArray m = Nd4j.read(in);
        INDArray v = Nd4j.read(in);
        if (step < 0 || adamSteps < 0 || p.length() != m.length() || p.length() != v.length()) {
          throw new IOException(file + ": inconsistent checkpoint (step " + step + ", " + p.length()
              + " parameters but " + m.length() + "/" + v.length() + " optimizer moments)");
        }
        return new Checkpoint(step, best, adamSteps, p, m, v);
      } catch (IOException | RuntimeException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
          throw e;
        }
        throw new IOException(file + ": truncated or corrupt checkpoint (" + rootCause(e) + ")");
      }
    }
  }

  /** The last 8 bytes are the CRC-32 of all bytes before them. */
  private static void verifyChecksum(Path file) throws IOException {
    long size = Files.size(file);
    if (size < 8) {
      throw new IOException(file + ": truncated checkpoint (" + size + " bytes)");
    }
    CRC32 crc = new CRC32();
    byte[] buf = new byte[1 << 20];
    long left = size - 8;
    try (InputStream in = Files.newInputStream(file)) {
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException(file + ": truncated checkpoint");
        }
        crc.update(buf, 0, n);
        left -= n;
      }
      long stored = new DataInputStream(in).readLong();
      if (stored != crc.getValue()) {
        throw new IOException(file + ": truncated or corrupt checkpoint (checksum mismatch)");
      }
    }
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return (t.getClass().getSimpleName() + (m == null ? "" : ": " + m)).replace('\n', ' ');
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
