package org.anisoscope.train;

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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Checkpoint#read} and {@link Checkpoint#restore} on damaged files: one-line IOExceptions naming the file. */
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
    cases.put("version 3", header("anisoscope-checkpoint", 3));
    cases.put("version 1 truncated", header("anisoscope-checkpoint", 1));
    int tried = 0;
    for (Map.Entry<String, byte[]> c : cases.entrySet()) {
      Files.write(f, c.getValue());
      IOException e = assertThrows(IOException.class, () -> Checkpoint.read(f), c.getKey());
      String m = e.getMessage();
      assertTrue(m.startsWith(f.toString()) && !m.contains("\n"), c.getKey() + ": " + m);
      tried++;
    }
    assertThrows(IOException.class, () -> Checkpoint.read(dir.resolve("missing.ckpt")));
    assertThrows(IOException.class, () -> Checkpoint.read(dir));
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
    IOException e = assertThrows(IOException.class, () -> Checkpoint.read(f).restore(store, adam));
    assertTrue(e.getMessage().contains("30 parameters, the model 20"), e.getMessage());
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
