package org.anisoscope.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.CUBLAS_PEDANTIC_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cublas.CUBLAS_TF32_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDestroy_v2;
import static org.bytedeco.cuda.global.cublas.cublasSetMathMode;
import static org.bytedeco.cuda.global.cublas.cublasSgemmStridedBatched;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;
import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;
import static org.bytedeco.cuda.global.cudart.cuCtxSetCurrent;
import static org.bytedeco.cuda.global.cudart.cuCtxSynchronize;
import static org.bytedeco.cuda.global.cudart.cuDeviceGet;
import static org.bytedeco.cuda.global.cudart.cuDeviceGetAttribute;
import static org.bytedeco.cuda.global.cudart.cuDeviceGetName;
import static org.bytedeco.cuda.global.cudart.cuDevicePrimaryCtxRelease;
import static org.bytedeco.cuda.global.cudart.cuDevicePrimaryCtxRetain;
import static org.bytedeco.cuda.global.cudart.cuDriverGetVersion;
import static org.bytedeco.cuda.global.cudart.cuGetErrorString;
import static org.bytedeco.cuda.global.cudart.cuInit;
import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;
import static org.bytedeco.cuda.global.cudart.cuMemAlloc;
import static org.bytedeco.cuda.global.cudart.cuMemFree;
import static org.bytedeco.cuda.global.cudart.cuMemcpyDtoH;
import static org.bytedeco.cuda.global.cudart.cuMemcpyHtoD;
import static org.bytedeco.cuda.global.cudart.cuMemsetD32;
import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;
import static org.bytedeco.cuda.global.cudart.cuModuleUnload;

import com.google.common.base.Preconditions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.anisoscope.device.Device;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The {@link Device} of one NVIDIA GPU: the driver API for memory, modules and launches (the primary context of
 * device 0, the default stream, so every call is ordered after the one before), cuBLAS for the products (TF32
 * tensor-core math only when {@code tf32} is true; otherwise pedantic FP32, so results can be compared with the
 * CPU), and the kernels of {@link KernelSources} compiled by {@link Nvrtc} for this GPU's compute capability on
 * first use.
 *
 * <p>UNTESTED ON A GPU so far (no GPU was available when it was written): experiments/gpu-check.sh runs
 * {@link GpuSelfTest}, which compares every operation with {@code CpuDevice}.
 */
public final class CudaDevice implements Device {
  private static final int BLOCK = 256;

  /** A device allocation of {@code length} floats at {@code address}. */
  public record CudaBuf(long address, long length) implements Buf {}

  private final int device;
  private final int arch;
  private final int multiprocessors;
  private final String gpuName;
  private final int driverVersion;
  private final boolean tf32;
  private final cublasContext blas = new cublasContext();
  private final Map<String, CUmod_st> modules = new HashMap<>();
  private final Map<String, CUfunc_st> functions = new HashMap<>();
  private final List<CudaBuf> owned = new ArrayList<>();
  private CudaBuf ints;
  private CudaBuf scratch;

  /** Opens GPU {@code ordinal}; {@code tf32} lets cuBLAS use TF32 tensor cores for FP32 products. */
  public CudaDevice(int ordinal, boolean tf32) {
    this.tf32 = tf32;
    cu(cuInit(0), "cuInit (is an NVIDIA driver installed?)");
    int[] dev = new int[1];
    cu(cuDeviceGet(dev, ordinal), "cuDeviceGet " + ordinal);
    device = dev[0];
    arch = 10 * attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
        + attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    multiprocessors = attribute(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
    byte[] name = new byte[256];
    cu(cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
    gpuName = new String(name, java.nio.charset.StandardCharsets.US_ASCII).trim().replace("\0", "");
    int[] version = new int[1];
    cu(cuDriverGetVersion(version), "cuDriverGetVersion");
    driverVersion = version[0];
    CUctx_st ctx = new CUctx_st();
    cu(cuDevicePrimaryCtxRetain(ctx, device), "cuDevicePrimaryCtxRetain");
    cu(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    blas(cublasCreate_v2(blas), "cublasCreate");
    blas(cublasSetMathMode(blas, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");
  }

  /** Compute capability × 10 (90 for Hopper): the NVRTC target sm_XY. */
  public int arch() {
    return arch;
  }

  public int multiprocessors() {
    return multiprocessors;
  }

  /** The driver's CUDA version, e.g. 13000 for 13.0. */
  public int driverVersion() {
    return driverVersion;
  }

  public boolean tf32() {
    return tf32;
  }

  @Override
  public String name() {
    return "cuda:" + gpuName;
  }

  @Override
  public Buf alloc(long n) {
    Preconditions.checkArgument(n > 0, "buffer length %s must be positive", n);
    long[] address = new long[1];
    cu(cuMemAlloc(address, n * 4), "cuMemAlloc of " + n + " floats");
    cu(cuMemsetD32(address[0], 0, n), "cuMemsetD32");
    CudaBuf b = new CudaBuf(address[0], n);
    owned.add(b);
    return b;
  }

  @Override
  public void upload(float[] src, Buf dst) {
    Preconditions.checkArgument(src.length <= dst.length(), "upload of %s floats into a buffer of %s", src.length,
        dst.length());
    try (FloatPointer host = new FloatPointer(src)) {
      cu(cuMemcpyHtoD(addr(dst), host, 4L * src.length), "cuMemcpyHtoD");
    }
  }

  @Override
  public float[] download(Buf src) {
    float[] out = new float[(int) src.length()];
    try (FloatPointer host = new FloatPointer(out.length)) {
      cu(cuMemcpyDtoH(host, addr(src), 4L * out.length), "cuMemcpyDtoH");
      host.get(out);
    }
    return out;
  }

  /**
   * Row-major {@code C = α·op(A)·op(B) + β·C} is column-major {@code Cᵀ = α·op(B)ᵀ·op(A)ᵀ + β·Cᵀ}: cuBLAS is
   * called with the operands swapped and m, n exchanged, so nothing is transposed in memory.
   */
  @Override
  public void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, Buf a, long offA, int lda, Buf b,
      long offB, int ldb, float beta, Buf c, long offC, int ldc) {
    try (FloatPointer al = new FloatPointer(alpha); FloatPointer be = new FloatPointer(beta)) {
      blas(cublasSgemm_v2(blas, tb ? CUBLAS_OP_T : CUBLAS_OP_N, ta ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k, al,
          at(b, offB), ldb, at(a, offA), lda, be, at(c, offC), ldc), "cublasSgemm");
    }
  }

  @Override
  public void gemmStridedBatched(int count, boolean ta, boolean tb, int m, int n, int k, float alpha, Buf a,
      long offA, int lda, long strideA, Buf b, long offB, int ldb, long strideB, float beta, Buf c, long offC,
      int ldc, long strideC) {
    try (FloatPointer al = new FloatPointer(alpha); FloatPointer be = new FloatPointer(beta)) {
      blas(cublasSgemmStridedBatched(blas, tb ? CUBLAS_OP_T : CUBLAS_OP_N, ta ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k,
          al, at(b, offB), ldb, strideB, at(a, offA), lda, strideA, be, at(c, offC), ldc, strideC, count),
          "cublasSgemmStridedBatched");
    }
  }

  @Override
  public void layerNormForward(Buf x, Buf gamma, Buf beta, float eps, Buf xhat, Buf y, Buf rstd, int rows,
      int dim) {
    launch("layernorm.cu", "ln_forward", rows, 1, BLOCK, args().p(x).p(gamma).p(beta).f(eps).p(xhat).p(y).p(rstd)
        .i(rows).i(dim));
  }

  @Override
  public void layerNormBackward(Buf dy, Buf xhat, Buf rstd, Buf gamma, Buf dx, Buf dGamma, Buf dBeta, int rows,
      int dim) {
    launch("layernorm.cu", "ln_backward_dx", rows, 1, BLOCK, args().p(dy).p(xhat).p(rstd).p(gamma).p(dx).i(rows)
        .i(dim));
    int per = rowsPerChunk(rows);
    int chunks = (rows + per - 1) / per;
    CudaBuf part = scratch(2L * chunks * dim);
    long pb = part.address() + 4L * chunks * dim;
    launch("layernorm.cu", "ln_backward_partials", (dim + BLOCK - 1) / BLOCK, chunks, BLOCK,
        args().p(dy).p(xhat).a(part.address()).a(pb).i(rows).i(dim).i(per));
    launch("bias.cu", "colsum_accumulate", (dim + BLOCK - 1) / BLOCK, 1, BLOCK,
        args().a(part.address()).p(dGamma).i(chunks).i(dim));
    launch("bias.cu", "colsum_accumulate", (dim + BLOCK - 1) / BLOCK, 1, BLOCK, args().a(pb).p(dBeta).i(chunks)
        .i(dim));
  }

  @Override
  public void geluForward(Buf h, Buf bias, Buf grad, Buf act, int rows, int cols) {
    launch("gelu.cu", "gelu_forward", grid((long) rows * cols), 1, BLOCK, args().p(h).p(bias).p(grad).p(act)
        .i(rows).i(cols));
  }

  @Override
  public void geluBackward(Buf grad, Buf dAct, Buf dBias, int rows, int cols) {
    long n = (long) rows * cols;
    launch("gelu.cu", "gelu_backward", grid(n), 1, BLOCK, args().p(grad).p(dAct).l(n));
    addColumnSums(dAct, dBias, rows, cols);
  }

  @Override
  public void setRows(Buf y, Buf row, int rows, int cols) {
    launch("bias.cu", "set_rows", grid((long) rows * cols), 1, BLOCK, args().p(y).p(row).i(rows).i(cols));
  }

  @Override
  public void addColumnSums(Buf x, Buf acc, int rows, int cols) {
    int per = rowsPerChunk(rows);
    int chunks = (rows + per - 1) / per;
    CudaBuf part = scratch((long) chunks * cols);
    launch("bias.cu", "colsum_partial", (cols + BLOCK - 1) / BLOCK, chunks, BLOCK, args().p(x).a(part.address())
        .i(rows).i(cols).i(per));
    launch("bias.cu", "colsum_accumulate", (cols + BLOCK - 1) / BLOCK, 1, BLOCK, args().a(part.address()).p(acc)
        .i(chunks).i(cols));
  }

  @Override
  public void softmaxForward(Buf scores, Buf probs, int rows, int t, float scale, boolean causal, Buf keyMask,
      int rowsPerSequence) {
    launch("softmax.cu", "softmax_forward", rows, 1, BLOCK, args().p(scores).p(probs).i(rows).i(t).f(scale)
        .i(causal ? 1 : 0).a(keyMask == null ? 0 : addr(keyMask)).i(Math.max(1, rowsPerSequence)));
  }

  @Override
  public void softmaxBackward(Buf probs, Buf dP, int rows, int t, float scale, boolean causal, Buf keyMask,
      int rowsPerSequence) {
    launch("softmax.cu", "softmax_backward", rows, 1, BLOCK, args().p(probs).p(dP).i(rows).i(t).f(scale));
  }

  /** The largest head width {@code attention.cu} takes (32 lanes × ANISO_ATTN_U columns). */
  public static final int FUSED_MAX_HEAD_DIM = 256;

  /**
   * Fused attention ({@code attention.cu}): y = softmax(scale·q·kᵀ, masks)·v over plain {@code [count, t, d]} heads
   * without storing the {@code [t, t]} probabilities; {@code lse [count·t]} keeps each query row's log-sum-exp for
   * the backward pass. Correctness first: one warp per row, no tiling (see the source).
   */
  public void attentionFusedForward(int count, int heads, int t, int d, Buf q, Buf k, Buf v, Buf y, Buf lse,
      float scale, boolean causal, Buf keyMask) {
    Preconditions.checkArgument(d <= FUSED_MAX_HEAD_DIM, "fused attention takes heads up to %s wide, not %s",
        FUSED_MAX_HEAD_DIM, d);
    launch("attention.cu", "attn_forward", warpsGrid((long) count * t), 1, 128, args().p(q).p(k).p(v).p(y).p(lse)
        .i(count).i(heads).i(t).i(d).f(scale).i(causal ? 1 : 0).a(keyMask == null ? 0 : addr(keyMask)));
  }

  /** dq, dk, dv of {@link #attentionFusedForward} from its y and lse; {@code delta [count·t]} is scratch. */
  public void attentionFusedBackward(int count, int heads, int t, int d, Buf q, Buf k, Buf v, Buf y, Buf lse, Buf dy,
      Buf dq, Buf dk, Buf dv, Buf delta, float scale, boolean causal, Buf keyMask) {
    Preconditions.checkArgument(d <= FUSED_MAX_HEAD_DIM, "fused attention takes heads up to %s wide, not %s",
        FUSED_MAX_HEAD_DIM, d);
    long mask = keyMask == null ? 0 : addr(keyMask);
    launch("attention.cu", "attn_backward_dq", warpsGrid((long) count * t), 1, 128, args().p(q).p(k).p(v).p(y)
        .p(lse).p(dy).p(dq).p(delta).i(count).i(heads).i(t).i(d).f(scale).i(causal ? 1 : 0).a(mask));
    launch("attention.cu", "attn_backward_dkdv", warpsGrid((long) count * t), 1, 128, args().p(q).p(k).p(v).p(lse)
        .p(dy).p(delta).p(dk).p(dv).i(count).i(heads).i(t).i(d).f(scale).i(causal ? 1 : 0).a(mask));
  }

  /** Blocks of 128 threads (4 warps) for one warp per row. */
  private static int warpsGrid(long rows) {
    return (int) ((rows + 3) / 4);
  }

  @Override
  public double[] crossEntropy(Buf logits, int[] targets, Buf probs, int rows, int vocab) {
    Preconditions.checkArgument(targets.length == rows, "%s targets for %s rows", targets.length, rows);
    CudaBuf t = ints(targets);
    CudaBuf loss = scratch(rows);
    launch("xent.cu", "xent_forward", rows, 1, BLOCK, args().p(logits).a(t.address()).p(probs).a(loss.address())
        .i(rows).i(vocab));
    float[] host = new float[rows];
    try (FloatPointer h = new FloatPointer(rows)) {
      cu(cuMemcpyDtoH(h, loss.address(), 4L * rows), "cuMemcpyDtoH");
      h.get(host);
    }
    double[] out = new double[rows];
    for (int i = 0; i < rows; i++) {
      out[i] = host[i];
    }
    return out;
  }

  @Override
  public void crossEntropyBackward(Buf probs, int[] targets, float scale, Buf d, int rows, int vocab) {
    CudaBuf t = ints(targets);
    launch("xent.cu", "xent_backward", grid((long) rows * vocab), 1, BLOCK, args().p(probs).a(t.address()).f(scale)
        .p(d).i(rows).i(vocab));
  }

  @Override
  public void embedForward(int[] tokens, Buf table, Buf positions, Buf out, int seq, int dim) {
    CudaBuf t = ints(tokens);
    launch("embedding.cu", "embed_forward", grid((long) tokens.length * dim), 1, BLOCK, args().a(t.address())
        .p(table).p(positions).p(out).i(tokens.length).i(seq).i(dim));
  }

  @Override
  public void embedBackward(int[] tokens, Buf d, Buf dTable, Buf dPositions, int seq, int dim) {
    CudaBuf t = ints(tokens);
    launch("embedding.cu", "embed_backward", grid((long) tokens.length * dim), 1, BLOCK, args().a(t.address())
        .p(d).p(dTable).p(dPositions).i(tokens.length).i(seq).i(dim));
  }

  @Override
  public void dropoutForward(Buf x, Buf y, Buf mask, float p, long seed, long n) {
    Preconditions.checkArgument(p >= 0 && p < 1, "dropout p %s outside [0, 1)", p);
    launch("dropout.cu", "dropout_forward", grid(n), 1, BLOCK, args().p(x).p(y).p(mask).f(p).l(seed).l(n));
  }

  @Override
  public void mul(Buf a, Buf b, Buf out, long n) {
    launch("bias.cu", "mul", grid(n), 1, BLOCK, args().p(a).p(b).p(out).l(n));
  }

  @Override
  public void add(Buf a, Buf b, Buf out, long n) {
    launch("bias.cu", "add", grid(n), 1, BLOCK, args().p(a).p(b).p(out).l(n));
  }

  @Override
  public void scale(Buf x, float s, long n) {
    launch("bias.cu", "scale", grid(n), 1, BLOCK, args().p(x).f(s).l(n));
  }

  @Override
  public void fill(Buf x, float value) {
    launch("bias.cu", "fill", grid(x.length()), 1, BLOCK, args().p(x).f(value).l(x.length()));
  }

  @Override
  public void adamw(Buf p, Buf g, Buf m, Buf v, Buf mask, float lr, float wd, float b1, float b2, float bc1,
      float bc2, float eps) {
    long n = p.length();
    float decay = lr * wd; // in float, as the CPU kernel
    launch("adamw.cu", "adamw", grid(n), 1, BLOCK, args().p(p).p(g).p(m).p(v).p(mask).f(lr).f(decay).f(b1).f(b2)
        .f(bc1).f(bc2).f(eps).l(n));
  }

  @Override
  public double sumSquares(Buf x) {
    long n = x.length();
    int chunks = (int) ((n + 4095) / 4096);
    CudaBuf part = scratch(2L * chunks); // doubles
    launch("norms.cu", "sumsq_chunks", chunks, 1, BLOCK, args().p(x).a(part.address()).l(n));
    double[] sums = new double[chunks];
    try (DoublePointer h = new DoublePointer(chunks)) {
      cu(cuMemcpyDtoH(h, part.address(), 8L * chunks), "cuMemcpyDtoH");
      h.get(sums);
    }
    double total = 0;
    for (double s : sums) {
      total += s;
    }
    return total;
  }

  @Override
  public boolean allFinite(Buf x) {
    CudaBuf flag = scratch(1);
    cu(cuMemsetD32(flag.address(), 0, 1), "cuMemsetD32");
    launch("norms.cu", "nonfinite_flag", grid(x.length()), 1, BLOCK, args().p(x).a(flag.address()).l(x.length()));
    try (IntPointer h = new IntPointer(1)) {
      cu(cuMemcpyDtoH(h, flag.address(), 4), "cuMemcpyDtoH");
      return h.get() == 0;
    }
  }

  @Override
  public void synchronize() {
    cu(cuCtxSynchronize(), "cuCtxSynchronize");
  }

  @Override
  public void close() {
    synchronize();
    for (CudaBuf b : owned) {
      cuMemFree(b.address());
    }
    owned.clear();
    for (CUmod_st m : modules.values()) {
      cuModuleUnload(m);
    }
    modules.clear();
    functions.clear();
    cublasDestroy_v2(blas);
    cuDevicePrimaryCtxRelease(device);
  }

  /** Compiles (once) the source holding {@code kernel} for this GPU and launches it on the default stream. */
  private void launch(String source, String kernel, int gridX, int gridY, int block, Args args) {
    CUfunc_st f = functions.get(kernel);
    if (f == null) {
      CUmod_st module = modules.get(source);
      if (module == null) {
        Nvrtc.Result r = Nvrtc.compile(source, arch);
        Preconditions.checkState(r.ok(), "NVRTC could not compile %s for sm_%s: %s", source, arch, r.log());
        module = new CUmod_st();
        try (BytePointer image = new BytePointer(r.cubin())) {
          cu(cuModuleLoadData(module, image), "cuModuleLoadData " + source);
        }
        modules.put(source, module);
      }
      f = new CUfunc_st();
      cu(cuModuleGetFunction(f, module, kernel), "cuModuleGetFunction " + kernel);
      functions.put(kernel, f);
    }
    cu(cuLaunchKernel(f, Math.max(1, gridX), Math.max(1, gridY), 1, block, 1, 1, 0, null, args.pointers(), null),
        "cuLaunchKernel " + kernel);
    args.close();
  }

  private int grid(long n) {
    return (int) Math.max(1, Math.min((n + BLOCK - 1) / BLOCK, 32L * multiprocessors));
  }

  /** Rows per chunk of the two-stage column sums: enough chunks to fill the GPU, chunk count independent of it. */
  private static int rowsPerChunk(int rows) {
    return Math.max(1, Math.min(rows, 64));
  }

  /** A device buffer of at least {@code n} floats for intermediate results, reused between calls. */
  private CudaBuf scratch(long n) {
    if (scratch == null || scratch.length() < n) {
      if (scratch != null) {
        synchronize(); // queued kernels may still read the old buffer
        owned.remove(scratch);
        cuMemFree(scratch.address());
      }
      scratch = (CudaBuf) alloc(Math.max(n, 1 << 16));
    }
    return scratch;
  }

  /** Host ints copied into a reused device buffer (ints are 4 bytes, as floats). */
  private CudaBuf ints(int[] values) {
    if (ints == null || ints.length() < values.length) {
      if (ints != null) {
        synchronize();
        owned.remove(ints);
        cuMemFree(ints.address());
      }
      ints = (CudaBuf) alloc(Math.max(values.length, 1 << 14));
    }
    try (IntPointer host = new IntPointer(values)) {
      cu(cuMemcpyHtoD(ints.address(), host, 4L * values.length), "cuMemcpyHtoD");
    }
    return ints;
  }

  private int attribute(int which) {
    int[] v = new int[1];
    cu(cuDeviceGetAttribute(v, which, device), "cuDeviceGetAttribute " + which);
    return v[0];
  }

  private static long addr(Buf b) {
    return ((CudaBuf) b).address();
  }

  /**
   * A FloatPointer at a device address plus an element offset (cuBLAS takes device pointers as FloatPointers).
   * A named class, not an anonymous one: inside an anonymous subclass the inherited field {@code address} shadows a
   * captured local of the same name, and the pointer silently stayed null (cuBLAS answered status 7).
   */
  static FloatPointer at(Buf b, long offset) {
    return new DevicePointer(addr(b) + 4 * offset);
  }

  /** A FloatPointer over device memory: JavaCPP reads only its address; nothing is allocated or freed. */
  static final class DevicePointer extends FloatPointer {
    DevicePointer(long deviceAddress) {
      this.address = deviceAddress;
    }
  }

  private static Args args() {
    return new Args();
  }

  /** Kernel arguments: each value in its own native cell, cuLaunchKernel gets the array of cell addresses. */
  private static final class Args implements AutoCloseable {
    private final List<Pointer> cells = new ArrayList<>();

    Args p(Buf b) {
      return a(addr(b));
    }

    Args a(long address) {
      cells.add(new LongPointer(1).put(address));
      return this;
    }

    Args l(long v) {
      cells.add(new LongPointer(1).put(v));
      return this;
    }

    Args i(int v) {
      cells.add(new IntPointer(1).put(v));
      return this;
    }

    Args f(float v) {
      cells.add(new FloatPointer(1).put(v));
      return this;
    }

    PointerPointer<Pointer> pointers() {
      PointerPointer<Pointer> pp = new PointerPointer<>(cells.size());
      for (int i = 0; i < cells.size(); i++) {
        pp.put(i, cells.get(i));
      }
      cells.add(pp);
      return pp;
    }

    @Override
    public void close() {
      for (Pointer p : cells) {
        p.close();
      }
    }
  }

  private static void cu(int status, String what) {
    if (status != 0) {
      PointerPointer<BytePointer> out = new PointerPointer<>(1);
      cuGetErrorString(status, out);
      BytePointer text = out.get(BytePointer.class, 0);
      throw new IllegalStateException(what + " failed: CUDA error " + status
          + (text == null || text.isNull() ? "" : " (" + text.getString() + ")"));
    }
  }

  private static void blas(int status, String what) {
    if (status != CUBLAS_STATUS_SUCCESS) {
      throw new IllegalStateException(what + " failed: cuBLAS status " + status);
    }
  }
}
