package org.anisoscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTableTest {
  @TempDir
  Path dir;

  private Path file(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static void assertOneLine(String message) {
    assertFalse(message.contains("\n") || message.contains("\r"), "not one line: " + message);
  }

  @Test
  void readsHeaderAndTypedFields() throws Exception {
    CsvTable t = CsvTable.read(file("train.csv", "step,epoch,loss,split\n10,0,2.5,val\r\n20,1,1e-3,\"a,b\"\n\n"));
    assertEquals(List.of("step", "epoch", "loss", "split"), t.header());
    assertEquals(2, t.rowCount());
    assertEquals(20, t.integer(1, "step"));
    assertEquals(2.5, t.number(0, "loss"));
    assertEquals(1e-3, t.number(1, "loss"));
    assertEquals("a,b", t.string(1, "split"));
    assertEquals(3, t.lineOf(1));
  }

  @Test
  void numbersUsePointAndAcceptNanAndInfinity() throws Exception {
    CsvTable t = CsvTable.read(file("p.csv", "value\nNaN\nInfinity\n-Infinity\nnan\n-inf\n"));
    assertTrue(Double.isNaN(t.number(0, "value")));
    assertEquals(Double.POSITIVE_INFINITY, t.number(1, "value"));
    assertEquals(Double.NEGATIVE_INFINITY, t.number(2, "value"));
    assertTrue(Double.isNaN(t.number(3, "value")));
    assertEquals(Double.NEGATIVE_INFINITY, t.number(4, "value"));
  }

  @Test
  void headerOnlyFileHasNoRows() throws Exception {
    CsvTable t = CsvTable.read(file("eval.csv", "step,epoch,split,loss\n"));
    assertEquals(4, t.header().size());
    assertEquals(0, t.rowCount());
  }

  @Test
  void emptyFileHasNoHeader() throws Exception {
    CsvTable t = CsvTable.read(file("eval.csv", ""));
    assertTrue(t.header().isEmpty());
    assertEquals(0, t.rowCount());
  }

  @Test
  void rowWithWrongFieldCountNamesFileAndLine() throws Exception {
    Path p = file("probes.csv", "step,epoch,hook\n0,0,hook_embed\n100,1\n");
    ReportException e = assertThrows(ReportException.class, () -> CsvTable.read(p));
    assertTrue(e.getMessage().contains(p + " line 3"), e.getMessage());
    assertTrue(e.getMessage().contains("expected 3 fields"), e.getMessage());
    assertOneLine(e.getMessage());
  }

  @Test
  void commaDecimalIsRejectedNamingFileLineAndColumn() throws Exception {
    Path p = file("train.csv", "step,loss\n10,2.5\n20,\"2,5\"\n");
    CsvTable t = CsvTable.read(p);
    ReportException e = assertThrows(ReportException.class, () -> t.number(1, "loss"));
    assertTrue(e.getMessage().contains(p + " line 3"), e.getMessage());
    assertTrue(e.getMessage().contains("'loss'") && e.getMessage().contains("'2,5'"), e.getMessage());
    assertOneLine(e.getMessage());
  }

  @Test
  void nonIntegerStepIsRejected() throws Exception {
    CsvTable t = CsvTable.read(file("train.csv", "step,loss\n1.5,2\n"));
    ReportException e = assertThrows(ReportException.class, () -> t.integer(0, "step"));
    assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("expected an integer"), e.getMessage());
  }

  @Test
  void hexAndSuffixedNumbersAreRejected() throws Exception {
    CsvTable t = CsvTable.read(file("train.csv", "loss\n0x1p3\n1d\n"));
    assertThrows(ReportException.class, () -> t.number(0, "loss"));
    assertThrows(ReportException.class, () -> t.number(1, "loss"));
  }

  @Test
  void duplicateHeaderColumnIsRejected() throws Exception {
    Path p = file("train.csv", "step,loss,loss\n");
    ReportException e = assertThrows(ReportException.class, () -> CsvTable.read(p));
    assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("duplicate"), e.getMessage());
  }

  @Test
  void unterminatedQuoteIsRejected() throws Exception {
    Path p = file("eval.csv", "step,split\n1,\"val\n");
    ReportException e = assertThrows(ReportException.class, () -> CsvTable.read(p));
    assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("unterminated"), e.getMessage());
  }

  @Test
  void missingRequiredColumnNamesFileAndHeader() throws Exception {
    Path p = file("train.csv", "step,epoch\n1,0\n");
    ReportException e = assertThrows(ReportException.class, () -> CsvTable.read(p).requireColumns("step", "loss"));
    assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("'loss'")
        && e.getMessage().contains("step,epoch"), e.getMessage());
  }

  @Test
  void missingFileIsAbsentForReadIfPresent() {
    assertTrue(CsvTable.readIfPresent(dir.resolve("nope.csv")).isEmpty());
    ReportException e = assertThrows(ReportException.class, () -> CsvTable.read(dir.resolve("nope.csv")));
    assertTrue(e.getMessage().contains("nope.csv"), e.getMessage());
  }
}
