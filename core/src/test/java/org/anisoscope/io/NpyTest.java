package org.anisoscope.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @TempDir
  Path dir;

  @Test
  void roundTripsAnyRank() throws IOException {
    float[] six = {1.5f, -2, 3, Float.MIN_VALUE, Float.MAX_VALUE, -0f};
    long[][] shapes = {{2, 3}, {6}, {1, 2, 3}, {3, 1, 2, 1}};
    for (long[] shape : shapes) {
      Path f = dir.resolve("a" + shape.length + ".npy");
      Npy.writeFloat32(f, six, shape);
      NpyArray a = Npy.read(f);
      assertArrayEquals(shape, a.shape());
      assertArrayEquals(six, a.data());
    }
  }

  @Test
  void roundTripsScalarsAndEmptyArrays() throws IOException {
    Path f = dir.resolve("s.npy");
    Npy.writeFloat32(f, new float[] {7});
    assertEquals(0, Npy.read(f).rank());
    assertArrayEquals(new float[] {7}, Npy.read(f).data());
    Npy.writeFloat32(f, new float[0], 0, 5);
    assertArrayEquals(new long[] {0, 5}, Npy.read(f).shape());
  }

  /**
   * NumPy's own bytes for {@code np.save(f, np.arange(6, dtype='<f4').reshape(2, 3))}: magic, version 1.0, header
   * length 118 (0x76) little-endian, the dict, 58 spaces and a newline (10 + 118 = 128 = 2·64), then 6 floats.
   */
  @Test
  void headerMatchesNumPyByteForByte() throws IOException {
    Path f = dir.resolve("h.npy");
    Npy.writeFloat32(f, new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76, 0});
    expected.write("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".getBytes(StandardCharsets.US_ASCII));
    expected.write(" ".repeat(58).getBytes(StandardCharsets.US_ASCII));
    expected.write('\n');
    ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 6; i++) {
      data.putFloat(i);
    }
    expected.write(data.array());
    assertArrayEquals(expected.toByteArray(), Files.readAllBytes(f));
  }

  @Test
  void headersAreAlignedTo64Bytes() {
    for (long[] shape : new long[][] {{}, {5}, {123456789L, 4096}, {1, 2, 3, 4, 5, 6, 7, 8}}) {
      assertEquals(0, Npy.header("<f4", shape).length % 64, Arrays.toString(shape));
    }
  }

  @Test
  void readsFloat64AsFloat() throws IOException {
    Path f = dir.resolve("d.npy");
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.25).putDouble(-3.5);
    handBuilt(f, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", b.array());
    assertArrayEquals(new float[] {0.25f, -3.5f}, Npy.read(f).data());
  }

  /** float64 and int32 files: the same header as NumPy's with their descr, then the little-endian values. */
  @Test
  void writesFloat64AndInt32ByteForByte() throws IOException {
    Path d = dir.resolve("d.npy");
    Npy.writeFloat64(d, new double[] {0.1, -2.5, Math.PI}, 3, 1);
    ByteBuffer dd = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-2.5)
        .putDouble(Math.PI);
    Path expected = dir.resolve("expected.npy");
    handBuilt(expected, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 1), }", dd.array());
    assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(d));
    assertArrayEquals(new float[] {0.1f, -2.5f, (float) Math.PI}, Npy.read(d).data());

    Path i = dir.resolve("i.npy");
    Npy.writeInt32(i, new int[] {0, 7, -1, Integer.MAX_VALUE}, 2, 2);
    ByteBuffer ii = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(7).putInt(-1)
        .putInt(Integer.MAX_VALUE);
    handBuilt(expected, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", ii.array());
    assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(i));
    assertThrows(IllegalArgumentException.class, () -> Npy.writeInt32(i, new int[3], 2, 2));
  }

  /** Fortran order [2, 3]: the file holds columns (a00, a10), (a01, a11), (a02, a12). */
  @Test
  void readsFortranOrderAsRowMajor() throws IOException {
    Path f = dir.resolve("f.npy");
    ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : new float[] {0, 3, 1, 4, 2, 5}) {
      b.putFloat(v);
    }
    handBuilt(f, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", b.array());
    NpyArray a = Npy.read(f);
    assertArrayEquals(new long[] {2, 3}, a.shape());
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, a.data());
  }

  @Test
  void fortranToCForRankThree() {
    // shape (2, 3, 2): C value at (i, j, k) is 100i + 10j + k; Fortran offset is i + 2j + 6k
    long[] shape = {2, 3, 2};
    float[] f = new float[12];
    float[] c = new float[12];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 2; k++) {
          f[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
          c[i * 6 + j * 2 + k] = 100 * i + 10 * j + k;
        }
      }
    }
    assertArrayEquals(c, Npy.fortranToC(f, shape));
  }

  @Test
  void badMagicIsAnIOExceptionNamingTheFile() throws IOException {
    Path f = dir.resolve("bad.npy");
    Files.writeString(f, "this is not numpy at all, but long enough");
    IOException e = assertThrows(IOException.class, () -> Npy.read(f));
    assertOneLineNaming(e, f, "magic");
  }

  @Test
  void truncatedDataIsAnIOException() throws IOException {
    Path f = dir.resolve("t.npy");
    Npy.writeFloat32(f, new float[12], 3, 4);
    byte[] all = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(all, all.length - 5));
    assertOneLineNaming(assertThrows(IOException.class, () -> Npy.read(f)), f, "truncated");
    Files.write(f, Arrays.copyOf(all, 40));
    assertOneLineNaming(assertThrows(IOException.class, () -> Npy.read(f)), f, "truncated");
    Files.write(f, Arrays.copyOf(all, 8));
    assertOneLineNaming(assertThrows(IOException.class, () -> Npy.read(f)), f, "truncated");
  }

  @Test
  void unsupportedDtypeIsAnIOException() throws IOException {
    Path f = dir.resolve("i.npy");
    for (String descr : new String[] {"<i4", ">f4", "<f2"}) {
      handBuilt(f, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
      assertOneLineNaming(assertThrows(IOException.class, () -> Npy.read(f)), f, descr);
    }
  }

  @Test
  void writeIsAtomicAndLeavesNoTemporaryFile() throws IOException {
    Path f = dir.resolve("w.npy");
    Npy.writeFloat32(f, new float[] {1, 2}, 2);
    Npy.writeFloat32(f, new float[] {3, 4, 5}, 3); // replaces
    assertArrayEquals(new float[] {3, 4, 5}, Npy.read(f).data());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void shapeMustMatchData() {
    assertThrows(IllegalArgumentException.class, () -> Npy.writeFloat32(dir.resolve("x.npy"), new float[5], 2, 3));
  }

  private static void assertOneLineNaming(IOException e, Path f, String what) {
    String m = e.getMessage();
    assertTrue(m.contains(f.toString()) && m.contains(what) && !m.contains("\n"), m);
  }

  /** A v1.0 file from a header dict and raw data, padded as the spec says. */
  static void handBuilt(Path f, String dict, byte[] data) throws IOException {
    int unpadded = 10 + dict.length() + 1;
    int total = (unpadded + 63) / 64 * 64;
    ByteBuffer b = ByteBuffer.allocate(total + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(Npy.MAGIC).put((byte) 1).put((byte) 0).putShort((short) (total - 10));
    b.put((dict + " ".repeat(total - unpadded) + "\n").getBytes(StandardCharsets.US_ASCII)).put(data);
    Files.write(f, b.array());
  }
}
