#!/usr/bin/env bash
# Installs a modality's data set under data/ (no root needed where the system's package lists are present).
#   experiments/fetch-data.sh image [DEST]   Fashion-MNIST (Debian package dataset-fashion-mnist, MIT) → DEST
#                                            (default data/fashion-mnist: the default data.image.path)
# It runs `apt-get download` (into a temporary folder, as any user) and `dpkg -x` (unpacks without installing),
# then copies the four gzipped IDX files. Without apt-get, or when the package is unknown to apt, it says what to do.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; }
case "${1:-}" in
  image) ;;
  -h|--help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac
dest="${2:-$root/data/fashion-mnist}"
files="train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz"
have_all() { for f in $files; do [ -s "$1/$f" ] || return 1; done; }
if have_all "$dest"; then
  echo "Fashion-MNIST is already in $dest"
  exit 0
fi
mkdir -p "$dest"
system=/usr/share/datasets/fashion-mnist
if have_all "$system"; then  # the package is installed system-wide: copy from there
  for f in $files; do cp "$system/$f" "$dest/"; done
  echo "copied Fashion-MNIST from $system to $dest"
  exit 0
fi
if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
  echo "no apt-get/dpkg here: download the four files $files from https://github.com/zalandoresearch/fashion-mnist" \
    "(data/fashion/) into $dest" >&2
  exit 1
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
download() { (cd "$tmp" && apt-get download dataset-fashion-mnist >/dev/null 2>"$tmp/err"); }
if ! download; then
  if [ "$(id -u)" = 0 ]; then
    echo "apt-get download failed ($(tail -1 "$tmp/err")); updating the package lists (apt-get update) and retrying"
    apt-get update -qq && download || { cat "$tmp/err" >&2; exit 1; }
  else
    echo "apt-get download dataset-fashion-mnist failed: $(tail -1 "$tmp/err")" >&2
    echo "the package lists may be missing or old: run 'sudo apt-get update' once (root), then rerun $0 image;" \
      "or 'sudo apt-get install dataset-fashion-mnist' and rerun (it copies from $system)" >&2
    exit 1
  fi
fi
dpkg -x "$tmp"/dataset-fashion-mnist_*.deb "$tmp/x"
for f in $files; do cp "$tmp/x$system/$f" "$dest/"; done
echo "Fashion-MNIST (60 000 train + 10 000 test images, MIT) is in $dest"
