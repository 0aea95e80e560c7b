#!/usr/bin/python3
"""PyTorch peer of the anisoscope Transformer: speed (bench), numerical parity (parity), nanoGPT run (train).

Run with Debian's interpreter, which has python3-torch: /usr/bin/python3 benchmarks/torch_gpt.py MODE --help.
  bench   one training step on random tokens, timed; last line
          torch: ms_per_step=<median> tokens_per_s=<..> threads=<n> blas=<name> rss_mb=<peak RSS>
  parity  load Java-layout weights (.npy), compute logits and loss in float64, compare with Java's; last line
          parity: max_abs_logit_diff=<..> loss_java=<..> loss_torch=<..> ok=<true|false>   (exit 0 / 1)
  train   nanoGPT's CPU "baby" shakespeare_char run (val ≈ 1.88 after 2000 iters in nanoGPT); last line
          torch-train: iters=<n> val_loss=<..> wall_s=<..> ms_per_iter=<..>
Exit 3 when torch cannot be imported; 2 for bad arguments or inputs.
"""
import argparse
import json
import math
import os
import resource
import statistics
import sys
import time

EXIT_MISMATCH, EXIT_BAD_INPUT, EXIT_NO_TORCH = 1, 2, 3
TOLERANCE = 1e-4


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)

    b = sub.add_parser("bench", help="time full training steps on random tokens")
    b.add_argument("--layers", type=int, default=4)
    b.add_argument("--heads", type=int, default=4)
    b.add_argument("--d-model", type=int, default=128)
    b.add_argument("--d-ff", type=int, default=512)
    b.add_argument("--context", type=int, default=128)
    b.add_argument("--batch", type=int, default=32)
    b.add_argument("--vocab", type=int, default=90)
    b.add_argument("--steps", type=int, default=20, help="timed steps")
    b.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    b.add_argument("--threads", type=int, default=2)
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--dropout", type=float, default=0.0)
    b.add_argument("--untied", action="store_true", help="separate lm_head.W instead of the tied wte")
    b.add_argument("--device", default="cpu", help="cpu or cuda (experiments/gpu-check.sh: the GPU peer)")
    b.add_argument("--tf32", action="store_true", help="cuda: allow TF32 tensor cores in matmuls")

    p = sub.add_parser("parity", help="compare logits and loss with the Java model's on the same weights")
    p.add_argument("--weights", required=True, help="folder with <java-name>.npy, tokens.npy, targets.npy, "
                   "config.json, optionally logits.npy [B·T, V] and loss.txt (Java's results)")
    p.add_argument("--out", help="where torch_logits.npy goes (default: the weights folder)")
    p.add_argument("--threads", type=int, default=2)

    t = sub.add_parser("train", help="nanoGPT's baby shakespeare_char run (char vocab, 4L/4H/128, ctx 64)")
    t.add_argument("--data", required=True, help="UTF-8 text, read in place (e.g. tinyshakespeare.txt, karpathy/char-rnn's input.txt)")
    t.add_argument("--layers", type=int, default=4)
    t.add_argument("--heads", type=int, default=4)
    t.add_argument("--d-model", type=int, default=128)
    t.add_argument("--d-ff", type=int, default=512)
    t.add_argument("--context", type=int, default=64)
    t.add_argument("--batch", type=int, default=12)
    t.add_argument("--iters", type=int, default=2000)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--min-lr", type=float, default=1e-4)
    t.add_argument("--warmup-iters", type=int, default=100)
    t.add_argument("--lr-decay-iters", type=int, default=None, help="default: --iters")
    t.add_argument("--beta2", type=float, default=0.99)
    t.add_argument("--weight-decay", type=float, default=0.1)
    t.add_argument("--no-decay-embeddings", action="store_true",
                   help="keep wte/wpe out of weight decay (Java: train.decay-embeddings=false)")
    t.add_argument("--clip", type=float, default=1.0)
    t.add_argument("--dropout", type=float, default=0.0)
    t.add_argument("--eval-every", type=int, default=250)
    t.add_argument("--eval-iters", type=int, default=20)
    t.add_argument("--log-every", type=int, default=100)
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--untied", action="store_true")
    return ap.parse_args(argv)


def detect_blas(torch):
    """Name of the BLAS library mapped into this process; Debian's torch 1.13 reports BLAS_INFO=generic in
    torch.__config__.show(), so the loaded shared object is the only reliable witness."""
    torch.ones(8, 8) @ torch.ones(8, 8)  # make sure the BLAS is loaded
    paths = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if "blas" in path.lower() or "mkl" in path.lower() or "blis" in path.lower():
                paths.add(os.path.realpath(path))
    joined = " ".join(sorted(paths)).lower()
    for key, name in (("openblas", "openblas"), ("mkl", "mkl"), ("blis", "blis"), ("/blas/", "reference")):
        if key in joined:
            return name
    return "unknown"


def gemm_gflops(torch, m=4096, k=128, n=512, reps=30):
    a, b = torch.randn(m, k), torch.randn(k, n)
    for _ in range(3):
        a @ b
    start = time.perf_counter()
    for _ in range(reps):
        a @ b
    return 2.0 * m * k * n * reps / (time.perf_counter() - start) / 1e9


def env_line():
    return (f"env: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')} "
            f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')} "
            f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')} cpus={os.cpu_count()} "
            f"load_avg_1min={os.getloadavg()[0]:.2f} (other work disturbs the timings when this nears the cpus)")


def bench(args, torch, gm):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    cfg = gm.GPTConfig(vocab=args.vocab, layers=args.layers, heads=args.heads, d_model=args.d_model,
                       d_ff=args.d_ff, context=args.context, dropout=args.dropout, tie=not args.untied)
    dev = torch.device(args.device)
    cuda = dev.type == "cuda"
    if cuda:  # FP32 products unless --tf32 (PyTorch's default for matmul is no TF32 since 1.12)
        torch.backends.cuda.matmul.allow_tf32 = args.tf32
        torch.backends.cudnn.allow_tf32 = args.tf32
    model = gm.GPT(cfg).to(dev)
    model.train()
    opt = gm.make_optimizer(model, lr=1e-3, beta2=0.99, weight_decay=0.1)
    gen = torch.Generator().manual_seed(args.seed)
    total = args.warmup + args.steps
    data = torch.randint(args.vocab, (total, 2, args.batch, args.context), generator=gen).to(dev)  # tokens, targets
    blas = detect_blas(torch)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"config: {cfg} params={n_params}")
    print(f"gemm [4096,128]x[128,512] float32: {gemm_gflops(torch):.0f} GFLOP/s, blas={blas} "
          f"(from /proc/self/maps), threads={torch.get_num_threads()}, torch {torch.__version__}")
    print(env_line())
    times = []
    for step in range(total):
        start = time.perf_counter()
        _, loss = model(data[step, 0], data[step, 1])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        if cuda:
            torch.cuda.synchronize()
        ms = (time.perf_counter() - start) * 1e3
        if step >= args.warmup:
            times.append(ms)
        print(f"step {step:3d} {'warmup' if step < args.warmup else 'timed '} {ms:8.1f} ms  loss {loss.item():.4f}")
    med = statistics.median(times)
    print(f"min {min(times):.1f} ms  max {max(times):.1f} ms  mean {statistics.mean(times):.1f} ms")
    tokens_per_s = args.batch * args.context / (med / 1e3)
    where = f"device={torch.cuda.get_device_name(dev)} tf32={args.tf32}" if cuda else f"blas={blas}"
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # peak RSS of the process (Linux: KiB)
    print(f"torch: ms_per_step={med:.1f} tokens_per_s={tokens_per_s:.0f} threads={torch.get_num_threads()} {where} "
          f"rss_mb={rss_mb:.0f}")
    return 0


def fail(msg):
    print(f"error: {msg}", file=sys.stderr)
    return EXIT_BAD_INPUT


def parity(args, torch, gm):
    import numpy as np
    torch.set_num_threads(args.threads)
    wdir = args.weights
    try:
        with open(os.path.join(wdir, "config.json")) as f:
            c = json.load(f)
        cfg = gm.GPTConfig(vocab=c["vocab"], layers=c["layers"], heads=c["heads"], d_model=c["d_model"],
                           d_ff=c["d_ff"], context=c["context"], dropout=0.0, tie=bool(c.get("tie", True)))
    except (OSError, KeyError, ValueError) as e:
        return fail(f"cannot read {wdir}/config.json: {e}")
    model = gm.GPT(cfg).double().eval()
    with torch.no_grad():
        for name, tensor, transposed in model.java_names():
            path = os.path.join(wdir, name + ".npy")
            if not os.path.exists(path):
                return fail(f"missing {path}")
            arr = np.load(path)
            want = model.java_shape(name, tensor, transposed)
            if arr.shape != want and not (len(want) == 2 and want[0] == 1 and arr.shape == (want[1],)):
                return fail(f"{name}: shape {arr.shape} in the file, the Java layout is {want}")
            t = torch.from_numpy(np.ascontiguousarray(arr, dtype=np.float64)).reshape(want)
            tensor.copy_(t.t() if transposed else t.reshape(tensor.shape))
        tokens = torch.from_numpy(np.load(os.path.join(wdir, "tokens.npy")).astype(np.int64))    # [B, T]
        targets = torch.from_numpy(np.load(os.path.join(wdir, "targets.npy")).astype(np.int64))  # [B, T]
        if tokens.dim() != 2 or tokens.shape != targets.shape:
            return fail(f"tokens {tuple(tokens.shape)} and targets {tuple(targets.shape)} must both be [B, T]")
        if tokens.shape[1] > cfg.context or int(tokens.max()) >= cfg.vocab or int(tokens.min()) < 0:
            return fail(f"tokens {tuple(tokens.shape)} out of range for context {cfg.context}, vocab {cfg.vocab}")
        logits, loss = model(tokens, targets)                                   # [B·T, V], scalar
    out_dir = args.out or wdir
    np.save(os.path.join(out_dir, "torch_logits.npy"), logits.numpy())
    loss_torch = loss.item()

    checks, diff, loss_java = [], float("nan"), float("nan")
    logits_path, loss_path = os.path.join(wdir, "logits.npy"), os.path.join(wdir, "loss.txt")
    if os.path.exists(logits_path):
        java = np.load(logits_path).astype(np.float64)
        if java.shape != tuple(logits.shape):
            return fail(f"logits.npy has shape {java.shape}, expected [B·T, V] = {tuple(logits.shape)}")
        diff = float(np.max(np.abs(java - logits.numpy())))
        checks.append(diff <= TOLERANCE)
    if os.path.exists(loss_path):
        with open(loss_path) as f:
            loss_java = float(f.read().strip())
        checks.append(abs(loss_java - loss_torch) <= TOLERANCE)
    ok = bool(checks) and all(checks)
    if not checks:
        print(f"no logits.npy or loss.txt in {wdir}: nothing to compare (torch_logits.npy written)", file=sys.stderr)
    print(f"parity: max_abs_logit_diff={diff:.3e} loss_java={loss_java:.8f} loss_torch={loss_torch:.8f} "
          f"ok={'true' if ok else 'false'}")
    return 0 if ok else EXIT_MISMATCH


def train(args, torch, gm):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    with open(args.data, encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(chars)}
    data = torch.tensor([stoi[ch] for ch in text], dtype=torch.long)
    n_train = int(0.9 * len(data))
    splits = {"train": data[:n_train], "val": data[n_train:]}
    print(f"data: {args.data} chars={len(data)} vocab={len(chars)} train={n_train} val={len(data) - n_train}")

    cfg = gm.GPTConfig(vocab=len(chars), layers=args.layers, heads=args.heads, d_model=args.d_model,
                       d_ff=args.d_ff, context=args.context, dropout=args.dropout, tie=not args.untied)
    model = gm.GPT(cfg)
    opt = gm.make_optimizer(model, lr=args.lr, beta2=args.beta2, weight_decay=args.weight_decay,
                           decay_embeddings=not args.no_decay_embeddings)
    decay_iters = args.lr_decay_iters or args.iters
    gen = torch.Generator().manual_seed(args.seed)
    eval_gen = torch.Generator().manual_seed(args.seed + 1)  # evaluation draws do not shift the training stream
    print(f"config: {cfg} params={sum(p.numel() for p in model.parameters())} blas={detect_blas(torch)} "
          f"threads={torch.get_num_threads()}")
    print(env_line())

    def get_batch(split, g):
        d = splits[split]
        ix = torch.randint(len(d) - cfg.context, (args.batch,), generator=g)
        x = torch.stack([d[i:i + cfg.context] for i in ix])                   # [B, T]
        y = torch.stack([d[i + 1:i + 1 + cfg.context] for i in ix])           # [B, T]
        return x, y

    @torch.no_grad()
    def estimate_loss():
        model.eval()
        out = {}
        for split in ("train", "val"):
            out[split] = sum(model(*get_batch(split, eval_gen))[1].item() for _ in range(args.eval_iters))
            out[split] /= args.eval_iters
        model.train()
        return out

    wall_start = time.perf_counter()
    step_s, val_loss = 0.0, float("nan")
    model.train()
    for it in range(args.iters + 1):
        if it % args.eval_every == 0 or it == args.iters:
            losses = estimate_loss()
            val_loss = losses["val"]
            print(f"eval iter {it}: train {losses['train']:.4f} val {val_loss:.4f} "
                  f"({time.perf_counter() - wall_start:.1f} s)")
        if it == args.iters:
            break
        start = time.perf_counter()
        lr = gm.get_lr(it, args.lr, args.min_lr, args.warmup_iters, decay_iters)
        for group in opt.param_groups:
            group["lr"] = lr
        x, y = get_batch("train", gen)
        _, loss = model(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        opt.step()
        opt.zero_grad(set_to_none=True)
        step_s += time.perf_counter() - start
        if it % args.log_every == 0:
            print(f"iter {it}: loss {loss.item():.4f} lr {lr:.2e} {step_s / (it + 1) * 1e3:.1f} ms/iter")
    wall_s = time.perf_counter() - wall_start
    print(f"torch-train: iters={args.iters} val_loss={val_loss:.4f} wall_s={wall_s:.1f} "
          f"ms_per_iter={step_s / max(args.iters, 1) * 1e3:.1f}")
    return 0


def main(argv):
    args = parse_args(argv)
    # Debian's torch does not pass set_num_threads on to OpenBLAS, whose own pthread pool would otherwise use
    # every core. Its GEMMs then share the cores with torch's OpenMP workers, which by default spin after each
    # parallel region and starve the BLAS threads: PASSIVE waiting was 5-13x faster here with 2 threads.
    # All are read when the libraries load, so set them before importing torch (the caller's values win).
    for var, value in (("OMP_NUM_THREADS", str(args.threads)), ("OPENBLAS_NUM_THREADS", str(args.threads)),
                       ("OMP_WAIT_POLICY", "PASSIVE")):
        os.environ.setdefault(var, value)
    try:
        import torch
    except ImportError as e:
        print(f"torch is not importable by {sys.executable} ({e}); install it with "
              "'apt-get install python3-torch python3-numpy libopenblas0-pthread' and run /usr/bin/python3",
              file=sys.stderr)
        return EXIT_NO_TORCH
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import gpt_model as gm
    return {"bench": bench, "parity": parity, "train": train}[args.mode](args, torch, gm)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
