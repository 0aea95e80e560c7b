package org.anisoscope.train;

import org.anisoscope.files.AtomicFiles;
import org.anisoscope.files.BadInputException;
import org.anisoscope.files.OutputException;
import org.anisoscope.model.ParamStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Checkpoint#read} and {@link Checkpoint#restore} on damaged files: one-line BadInputExceptions naming the file. */
class CheckpointBadInputTest {
  @TempDir
  Path dir;

  private static Checkpoint sample(int params) {
    INDArray p = Nd4j.linspace(1, params, params, DataType.FLOAT).reshape(1, params);
    return new Checkpoint(7, 1.25, 7, p, p.mul(0.1), p.mul(0.01));
  }

  @Test
  void roundTripsAndStaysReadableAfterRewrite() throws IOException {
    Path f = dir.resolve("latest.ckpt");
    sample(50).write(f);
    Checkpoint c = Checkpoint.read(f);
    assertEquals(7, c.step());
    assertEquals(1.25, c.bestValLoss());
    assertArrayEquals(sample(50).params().toFloatVector(), c.params().toFloatVector());
    assertTrue(c.isFinite());
  }

  @Test
  void damagedFilesFailInOneLineNamingTheFile() throws IOException {
    Path f = dir.resolve("latest.ckpt");
    sample(200).write(f);
    byte[] good = Files.readAllBytes(f);
    Map<String, byte[]> cases = new LinkedHashMap<>();
    cases.put("empty", new byte[0]);
    cases.put("text", "hello, I am not a checkpoint\n".getBytes(StandardCharsets.UTF_8));
    cases.put("random bytes", randomBytes(4096, 1));
    for (int cut : new int[] {1, 2, 10, 23, 27, 40, 60, 100, good.length / 2, good.length - 9, good.length - 8,
        good.length - 1}) {
      cases.put("truncated to " + cut, Arrays.copyOf(good, cut));
    }
    for (int at : new int[] {40, 90, good.length / 2, good.length - 20, good.length - 3}) {
      byte[] b = good.clone();
      b[at] ^= 0x01;
      cases.put("bit flip at " + at, b);
    }
    byte[] extra = Arrays.copyOf(good, good.length + 4);
    cases.put("trailing bytes", extra);
    cases.put("wrong magic", header("anisoscope-checkpoinT", 2));
    cases.put("version 0", header("anisoscope-checkpoint", 0));
    cases.put("version 4", header("anisoscope-checkpoint", 4));
    cases.put("version 3 truncated", header("anisoscope-checkpoint", 3));
    cases.put("version 1 truncated", header("anisoscope-checkpoint", 1));
    int tried = 0;
    for (Map.Entry<String, byte[]> c : cases.entrySet()) {
      Files.write(f, c.getValue());
      BadInputException e = assertThrows(BadInputException.class, () -> Checkpoint.read(f), c.getKey());
      String m = e.getMessage();
      assertTrue(m.startsWith(f.toString()) && !m.contains("\n"), c.getKey() + ": " + m);
      tried++;
    }
    assertThrows(BadInputException.class, () -> Checkpoint.read(dir.resolve("missing.ckpt")));
    assertThrows(BadInputException.class, () -> Checkpoint.read(dir));
    tried += 2;
    System.out.println("CheckpointBadInputTest: " + tried + " damaged checkpoints");
  }

  @Test
  void aCheckpointOfAnotherModelIsRefused() throws IOException {
    Path f = dir.resolve("latest.ckpt");
    sample(30).write(f);
    ParamStore store = new ParamStore(DataType.FLOAT);
    store.declare("w", new long[] {4, 5}, ParamStore.Init.NORMAL, 0.02, true);
    store.allocate(1);
    AdamW adam = new AdamW(store, 0.9, 0.99, 1e-8, 0.1);
    BadInputException e = assertThrows(BadInputException.class, () -> Checkpoint.read(f).restore(store, adam));
    assertTrue(e.getMessage().contains("30 parameters, the model 20"), e.getMessage());
  }

  private static ParamStore store(long[]... shapes) {
    ParamStore store = new ParamStore(DataType.FLOAT);
    for (int i = 0; i < shapes.length; i++) {
      store.declare(i == 0 ? "W_E" : "blocks.0.w" + i, shapes[i], ParamStore.Init.NORMAL, 0.02, true);
    }
    store.allocate(1);
    return store;
  }

  /** Same total count, different shapes or names: the count alone (all version 2 could check) would accept it. */
  @Test
  void everyParameterNameAndShapeIsChecked() throws IOException {
    Path f = dir.resolve("latest.ckpt");
    ParamStore saved = store(new long[] {4, 6}, new long[] {6});
    Checkpoint.of(3, 1.0, saved, new AdamW(saved, 0.9, 0.99, 1e-8, 0.1)).write(f);
    Checkpoint c = Checkpoint.read(f);
    assertEquals(List.of("W_E [4, 6]", "blocks.0.w1 [6]"), c.layout().stream().map(Object::toString).toList());

    ParamStore same = store(new long[] {4, 6}, new long[] {6});
    c.restore(same, new AdamW(same, 0.9, 0.99, 1e-8, 0.1));
    assertArrayEquals(saved.values().toFloatVector(), same.values().toFloatVector());

    ParamStore transposed = store(new long[] {6, 4}, new long[] {6});
    BadInputException e = assertThrows(BadInputException.class,
        () -> c.restore(transposed, new AdamW(transposed, 0.9, 0.99, 1e-8, 0.1)));
    assertEquals("parameter 0 of the checkpoint is W_E [4, 6], of the model W_E [6, 4]: the configuration does "
        + "not match the checkpoint", e.getMessage());

    ParamStore renamed = new ParamStore(DataType.FLOAT);
    renamed.declare("W_E", new long[] {4, 6}, ParamStore.Init.NORMAL, 0.02, true);
    renamed.declare("ln_f.b", new long[] {6}, ParamStore.Init.ZEROS, 0, false);
    renamed.allocate(1);
    e = assertThrows(BadInputException.class, () -> c.restore(renamed, new AdamW(renamed, 0.9, 0.99, 1e-8, 0.1)));
    assertTrue(e.getMessage().contains("blocks.0.w1 [6]") && e.getMessage().contains("ln_f.b [6]"), e.getMessage());

    ParamStore more = store(new long[] {4, 6}, new long[] {6}, new long[] {1});
    e = assertThrows(BadInputException.class, () -> c.restore(more, new AdamW(more, 0.9, 0.99, 1e-8, 0.1)));
    assertTrue(e.getMessage().contains("parameter 2 of the checkpoint is missing"), e.getMessage());
  }

  /** A version-2 file (before names and shapes were stored) still loads; only its total count can be checked. */
  @Test
  void aVersion2CheckpointStillLoads() throws IOException {
    Checkpoint c = sample(20);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    DataOutputStream out = new DataOutputStream(new java.util.zip.CheckedOutputStream(bytes, crc));
    out.writeUTF("anisoscope-checkpoint");
    out.writeInt(2);
    out.writeLong(c.step());
    out.writeDouble(c.bestValLoss());
    out.writeLong(c.adamSteps());
    Nd4j.write(c.params(), out);
    Nd4j.write(c.adamM(), out);
    Nd4j.write(c.adamV(), out);
    out.flush();
    new DataOutputStream(bytes).writeLong(crc.getValue());
    Path f = dir.resolve("v2.ckpt");
    Files.write(f, bytes.toByteArray());
    Checkpoint read = Checkpoint.read(f);
    assertEquals(null, read.layout());
    ParamStore store = new ParamStore(DataType.FLOAT);
    store.declare("w", new long[] {4, 5}, ParamStore.Init.NORMAL, 0.02, true);
    store.allocate(1);
    read.restore(store, new AdamW(store, 0.9, 0.99, 1e-8, 0.1));
    assertArrayEquals(c.params().toFloatVector(), store.values().toFloatVector());
  }

  /** A checkpoint write killed at any byte (a full disk) keeps the previous checkpoint loadable, no temp file. */
  @Test
  void aWriteThatFailsMidwayLeavesThePreviousCheckpoint() throws IOException {
    Path f = dir.resolve("latest.ckpt");
    sample(100).write(f);
    byte[] before = Files.readAllBytes(f);
    Checkpoint next = new Checkpoint(8, 0.5, 8, sample(100).params().mul(2), sample(100).adamM(),
        sample(100).adamV());
    for (long k : new long[] {0, 10, before.length / 2, before.length - 1}) {
      AtomicFiles.StreamWrapper failAfterK = out -> new java.io.FilterOutputStream(out) {
        long left = k;

        @Override
        public void write(int b) throws IOException {
          if (left-- <= 0) {
            throw new IOException("No space left on device (injected)");
          }
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          for (int i = 0; i < len; i++) {
            write(b[off + i]);
          }
        }
      };
      OutputException e = assertThrows(OutputException.class, () -> AtomicFiles.write(f, next::writeTo,
          failAfterK));
      assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
      assertArrayEquals(before, Files.readAllBytes(f), "failure at byte " + k);
      assertEquals(7, Checkpoint.read(f).step());
      try (var listing = Files.list(dir)) {
        assertEquals(List.of(f), listing.toList(), "no temporary file left after a failure at byte " + k);
      }
    }
  }

  @Test
  void nonFiniteStatesAreRecognised() {
    Checkpoint c = sample(10);
    assertTrue(c.isFinite());
    c.adamV().putScalar(3, Float.POSITIVE_INFINITY);
    assertFalse(c.isFinite());
  }

  private static byte[] header(String magic, int version) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeUTF(magic);
    d.writeInt(version);
    d.writeLong(1);
    return b.toByteArray();
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }
}
