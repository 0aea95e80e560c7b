package org.anisoscope.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Npy#read} over a table of damaged files (beyond the cases of {@link NpyTest}): each is an IOException with
 * one line naming the file and what was expected, never another exception type.
 */
class NpyBadInputTest {
  @TempDir
  Path dir;

  private static final String F4_2x3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

  @Test
  void damagedFilesFailInOneLineNamingTheFile() throws IOException {
    Path ok = dir.resolve("ok.npy");
    Npy.writeFloat32(ok, new float[6], 2, 3);
    byte[] good = Files.readAllBytes(ok);
    Map<String, byte[]> cases = new LinkedHashMap<>();
    cases.put("empty", new byte[0]);
    cases.put("three bytes", new byte[] {(byte) 0x93, 'N', 'U'});
    cases.put("magic only", Arrays.copyOf(good, 6));
    cases.put("magic and version only", Arrays.copyOf(good, 8));
    cases.put("PNG magic", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'});
    cases.put("text", "1.0 2.0 3.0\n4.0 5.0 6.0\n".getBytes(StandardCharsets.US_ASCII));
    cases.put("truncated header", Arrays.copyOf(good, 50));
    cases.put("header cut before data", Arrays.copyOf(good, 128));
    cases.put("truncated data", Arrays.copyOf(good, good.length - 1));
    cases.put("trailing bytes", Arrays.copyOf(good, good.length + 4));
    byte[] v9 = good.clone();
    v9[6] = 9;
    cases.put("version 9", v9);
    byte[] v2 = good.clone();
    v2[6] = 2; // the 4-byte header length then reads the first two dict bytes too: absurdly long
    cases.put("version 2 with a v1 header", v2);
    cases.put("header not a dict", build("['descr', '<f4']", new byte[24]));
    cases.put("header missing shape", build("{'descr': '<f4', 'fortran_order': False, }", new byte[24]));
    cases.put("header missing descr", build("{'fortran_order': False, 'shape': (2, 3), }", new byte[24]));
    cases.put("shape not integers", build(F4_2x3.replace("(2, 3)", "(two, 3)"), new byte[24]));
    cases.put("negative shape", build(F4_2x3.replace("(2, 3)", "(-2, 3)"), new byte[24]));
    cases.put("shape bigger than the data", build(F4_2x3.replace("(2, 3)", "(3, 4)"), new byte[24]));
    cases.put("shape smaller than the data", build(F4_2x3.replace("(2, 3)", "(2, 2)"), new byte[24]));
    cases.put("float64 data under a float32 header", build(F4_2x3, new byte[48]));
    cases.put("big-endian float64", build(F4_2x3.replace("<f4", ">f8"), new byte[48]));
    cases.put("int64", build(F4_2x3.replace("<f4", "<i8"), new byte[48]));
    cases.put("bool", build(F4_2x3.replace("<f4", "|b1"), new byte[6]));
    cases.put("object array (pickle)", build(F4_2x3.replace("<f4", "|O"), new byte[48]));
    cases.put("complex64", build(F4_2x3.replace("<f4", "<c8"), new byte[48]));
    cases.put("structured dtype", build("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (6,), }",
        new byte[24]));
    cases.put("more elements than a Java array", build(F4_2x3.replace("(2, 3)", "(100000, 100000)"), new byte[4]));
    int tried = 0;
    for (Map.Entry<String, byte[]> c : cases.entrySet()) {
      Path f = dir.resolve("bad.npy");
      Files.write(f, c.getValue());
      IOException e = assertThrows(IOException.class, () -> Npy.read(f), c.getKey());
      String m = e.getMessage();
      assertTrue(m.contains(f.toString()) && !m.contains("\n"), c.getKey() + ": " + m);
      tried++;
    }
    assertThrows(IOException.class, () -> Npy.read(dir.resolve("missing.npy")));
    assertThrows(IOException.class, () -> Npy.read(dir));
    tried += 2;
    System.out.println("NpyBadInputTest: " + tried + " damaged .npy files");
  }

  /** The shape's element count overflows a long: still an IOException, not an ArithmeticException. */
  @Test
  void absurdShapeIsAnIOException() throws IOException {
    Path f = dir.resolve("huge.npy");
    Files.write(f, build(F4_2x3.replace("(2, 3)", "(9223372036854775807, 4)"), new byte[4]));
    Throwable t = assertThrows(Throwable.class, () -> Npy.read(f));
    assertTrue(t instanceof IOException, "got " + t);
    assertTrue(t.getMessage().contains("huge.npy") && t.getMessage().contains("overflows")
        && !t.getMessage().contains("\n"), t.getMessage());
  }

  private static byte[] build(String dict, byte[] data) {
    int unpadded = 10 + dict.length() + 1;
    int total = (unpadded + 63) / 64 * 64;
    ByteBuffer b = ByteBuffer.allocate(total + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(Npy.MAGIC).put((byte) 1).put((byte) 0).putShort((short) (total - 10));
    b.put((dict + " ".repeat(total - unpadded) + "\n").getBytes(StandardCharsets.US_ASCII)).put(data);
    return b.array();
  }
}
