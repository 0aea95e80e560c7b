#!/usr/bin/env bash
# Fetches a modality's real data set from Debian's archive into data/ (git-ignored), without root where the
# system's package lists are present: `apt-get download` into a scratch folder and `dpkg -x` (unpacks without
# installing), then only the files the project reads are copied.
#   experiments/fetch-data.sh image [DEST]   Fashion-MNIST (Debian package dataset-fashion-mnist, MIT) → DEST
#                                            (default data/fashion-mnist: the default data.image.path)
#   experiments/fetch-data.sh audio          data/audio/festvox-ru/ (620 read Russian sentences, 99.5 min, one
#                                            speaker) and data/audio/pocketsphinx/ (10 English utterances, 35 s,
#                                            two speakers), each with manifest.tsv
# audio: re-running skips a set whose manifest.tsv exists (delete the folder to fetch it again); manifest.tsv is a
# header, then one row per WAV: file (relative to the set's folder) TAB seconds TAB speaker TAB transcript.
# Exit codes: 0 done, 2 bad usage, 1 a download or extraction failed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
}

# ---------------------------------------------------------------------------------------------------- audio
# Seconds of a PCM WAV from its header: walks the RIFF chunks for `fmt ` (byte rate) and `data` (size), so it
# needs no tool beyond od/head (a header with extra chunks, e.g. LIST, is common).
wav_seconds() {
  local f=$1 off=12 id size byterate="" datasize="" total
  total=$(stat -c %s "$f")
  [ "$(head -c 4 "$f")" = "RIFF" ] || { echo "$f: not a RIFF file; expected a WAV file" >&2; return 1; }
  while [ $((off + 8)) -le "$total" ]; do
    id=$(dd if="$f" bs=1 skip="$off" count=4 status=none)
    size=$(od -An -tu4 -j $((off + 4)) -N4 "$f" | tr -d ' ')
    case "$id" in
      "fmt ") byterate=$(od -An -tu4 -j $((off + 16)) -N4 "$f" | tr -d ' ') ;;
      data) datasize=$size; break ;;
    esac
    off=$((off + 8 + size + size % 2))
  done
  if [ -z "$byterate" ] || [ -z "$datasize" ] || [ "$byterate" -eq 0 ]; then
    echo "$f: no fmt/data chunk; expected a PCM WAV file" >&2; return 1
  fi
  LC_ALL=C awk -v d="$datasize" -v r="$byterate" 'BEGIN { printf "%.3f", d / r }'
}

# Downloads a Debian package and unpacks it into $scratch/<name>/ (no root: dpkg -x only extracts files).
debian_extract() {
  local pkg=$1
  ( cd "$scratch" && apt-get download "$pkg" >/dev/null 2>"$scratch/$pkg.log" ) || {
    echo "apt-get download $pkg failed (see $scratch/$pkg.log; run 'apt-get update' once first)" >&2; return 1; }
  dpkg -x "$scratch"/"$pkg"_*.deb "$scratch/$pkg"
}

fetch_festvox_ru() {
  local out="$root/data/audio/festvox-ru" voice tmp id text
  if [ -f "$out/manifest.tsv" ]; then echo "$out: present"; return 0; fi
  debian_extract festvox-ru
  voice="$scratch/festvox-ru/usr/share/festival/voices/russian/msu_ru_nsh_clunits"
  tmp="$out.partial"; rm -rf "$tmp"; mkdir -p "$tmp/wav"
  cp "$voice"/wav/*.wav "$tmp/wav/"
  cp "$scratch/festvox-ru/usr/share/doc/festvox-ru/copyright" "$tmp/NOTICE"
  printf 'file\tseconds\tspeaker\ttranscript\n' >"$tmp/manifest.tsv"
  # etc/txt.done.data: ( ru_0001 "text" ), one utterance per line
  while IFS= read -r line; do
    id=$(sed -E 's/^\( *([^ ]+) .*/\1/' <<<"$line")
    text=$(sed -E 's/^\( *[^ ]+ +"(.*)" *\) *$/\1/; s/\+//g; s/\t/ /g' <<<"$line")
    [ -f "$tmp/wav/$id.wav" ] || continue
    printf 'wav/%s.wav\t%s\tmsu_ru_nsh\t%s\n' "$id" "$(wav_seconds "$tmp/wav/$id.wav")" "$text" >>"$tmp/manifest.tsv"
  done <"$voice/etc/txt.done.data"
  rm -rf "$out"; mv "$tmp" "$out"
  echo "$out: $(($(wc -l <"$out/manifest.tsv") - 1)) utterances"
}

fetch_pocketsphinx() {
  local out="$root/data/audio/pocketsphinx" data tmp set id text speaker
  if [ -f "$out/manifest.tsv" ]; then echo "$out: present"; return 0; fi
  debian_extract pocketsphinx-testdata
  data="$scratch/pocketsphinx-testdata/usr/share/pocketsphinx/test/data"
  tmp="$out.partial"; rm -rf "$tmp"; mkdir -p "$tmp"
  cp "$scratch/pocketsphinx-testdata/usr/share/doc/pocketsphinx-testdata/copyright" "$tmp/NOTICE"
  printf 'file\tseconds\tspeaker\ttranscript\n' >"$tmp/manifest.tsv"
  # transcripts: "<s> words </s> (id)"; one reader per folder (a LibriVox reader; the cards speaker)
  for set in librivox cards; do
    mkdir -p "$tmp/$set"; cp "$data/$set"/*.wav "$tmp/$set/"
    speaker=$([ "$set" = librivox ] && echo librivox-austen || echo cards)
    cat "$data/$set"/*transcription | while IFS= read -r line; do
      id=$(sed -E 's/.*\(([^)]*)\) *$/\1/' <<<"$line")
      text=$(sed -E 's/^<s> *//; s/ *<\/s>.*$//; s/  +/ /g' <<<"$line")
      [ -f "$tmp/$set/$id.wav" ] || continue
      printf '%s/%s.wav\t%s\t%s\t%s\n' "$set" "$id" "$(wav_seconds "$tmp/$set/$id.wav")" "$speaker" "$text" \
        >>"$tmp/manifest.tsv"
    done
  done
  rm -rf "$out"; mv "$tmp" "$out"
  echo "$out: $(($(wc -l <"$out/manifest.tsv") - 1)) utterances"
}

fetch_audio() {
  scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
  fetch_festvox_ru
  fetch_pocketsphinx
}

# ---------------------------------------------------------------------------------------------------- image
# Fashion-MNIST (Debian dataset-fashion-mnist): copied from a system install, else apt-get download + dpkg -x.
fetch_image() {
  dest="${1:-$root/data/fashion-mnist}"
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
}

# ------------------------------------------------------------------------------------------------- dispatch
case "${1:-}" in
  image) shift; fetch_image "$@" ;;
  audio) fetch_audio ;;
  -h|--help) usage ;;
  *) usage >&2; echo "fetch-data.sh: expected a set name (image or audio), got '${1:-}'" >&2; exit 2 ;;
esac
