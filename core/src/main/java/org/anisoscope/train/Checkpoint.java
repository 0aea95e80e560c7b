package org.anisoscope.train;

import org.anisoscope.files.AtomicFiles;
import org.anisoscope.files.BadInputException;
import org.anisoscope.model.Param;
import org.anisoscope.model.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * Model + optimizer state + step, written atomically (temp file + rename). Everything random in a run is a
 * function of (seed, step) (see {@link org.anisoscope.util.Seeds}), so this is all a resume needs.
 *
 * <p>Format version 3 carries every parameter's name and shape ({@code layout}), so {@link #restore} can refuse a
 * checkpoint of another model by naming the first parameter that differs; version 2 ends with the CRC-32 of every
 * byte before it, checked before anything is parsed, so a truncated or corrupted file fails with one line naming
 * it instead of loading wrong numbers. Versions 1 (no checksum) and 2 (no layout: only the total parameter count
 * can be checked) are still read.
 */
public record Checkpoint(long step, double bestValLoss, long adamSteps, INDArray params, INDArray adamM,
    INDArray adamV, List<Shape> layout) {
  private static final String MAGIC = "anisoscope-checkpoint";
  private static final int VERSION = 3;

  /** One parameter's name and shape, in the order of the flat arrays. */
  public record Shape(String name, long[] dims) {
    static Shape of(Param p) {
      return new Shape(p.name(), p.shape());
    }

    @Override
    public String toString() {
      return name + " " + Arrays.toString(dims);
    }
  }

  /** A checkpoint without a layout (as versions 1 and 2 read back). */
  public Checkpoint(long step, double bestValLoss, long adamSteps, INDArray params, INDArray adamM, INDArray adamV) {
    this(step, bestValLoss, adamSteps, params, adamM, adamV, null);
  }

  public static Checkpoint of(long step, double bestValLoss, ParamStore store, AdamW adam) {
    return new Checkpoint(step, bestValLoss, adam.stepCount(), store.values(), adam.firstMoment(),
        adam.secondMoment(), store.params().stream().map(Shape::of).toList());
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
    AtomicFiles.write(file, this::writeTo);
  }

  /** The file's bytes (what {@link #write} writes atomically); no layout is written as zero parameters (unknown). */
  public void writeTo(OutputStream os) throws IOException {
    CRC32 crc = new CRC32();
    DataOutputStream out = new DataOutputStream(new CheckedOutputStream(os, crc));
    out.writeUTF(MAGIC);
    out.writeInt(VERSION);
    out.writeLong(step);
    out.writeDouble(bestValLoss);
    out.writeLong(adamSteps);
    List<Shape> shapes = layout == null ? List.of() : layout;
    out.writeInt(shapes.size());
    for (Shape sh : shapes) {
      out.writeUTF(sh.name());
      out.writeInt(sh.dims().length);
      for (long d : sh.dims()) {
        out.writeLong(d);
      }
    }
    Nd4j.write(params, out);
    Nd4j.write(adamM, out);
    Nd4j.write(adamV, out);
    out.flush();
    new DataOutputStream(os).writeLong(crc.getValue()); // not part of the checksum
    os.flush();
  }

  /**
   * Reads a checkpoint; a file that is not one (wrong magic or version, truncated, corrupt) is a
   * {@link BadInputException} naming it.
   */
  public static Checkpoint read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file + ": no checkpoint file");
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
      String magic;
      int version;
      try {
        magic = in.readUTF();
        version = in.readInt();
      } catch (IOException e) {
        throw new BadInputException(file + ": not an anisoscope checkpoint (unreadable header)");
      }
      if (!MAGIC.equals(magic)) {
        throw new BadInputException(file + ": not an anisoscope checkpoint");
      }
      if (version < 1 || version > VERSION) {
        throw new BadInputException(file + ": checkpoint version " + version + ", expected 1 to " + VERSION);
      }
      if (version >= 2) {
        verifyChecksum(file);
      }
      try {
        long step = in.readLong();
        double best = in.readDouble();
        long adamSteps = in.readLong();
        List<Shape> layout = version >= 3 ? readLayout(in) : null;
        INDArray p = Nd4j.read(in);
        INDArray m = Nd4j.read(in);
        INDArray v = Nd4j.read(in);
        if (step < 0 || adamSteps < 0 || p.length() != m.length() || p.length() != v.length()) {
          throw new BadInputException(file + ": inconsistent checkpoint (step " + step + ", " + p.length()
              + " parameters but " + m.length() + "/" + v.length() + " optimizer moments)");
        }
        if (layout != null && layout.stream().mapToLong(sh -> count(sh.dims())).sum() != p.length()) {
          throw new BadInputException(file + ": inconsistent checkpoint (its parameter shapes do not add up to its "
              + p.length() + " values)");
        }
        return new Checkpoint(step, best, adamSteps, p, m, v, layout);
      } catch (IOException | RuntimeException e) {
        if (e instanceof BadInputException) {
          throw e;
        }
        throw new BadInputException(file + ": truncated or corrupt checkpoint (" + rootCause(e) + ")");
      }
    }
  }

  private static List<Shape> readLayout(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 1_000_000) {
      throw new IOException(n + " parameters");
    }
    List<Shape> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = in.readUTF();
      int rank = in.readInt();
      if (rank < 0 || rank > 32) {
        throw new IOException("rank " + rank + " for " + name);
      }
      long[] dims = new long[rank];
      for (int d = 0; d < rank; d++) {
        dims[d] = in.readLong();
      }
      out.add(new Shape(name, dims));
    }
    return out.isEmpty() ? null : List.copyOf(out);
  }

  private static long count(long[] dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  /** The last 8 bytes are the CRC-32 of all bytes before them. */
  private static void verifyChecksum(Path file) throws IOException {
    long size = Files.size(file);
    if (size < 8) {
      throw new BadInputException(file + ": truncated checkpoint (" + size + " bytes)");
    }
    CRC32 crc = new CRC32();
    byte[] buf = new byte[1 << 20];
    long left = size - 8;
    try (InputStream in = Files.newInputStream(file)) {
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new BadInputException(file + ": truncated checkpoint");
        }
        crc.update(buf, 0, n);
        left -= n;
      }
      long stored = new DataInputStream(in).readLong();
      if (stored != crc.getValue()) {
        throw new BadInputException(file + ": truncated or corrupt checkpoint (checksum mismatch)");
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

  /**
   * Loads the state into a model's store and an optimizer of the same shape. Every parameter's name and shape must
   * match the model's (a checkpoint without a layout, version 1 or 2, can only be checked by its total count);
   * otherwise a {@link BadInputException} names the first that differs.
   */
  public void restore(ParamStore store, AdamW adam) {
    checkLayout(store, null);
    store.values().assign(params);
    adam.restore(adamM, adamV, adamSteps);
  }

  /**
   * Fails unless this checkpoint's parameters fit {@code store}: every name and shape when the checkpoint carries
   * them, else (versions 1 and 2) the total count. {@code file} (may be null) prefixes the message.
   */
  public void checkLayout(ParamStore store, Path file) {
    String where = file == null ? "" : file + ": ";
    if (layout != null) {
      List<Param> model = store.params();
      for (int i = 0; i < Math.max(layout.size(), model.size()); i++) {
        Shape mine = i < layout.size() ? layout.get(i) : null;
        Shape theirs = i < model.size() ? Shape.of(model.get(i)) : null;
        if (mine == null || theirs == null || !mine.name().equals(theirs.name())
            || !Arrays.equals(mine.dims(), theirs.dims())) {
          throw new BadInputException(where + "parameter " + i + " of the checkpoint is "
              + (mine == null ? "missing" : mine) + ", of the model " + (theirs == null ? "missing" : theirs)
              + ": the configuration does not match the checkpoint");
        }
      }
    }
    if (params.length() != store.values().length()) {
      throw new BadInputException(where + "checkpoint has " + params.length() + " parameters, the model "
          + store.values().length() + ": the configuration does not match");
    }
  }
}
