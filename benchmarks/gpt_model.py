"""The anisoscope Transformer in PyTorch: the peer the Java model is timed and checked against.

Same architecture, initialisation and optimiser as core/src/main/java/org/anisoscope/model (nanoGPT's model.py
with biases): pre-LN GPT-2 blocks, one qkv Linear whose output columns are laid out [3, H, D], exact erf GELU,
final LayerNorm, LM head tied to wte or untied. Java stores a Linear as W [in, out] (y = x @ W + b); nn.Linear
stores weight = W.T. `java_names()` maps every parameter to its Java name and layout.
"""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn import functional as F


@dataclass
class GPTConfig:
    vocab: int = 90
    layers: int = 4
    heads: int = 4
    d_model: int = 128
    d_ff: int = 512
    context: int = 128
    dropout: float = 0.0
    tie: bool = True


class CausalSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        assert cfg.d_model % cfg.heads == 0, f"d_model {cfg.d_model} is not divisible by heads {cfg.heads}"
        self.heads = cfg.heads
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)  # output columns [3, H, D]: q, k, v, head-major
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.attn_drop = nn.Dropout(cfg.dropout)
        mask = torch.tril(torch.ones(cfg.context, cfg.context, dtype=torch.bool))
        self.register_buffer("mask", mask.view(1, 1, cfg.context, cfg.context), persistent=False)

    def forward(self, x):
        b, t, c = x.shape                                                     # [B, T, C]
        h, d = self.heads, c // self.heads
        q, k, v = self.qkv(x).split(c, dim=2)                                 # 3 × [B, T, C]
        q = q.view(b, t, h, d).transpose(1, 2)                                # [B, H, T, D]
        k = k.view(b, t, h, d).transpose(1, 2)                                # [B, H, T, D]
        v = v.view(b, t, h, d).transpose(1, 2)                                # [B, H, T, D]
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(d))                # [B, H, T, T]
        att = att.masked_fill(~self.mask[:, :, :t, :t], float("-inf"))
        att = self.attn_drop(F.softmax(att, dim=-1))                          # [B, H, T, T]
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)              # [B, T, C]
        return self.proj(y)                                                   # [B, T, C]


class Mlp(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.fc = nn.Linear(cfg.d_model, cfg.d_ff)
        self.gelu = nn.GELU()  # exact erf form
        self.proj = nn.Linear(cfg.d_ff, cfg.d_model)

    def forward(self, x):
        return self.proj(self.gelu(self.fc(x)))                               # [B, T, C]


class Block(nn.Module):
    """mid = x + Drop(Attn(LN1(x))); post = mid + Drop(MLP(LN2(mid))) — Java's Block, nanoGPT's resid_dropout."""

    def __init__(self, cfg):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model, eps=1e-5)
        self.attn = CausalSelfAttention(cfg)
        self.attn_out_drop = nn.Dropout(cfg.dropout)
        self.ln2 = nn.LayerNorm(cfg.d_model, eps=1e-5)
        self.mlp = Mlp(cfg)
        self.mlp_out_drop = nn.Dropout(cfg.dropout)

    def forward(self, x):
        mid = x + self.attn_out_drop(self.attn(self.ln1(x)))                 # [B, T, C]
        return mid + self.mlp_out_drop(self.mlp(self.ln2(mid)))              # [B, T, C]


class GPT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Parameter(torch.empty(cfg.vocab, cfg.d_model))         # [V, C]
        self.wpe = nn.Parameter(torch.empty(cfg.context, cfg.d_model))       # [context, C]
        self.emb_drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.layers)])
        self.ln_final = nn.LayerNorm(cfg.d_model, eps=1e-5)
        self.lm_head = None if cfg.tie else nn.Linear(cfg.d_model, cfg.vocab, bias=False)
        self.reset_parameters()

    def reset_parameters(self):
        """GPT-2 init: N(0, 0.02) for embeddings and W, residual projections N(0, 0.02/√(2L)), biases 0, LN 1/0."""
        proj_std = 0.02 / math.sqrt(2 * self.cfg.layers)
        nn.init.normal_(self.wte, std=0.02)
        nn.init.normal_(self.wpe, std=0.02)
        for name, m in self.named_modules():
            if isinstance(m, nn.Linear):
                residual = name.endswith("attn.proj") or name.endswith("mlp.proj")
                nn.init.normal_(m.weight, std=proj_std if residual else 0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, tokens, targets=None):
        b, t = tokens.shape                                                   # [B, T]
        assert t <= self.cfg.context, f"sequence length {t} exceeds context {self.cfg.context}"
        x = self.emb_drop(self.wte[tokens] + self.wpe[:t])                    # [B, T, C]
        for block in self.blocks:
            x = block(x)                                                      # [B, T, C]
        x = self.ln_final(x)                                                  # [B, T, C]
        logits = x @ self.wte.t() if self.lm_head is None else self.lm_head(x)  # [B, T, V]
        logits = logits.view(b * t, -1)                                       # [B·T, V]
        loss = None if targets is None else F.cross_entropy(logits, targets.reshape(-1))
        return logits, loss

    def java_names(self):
        """[(java_name, tensor, transposed)]: transposed means the Java array is tensor.T (a Linear's W)."""
        out = [("wte", self.wte, False), ("wpe", self.wpe, False)]
        for l, blk in enumerate(self.blocks):
            p = f"blocks.{l}."
            for ln_name, ln in (("ln1", blk.ln1), ("ln2", blk.ln2)):
                out += [(p + ln_name + ".gamma", ln.weight, False), (p + ln_name + ".beta", ln.bias, False)]
            for lin_name, lin in (("attn.qkv", blk.attn.qkv), ("attn.proj", blk.attn.proj),
                                  ("mlp.fc", blk.mlp.fc), ("mlp.proj", blk.mlp.proj)):
                out += [(p + lin_name + ".W", lin.weight, True), (p + lin_name + ".b", lin.bias, False)]
        out += [("ln_final.gamma", self.ln_final.weight, False), ("ln_final.beta", self.ln_final.bias, False)]
        if self.lm_head is not None:
            out.append(("lm_head.W", self.lm_head.weight, True))
        return out

    def java_shape(self, name, tensor, transposed):
        """Shape of the parameter in the Java layout: W [in, out], biases and LN vectors [1, n]."""
        if transposed:
            return tuple(tensor.t().shape)
        if tensor.dim() == 1:
            return (1, tensor.shape[0])
        return tuple(tensor.shape)


def decay_groups(model, weight_decay, decay_embeddings=True):
    """AdamW groups as Java's ParamStore.decayMask: nanoGPT's rule, every tensor with 2 or more dimensions decays
    (Linear W matrices, an untied lm_head, and the wte/wpe embeddings); LayerNorm weights and biases do not.
    decay_embeddings=False leaves wte and wpe out (Java: train.decay-embeddings = false)."""
    decay, no_decay = [], []
    for name, tensor, transposed in model.java_names():
        embedding = name in ("wte", "wpe")
        matrix = tensor.dim() >= 2
        (decay if matrix and (decay_embeddings or not embedding) else no_decay).append(tensor)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def make_optimizer(model, lr, beta2, weight_decay, decay_embeddings=True):
    return torch.optim.AdamW(decay_groups(model, weight_decay, decay_embeddings), lr=lr, betas=(0.9, beta2),
                             eps=1e-8, foreach=True)


def get_lr(it, lr, min_lr, warmup_iters, lr_decay_iters):
    """nanoGPT's get_lr: linear warm-up, then cosine decay to min_lr, then min_lr."""
    if it < warmup_iters:
        return lr * (it + 1) / (warmup_iters + 1)
    if it > lr_decay_iters:
        return min_lr
    ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters)
    coeff = 0.5 * (1.0 + math.cos(math.pi * ratio))
    return min_lr + coeff * (lr - min_lr)
