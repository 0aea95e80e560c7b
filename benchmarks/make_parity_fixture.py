#!/usr/bin/python3
"""Writes a parity folder as the Java side would, from an independent NumPy reference (no torch involved).

Random weights in the Java layout (W [in, out], biases and LayerNorm vectors [1, n]) with non-trivial LN gains,
biases and scales, so that a wrong transpose, head layout or bias shows in the logits; a float64 forward pass
written directly from the model's definition gives logits.npy and loss.txt. `torch_gpt.py parity` on the folder
must then agree (exit 0); with --corrupt it must not (exit 1).

  /usr/bin/python3 benchmarks/make_parity_fixture.py --out /tmp/parity && \
  /usr/bin/python3 benchmarks/torch_gpt.py parity --weights /tmp/parity
"""
import argparse
import json
import math
import os

import numpy as np

erf = np.vectorize(math.erf)  # exact, and NumPy has no erf of its own


def make_weights(cfg, rng, dtype):
    c, f, v = cfg["d_model"], cfg["d_ff"], cfg["vocab"]

    def mat(n_in, n_out):
        return rng.normal(0.0, 1.0 / math.sqrt(n_in), (n_in, n_out))

    def vec(n, mean=0.0):
        return mean + rng.normal(0.0, 0.1, (1, n))

    w = {"wte": rng.normal(0.0, 0.5, (v, c)), "wpe": rng.normal(0.0, 0.5, (cfg["context"], c))}
    for l in range(cfg["layers"]):
        p = f"blocks.{l}."
        w.update({p + "ln1.gamma": vec(c, 1.0), p + "ln1.beta": vec(c),
                  p + "attn.qkv.W": mat(c, 3 * c), p + "attn.qkv.b": vec(3 * c),
                  p + "attn.proj.W": mat(c, c), p + "attn.proj.b": vec(c),
                  p + "ln2.gamma": vec(c, 1.0), p + "ln2.beta": vec(c),
                  p + "mlp.fc.W": mat(c, f), p + "mlp.fc.b": vec(f),
                  p + "mlp.proj.W": mat(f, c), p + "mlp.proj.b": vec(c)})
    w.update({"ln_final.gamma": vec(c, 1.0), "ln_final.beta": vec(c)})
    if not cfg["tie"]:
        w["lm_head.W"] = mat(c, v)
    return {k: a.astype(dtype) for k, a in w.items()}


def layer_norm(x, gamma, beta):                                  # x [n, C]
    mu = x.mean(axis=1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=1, keepdims=True)
    return (x - mu) / np.sqrt(var + 1e-5) * gamma + beta


def reference_forward(cfg, w, tokens, targets):
    """float64 forward in the Java layout; returns logits [B·T, V] and the mean cross-entropy."""
    w = {k: a.astype(np.float64) for k, a in w.items()}
    b, t = tokens.shape
    c, h = cfg["d_model"], cfg["heads"]
    d = c // h
    x = (w["wte"][tokens] + w["wpe"][:t]).reshape(b * t, c)     # [B·T, C]
    causal = np.triu(np.full((t, t), -1e9), k=1)                  # 0 on and below the diagonal, as Java
    for l in range(cfg["layers"]):
        p = f"blocks.{l}."
        a = layer_norm(x, w[p + "ln1.gamma"], w[p + "ln1.beta"])
        qkv = (a @ w[p + "attn.qkv.W"] + w[p + "attn.qkv.b"]).reshape(b, t, 3, h, d)  # [B, T, 3, H, D]
        q, k, v = (qkv[:, :, i].transpose(0, 2, 1, 3) for i in range(3))             # [B, H, T, D]
        s = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d) + causal                       # [B, H, T, T]
        s = np.exp(s - s.max(axis=-1, keepdims=True))
        s /= s.sum(axis=-1, keepdims=True)
        y = (s @ v).transpose(0, 2, 1, 3).reshape(b * t, c)                         # [B·T, C]
        x = x + y @ w[p + "attn.proj.W"] + w[p + "attn.proj.b"]
        m = layer_norm(x, w[p + "ln2.gamma"], w[p + "ln2.beta"]) @ w[p + "mlp.fc.W"] + w[p + "mlp.fc.b"]
        m = 0.5 * m * (1.0 + erf(m / math.sqrt(2.0)))                                 # [B·T, F]
        x = x + m @ w[p + "mlp.proj.W"] + w[p + "mlp.proj.b"]
    x = layer_norm(x, w["ln_final.gamma"], w["ln_final.beta"])
    logits = x @ (w["wte"].T if cfg["tie"] else w["lm_head.W"])                        # [B·T, V]
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(b * t), targets.reshape(-1)].mean()
    return logits, float(loss)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--d-model", type=int, default=32)
    ap.add_argument("--d-ff", type=int, default=72)
    ap.add_argument("--context", type=int, default=16)
    ap.add_argument("--vocab", type=int, default=37)
    ap.add_argument("--batch", type=int, default=3)
    ap.add_argument("--seq", type=int, default=13, help="≤ context; shorter exercises the position slice")
    ap.add_argument("--untied", action="store_true")
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--corrupt", choices=["none", "heads", "qk", "logit"], default="none",
                    help="after computing the reference, damage the export: reverse the head order of q in "
                         "block 0 (heads), swap its q and k (qk), or shift one logit by 2e-4 (logit)")
    args = ap.parse_args()
    cfg = {"layers": args.layers, "heads": args.heads, "d_model": args.d_model, "d_ff": args.d_ff,
           "context": args.context, "vocab": args.vocab, "tie": not args.untied}
    rng = np.random.default_rng(args.seed)
    w = make_weights(cfg, rng, np.dtype(args.dtype))
    tokens = rng.integers(0, args.vocab, (args.batch, args.seq), dtype=np.int32)
    targets = rng.integers(0, args.vocab, (args.batch, args.seq), dtype=np.int32)
    logits, loss = reference_forward(cfg, w, tokens, targets)

    c, h = args.d_model, args.heads
    d = c // h
    if args.corrupt in ("heads", "qk"):
        for name in ("blocks.0.attn.qkv.W", "blocks.0.attn.qkv.b"):
            a = w[name].reshape(-1, 3, h, d)                     # columns [3, H, D]
            a = a[:, :, ::-1] if args.corrupt == "heads" else a[:, [1, 0, 2]]
            w[name] = np.ascontiguousarray(a).reshape(w[name].shape)
    elif args.corrupt == "logit":
        logits[1, 2] += 2e-4

    os.makedirs(args.out, exist_ok=True)
    for name, a in w.items():
        np.save(os.path.join(args.out, name + ".npy"), a)
    np.save(os.path.join(args.out, "tokens.npy"), tokens)
    np.save(os.path.join(args.out, "targets.npy"), targets)
    np.save(os.path.join(args.out, "logits.npy"), logits.astype(np.float64))
    with open(os.path.join(args.out, "loss.txt"), "w") as f:
        f.write(f"{loss:.17g}\n")
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg, f)
    print(f"fixture: {args.out} {len(w)} parameters, tokens {tokens.shape}, loss {loss:.6f}, "
          f"logit range [{logits.min():.2f}, {logits.max():.2f}], corrupt={args.corrupt}")


if __name__ == "__main__":
    main()
