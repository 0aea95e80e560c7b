# Sourced by experiments/gpu-check.sh and by a bundle's run.sh (copied in as torchpeer.sh): PyTorch's GPT at
# gpt2-small.conf's shape on the GPU, its tokens/s turned into MFU by the caller's mfu(). Needs LOG (log folder),
# PEER (benchmarks/torch_gpt.py) and a function mfu TOKENS_PER_S DEVICE [--tf32].
torchpeer() { # [--tf32]: PyTorch's GPT (benchmarks/torch_gpt.py) at gpt2-small.conf's shape, when python3 has CUDA torch
  local f="$LOG/model-torch-gpt2-small${1:+-tf32}.log"
  if python3 -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' >/dev/null 2>&1; then
    echo "== PyTorch peer, gpt2-small shape ${1:-fp32}" | tee "$f"
    timeout 300 python3 "$PEER" bench --device cuda --layers 12 --heads 12 --d-model 768 --d-ff 3072 \
      --context 1024 --batch 8 --vocab 50257 --steps 10 --warmup 2 --threads 4 ${1:-} 2>&1 | tail -n 4 | tee -a "$f"
    local line; line=$(grep '^torch: ' "$f" | tail -n 1)
    if [[ -n "$line" ]]; then
      mfu "$(sed -E 's/.*tokens_per_s=([0-9.]+).*/\1/' <<<"$line")" "$(sed -E 's/.*device=(.*) tf32=.*/\1/' \
        <<<"$line")" ${1:-} 2>&1 | tee -a "$f"
    fi
  else
    echo "no PyTorch peer: python3 cannot import torch with CUDA" | tee "$f"
  fi
}
