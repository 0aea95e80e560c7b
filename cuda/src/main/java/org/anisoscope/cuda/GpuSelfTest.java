package org.anisoscope.cuda;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.anisoscope.device.Device;
import org.anisoscope.device.Device.Buf;

/**
 * Every {@link Device} operation on {@link CudaDevice} against {@code CpuDevice} on the same seeded random inputs
 * (the largest relative error of each, max|gpu − cpu| / max|cpu|), then the time of an FP32 GEMM. Exit status 0
 * when every error is within its tolerance, 1 otherwise.
 * <ul>
 *   <li>{@code GpuSelfTest [tf32]}: both devices in one JVM (needs ND4J's CPU natives and a GPU);</li>
 *   <li>{@code GpuSelfTest --record FILE}: the CPU side only, its results written to FILE (here, no GPU);</li>
 *   <li>{@code GpuSelfTest --golden FILE [tf32]}: the GPU side only, compared with FILE: no ND4J on the classpath,
 *       so the bundle carried to a GPU machine stays small (experiments/gpu-check.sh --bundle).</li>
 * </ul>
 * The inputs come from {@code new Random(20)} in a fixed order, so both sides draw the same numbers.
 */
public final class GpuSelfTest {
  private final Device cpu;
  private final CudaDevice gpu;
  private final DataOutputStream record;
  private final DataInputStream golden;
  private final Random rnd = new Random(20);
  private final List<String> failures = new ArrayList<>();

  private GpuSelfTest(Device cpu, CudaDevice gpu, DataOutputStream record, DataInputStream golden) {
    this.cpu = cpu;
    this.gpu = gpu;
    this.record = record;
    this.golden = golden;
  }

  public static void main(String[] args) throws Exception {
    List<String> a = new ArrayList<>(List.of(args));
    boolean tf32 = a.remove("tf32");
    String recordFile = option(a, "--record");
    String goldenFile = option(a, "--golden");
    if (!a.isEmpty()) {
      System.err.println("usage: GpuSelfTest [--record FILE | --golden FILE] [tf32]; unknown: " + a);
      System.exit(2);
    }
    if (recordFile != null) {
      try (Device cpu = cpuDevice();
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(recordFile)))) {
        GpuSelfTest t = new GpuSelfTest(cpu, null, out, null);
        t.run(0);
      }
      System.out.println("recorded the CPU results in " + recordFile);
      return;
    }
    try (CudaDevice gpu = new CudaDevice(0, tf32);
        Device cpu = goldenFile == null ? cpuDevice() : null;
        DataInputStream in = goldenFile == null ? null
            : new DataInputStream(new BufferedInputStream(new FileInputStream(goldenFile)))) {
      System.out.printf(Locale.ROOT, "device %s, sm_%d, %d SMs, driver CUDA %d.%d, NVRTC %s, tf32=%s, reference %s%n",
          gpu.name(), gpu.arch(), gpu.multiprocessors(), gpu.driverVersion() / 1000,
          gpu.driverVersion() % 1000 / 10, Nvrtc.version(), tf32, goldenFile == null ? "CpuDevice" : goldenFile);
      GpuSelfTest t = new GpuSelfTest(cpu, gpu, null, in);
      t.run(tf32 ? 5e-3 : 1e-5);
      t.timeGemm(4096);
      if (!t.failures.isEmpty()) {
        System.out.println("self-test FAILED: " + t.failures);
        System.exit(1);
      }
      System.out.println("self-test ok");
    }
  }

  /** CpuDevice by name, so this class loads without ND4J on the classpath (the --golden bundle). */
  private static Device cpuDevice() throws ReflectiveOperationException {
    return (Device) Class.forName("org.anisoscope.model.CpuDevice").getConstructor().newInstance();
  }

  private static String option(List<String> args, String name) {
    int i = args.indexOf(name);
    if (i < 0) {
      return null;
    }
    if (i + 1 >= args.size()) {
      System.err.println(name + " needs a file");
      System.exit(2);
    }
    String v = args.get(i + 1);
    args.subList(i, i + 2).clear();
    return v;
  }

  private void run(double gemmTol) {
    int rows = 96;
    int dim = 160;
    // GEMM, plain and with offsets/transposes
    float[] a = random(rows * dim);
    float[] b = random(dim * 72);
    float[] c = random(rows * 72);
    Pair pa = pair(a);
    Pair pb = pair(b);
    Pair pc = pair(c);
    both(d -> d.gemm(false, false, rows, 72, dim, 0.7f, pa.on(d), 0, dim, pb.on(d), 0, 72, 0.3f, pc.on(d), 0, 72));
    compare("gemm NN", pc, gemmTol);
    Pair pt = pair(new float[dim * dim]);
    both(d -> d.gemm(true, false, dim, dim, rows, 1f, pa.on(d), 0, dim, pa.on(d), 0, dim, 0f, pt.on(d), 0, dim));
    compare("gemm TN", pt, gemmTol);
    Pair pn = pair(new float[rows * rows]);
    both(d -> d.gemm(false, true, rows, rows, dim, 1f, pa.on(d), 0, dim, pa.on(d), 0, dim, 0f, pn.on(d), 0, rows));
    compare("gemm NT", pn, gemmTol);
    // the device model's attention: per head, strided-batched products over the B sequences of a [B·T, 3C]
    // projection (leading dimensions 3C and C, offsets per head), as DeviceModel runs them
    int sb = 3;
    int st = 16;
    int sh = 2;
    int sd = 8;
    int hc = sh * sd;
    long tt = (long) st * st;
    Pair qkv = pair(random(sb * st * 3 * hc));
    Pair sp = pair(new float[(int) (sb * sh * tt)]);
    Pair sy = pair(new float[sb * st * hc]);
    Pair sdq = pair(new float[sb * st * 3 * hc]);
    both(d -> {
      for (int h = 0; h < sh; h++) {
        d.gemmStridedBatched(sb, false, true, st, st, sd, 1f, qkv.on(d), (long) h * sd, 3 * hc, (long) st * 3 * hc,
            qkv.on(d), hc + (long) h * sd, 3 * hc, (long) st * 3 * hc, 0f, sp.on(d), h * tt, st, sh * tt);
      }
    });
    compare("gemm heads q k^T", sp, gemmTol);
    both(d -> {
      for (int h = 0; h < sh; h++) {
        d.gemmStridedBatched(sb, false, false, st, sd, st, 1f, sp.on(d), h * tt, st, sh * tt, qkv.on(d),
            2L * hc + (long) h * sd, 3 * hc, (long) st * 3 * hc, 0f, sy.on(d), (long) h * sd, hc, (long) st * hc);
      }
    });
    compare("gemm heads P v", sy, gemmTol);
    both(d -> {
      for (int h = 0; h < sh; h++) {
        d.gemmStridedBatched(sb, true, false, st, sd, st, 1f, sp.on(d), h * tt, st, sh * tt, sy.on(d), (long) h * sd,
            hc, (long) st * hc, 0f, sdq.on(d), 2L * hc + (long) h * sd, 3 * hc, (long) st * 3 * hc);
      }
    });
    compare("gemm heads P^T dy", sdq, gemmTol);
    // layer norm
    Pair x = pair(random(rows * dim));
    Pair gamma = pair(random(dim));
    Pair beta = pair(random(dim));
    Pair xhat = pair(new float[rows * dim]);
    Pair y = pair(new float[rows * dim]);
    Pair rstd = pair(new float[rows]);
    both(d -> d.layerNormForward(x.on(d), gamma.on(d), beta.on(d), 1e-5f, xhat.on(d), y.on(d), rstd.on(d), rows,
        dim));
    compare("layernorm y", y, 1e-5);
    compare("layernorm rstd", rstd, 1e-5);
    Pair dy = pair(random(rows * dim));
    Pair dx = pair(new float[rows * dim]);
    Pair dg = pair(random(dim));
    Pair db = pair(random(dim));
    both(d -> d.layerNormBackward(dy.on(d), xhat.on(d), rstd.on(d), gamma.on(d), dx.on(d), dg.on(d), db.on(d), rows,
        dim));
    compare("layernorm dx", dx, 1e-5);
    compare("layernorm dgamma", dg, 1e-5);
    compare("layernorm dbeta", db, 1e-5);
    // GELU with bias
    Pair h = pair(random(rows * dim));
    Pair bias = pair(random(dim));
    Pair grad = pair(new float[rows * dim]);
    Pair act = pair(new float[rows * dim]);
    both(d -> d.geluForward(h.on(d), bias.on(d), grad.on(d), act.on(d), rows, dim));
    compare("gelu act", act, 1e-5);
    compare("gelu grad", grad, 1e-5);
    Pair dAct = pair(random(rows * dim));
    Pair dBias = pair(random(dim));
    both(d -> d.geluBackward(grad.on(d), dAct.on(d), dBias.on(d), rows, dim));
    compare("gelu dact", dAct, 1e-6);
    compare("gelu dbias", dBias, 1e-5);
    both(d -> d.setRows(y.on(d), bias.on(d), rows, dim));
    compare("set rows", y, 0);
    both(d -> d.addColumnSums(x.on(d), dBias.on(d), rows, dim));
    compare("column sums", dBias, 1e-5);
    // attention: causal and not, with and without a key mask (2 sequences × 3 heads, t 64, d 32)
    int seqs = 2;
    int heads = 3;
    int t = 64;
    int hd = 32;
    int count = seqs * heads;
    float[] maskHost = new float[seqs * t];
    for (int i = 0; i < maskHost.length; i++) {
      maskHost[i] = (i % t) < (i / t == 0 ? t : 41) ? 1f : 0f; // the second sequence padded after 41 keys
    }
    Pair mask = pair(maskHost);
    for (boolean causal : new boolean[] {false, true}) {
      for (boolean masked : new boolean[] {false, true}) {
        Pair q = pair(random(count * t * hd));
        Pair k = pair(random(count * t * hd));
        Pair v = pair(random(count * t * hd));
        Pair p = pair(new float[count * t * t]);
        Pair out = pair(new float[count * t * hd]);
        String what = "attention" + (causal ? " causal" : "") + (masked ? " masked" : "");
        both(d -> d.attentionForward(count, heads, t, hd, q.on(d), k.on(d), v.on(d), p.on(d), out.on(d), 0.17f,
            causal, masked ? mask.on(d) : null));
        compare(what + " P", p, gemmTol * 10);
        float[] yExp = compare(what + " y", out, gemmTol * 10);
        Pair dyo = pair(random(count * t * hd));
        Pair dq = pair(new float[count * t * hd]);
        Pair dk = pair(new float[count * t * hd]);
        Pair dv = pair(new float[count * t * hd]);
        Pair scratch = pair(new float[count * t * t]);
        both(d -> d.attentionBackward(count, heads, t, hd, q.on(d), k.on(d), v.on(d), p.on(d), dyo.on(d), dq.on(d),
            dk.on(d), dv.on(d), scratch.on(d), 0.17f, causal, masked ? mask.on(d) : null));
        float[] dqExp = compare(what + " dq", dq, gemmTol * 10);
        float[] dkExp = compare(what + " dk", dk, gemmTol * 10);
        float[] dvExp = compare(what + " dv", dv, gemmTol * 10);
        if (gpu != null) { // the fused kernels (attention.cu) against the same CPU results
          Buf yf = gpu.alloc(count * t * hd);
          Buf lse = gpu.alloc(count * t);
          Buf mk = masked ? mask.g : null;
          gpu.attentionFusedForward(count, heads, t, hd, q.g, k.g, v.g, yf, lse, 0.17f, causal, mk);
          compare(what + " fused y", yExp, gpu.download(yf), 1e-4);
          Buf[] g = {gpu.alloc(count * t * hd), gpu.alloc(count * t * hd), gpu.alloc(count * t * hd)};
          gpu.attentionFusedBackward(count, heads, t, hd, q.g, k.g, v.g, yf, lse, dyo.g, g[0], g[1], g[2],
              gpu.alloc(count * t), 0.17f, causal, mk);
          compare(what + " fused dq", dqExp, gpu.download(g[0]), 1e-4);
          compare(what + " fused dk", dkExp, gpu.download(g[1]), 1e-4);
          compare(what + " fused dv", dvExp, gpu.download(g[2]), 1e-4);
        }
      }
    }
    // cross-entropy (one ignored row)
    int vocab = 300;
    Pair logits = pair(random(rows * vocab));
    Pair probs = pair(new float[rows * vocab]);
    int[] targets = new int[rows];
    for (int i = 0; i < rows; i++) {
      targets[i] = i == 5 ? -1 : rnd.nextInt(vocab);
    }
    float[] lc = expected("cross-entropy loss", () -> toFloat(cpu.crossEntropy(logits.c, targets, probs.c, rows,
        vocab)));
    if (gpu != null) {
      compare("cross-entropy loss", lc, toFloat(gpu.crossEntropy(logits.g, targets, probs.g, rows, vocab)), 1e-5);
    }
    compare("cross-entropy probs", probs, 1e-5);
    Pair dlog = pair(new float[rows * vocab]);
    both(d -> d.crossEntropyBackward(probs.on(d), targets, 0.01f, dlog.on(d), rows, vocab));
    compare("cross-entropy d", dlog, 1e-5);
    // embedding (repeated tokens)
    int seq = 16;
    int[] tokens = new int[rows];
    for (int i = 0; i < rows; i++) {
      tokens[i] = rnd.nextInt(20);
    }
    Pair table = pair(random(20 * dim));
    Pair pos = pair(random(seq * dim));
    Pair emb = pair(new float[rows * dim]);
    both(d -> d.embedForward(tokens, table.on(d), pos.on(d), emb.on(d), seq, dim));
    compare("embedding", emb, 0);
    Pair dTable = pair(random(20 * dim));
    Pair dPos = pair(random(seq * dim));
    both(d -> d.embedBackward(tokens, dy.on(d), dTable.on(d), dPos.on(d), seq, dim));
    compare("embedding dtable", dTable, 1e-5);
    compare("embedding dpositions", dPos, 1e-5);
    // dropout: the same mask bits on both
    Pair dropY = pair(new float[rows * dim]);
    Pair dropMask = pair(new float[rows * dim]);
    both(d -> d.dropoutForward(x.on(d), dropY.on(d), dropMask.on(d), 0.1f, 1234567L, (long) rows * dim));
    compare("dropout mask", dropMask, 0);
    compare("dropout y", dropY, 0);
    // AdamW: bit-for-bit (no fused multiply-adds on either side)
    Pair pp = pair(random(rows * dim));
    Pair pg = pair(random(rows * dim));
    Pair pm = pair(random(rows * dim));
    Pair pv = pair(abs(random(rows * dim)));
    float[] decayMask = new float[rows * dim];
    for (int i = 0; i < decayMask.length; i++) {
      decayMask[i] = i % 3 == 0 ? 0f : 1f;
    }
    Pair pk = pair(decayMask);
    both(d -> d.adamw(pp.on(d), pg.on(d), pm.on(d), pv.on(d), pk.on(d), 1e-3f, 0.1f, 0.9f, 0.95f, 0.19f, 0.0975f,
        1e-8f));
    compare("adamw p", pp, 1e-6);
    compare("adamw m", pm, 1e-6);
    compare("adamw v", pv, 1e-6);
    // sums, scaling, fills: exact
    Pair sum = pair(new float[rows * dim]);
    both(d -> d.add(x.on(d), dy.on(d), sum.on(d), (long) rows * dim));
    compare("add", sum, 0);
    both(d -> d.scale(sum.on(d), 0.37f, (long) rows * dim));
    compare("scale", sum, 0);
    both(d -> d.fill(sum.on(d), 0f));
    compare("fill", sum, 0);
    // norms and finite checks
    float[] bad = random(10000);
    bad[7777] = Float.NaN;
    Pair nan = pair(bad);
    float[] sc = expected("sum of squares", () -> new float[] {(float) cpu.sumSquares(x.c),
        cpu.allFinite(nan.c) ? 1f : 0f, cpu.allFinite(x.c) ? 1f : 0f});
    if (gpu != null) {
      report("sum of squares", Math.abs(sc[0] - gpu.sumSquares(x.g)) / sc[0], 1e-6);
      boolean agree = sc[1] == 0f && sc[2] == 1f && !gpu.allFinite(nan.g) && gpu.allFinite(x.g);
      report("finite check", agree ? 0 : 1, 0);
    }
  }

  private void timeGemm(int n) {
    Buf a = gpu.alloc((long) n * n);
    Buf b = gpu.alloc((long) n * n);
    Buf c = gpu.alloc((long) n * n);
    gpu.upload(random(n * n), a);
    gpu.upload(random(n * n), b);
    for (int i = 0; i < 3; i++) {
      gpu.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    }
    gpu.synchronize();
    int reps = 20;
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      gpu.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    }
    gpu.synchronize();
    double s = (System.nanoTime() - t0) / 1e9 / reps;
    System.out.printf(Locale.ROOT, "gemm %dx%dx%d fp32 (tf32=%s): %.3f ms, %.1f TFLOP/s%n", n, n, n, gpu.tf32(),
        s * 1e3, 2.0 * n * n * n / s / 1e12);
  }

  /** One array on both devices. */
  private final class Pair {
    final Buf c;
    final Buf g;

    Pair(float[] host) {
      c = cpu == null ? null : cpu.alloc(host.length);
      g = gpu == null ? null : gpu.alloc(host.length);
      if (c != null) {
        cpu.upload(host, c);
      }
      if (g != null) {
        gpu.upload(host, g);
      }
    }

    Buf on(Device d) {
      return d == cpu ? c : g;
    }
  }

  private Pair pair(float[] host) {
    return new Pair(host);
  }

  private void both(java.util.function.Consumer<Device> op) {
    if (cpu != null) {
      op.accept(cpu);
    }
    if (gpu != null) {
      op.accept(gpu);
    }
  }

  /** Compares and returns the CPU's result (for further comparisons on the GPU only). */
  private float[] compare(String what, Pair p, double tol) {
    float[] c = expected(what, () -> cpu.download(p.c));
    if (gpu != null) {
      compare(what, c, gpu.download(p.g), tol);
    }
    return c;
  }

  /** The CPU's result: computed (and recorded with --record) or read from the --golden file. */
  private float[] expected(String what, Supplier<float[]> cpuResult) {
    try {
      if (golden != null) {
        String name = golden.readUTF();
        if (!name.equals(what)) {
          throw new IllegalStateException("golden file out of step: expected " + what + ", found " + name);
        }
        float[] out = new float[golden.readInt()];
        for (int i = 0; i < out.length; i++) {
          out[i] = golden.readFloat();
        }
        return out;
      }
      float[] out = cpuResult.get();
      if (record != null) {
        record.writeUTF(what);
        record.writeInt(out.length);
        for (float f : out) {
          record.writeFloat(f);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void compare(String what, float[] c, float[] g, double tol) {
    double scale = 0;
    double diff = 0;
    for (int i = 0; i < c.length; i++) {
      scale = Math.max(scale, Math.abs(c[i]));
      diff = Math.max(diff, Float.isNaN(g[i]) ? Double.POSITIVE_INFINITY : Math.abs(c[i] - g[i]));
    }
    report(what, scale == 0 ? diff : diff / scale, tol);
  }

  private void report(String what, double rel, double tol) {
    boolean ok = rel <= tol;
    System.out.printf(Locale.ROOT, "%-32s max rel err %.3e (tol %.0e) %s%n", what, rel, tol, ok ? "ok" : "FAIL");
    if (!ok) {
      failures.add(what);
    }
  }

  private float[] random(int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) rnd.nextGaussian();
    }
    return out;
  }

  private static float[] abs(float[] x) {
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.abs(x[i]);
    }
    return x;
  }

  private static float[] toFloat(double[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) x[i];
    }
    return out;
  }
}
