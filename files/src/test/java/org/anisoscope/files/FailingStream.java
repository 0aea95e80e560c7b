package org.anisoscope.files;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Fault injection: passes the first {@code limit} bytes through, then fails as a full disk does. */
public final class FailingStream extends FilterOutputStream {
  private long left;

  public FailingStream(OutputStream out, long limit) {
    super(out);
    this.left = limit;
  }

  /** A wrapper for {@link AtomicFiles#write(java.nio.file.Path, AtomicFiles.Content, AtomicFiles.StreamWrapper)}. */
  public static AtomicFiles.StreamWrapper after(long bytes) {
    return out -> new FailingStream(out, bytes);
  }

  @Override
  public void write(int b) throws IOException {
    if (left <= 0) {
      throw new IOException("No space left on device (injected)");
    }
    left--;
    out.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    for (int i = 0; i < len; i++) {
      write(b[off + i]);
    }
  }
}
