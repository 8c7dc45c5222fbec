#!/usr/bin/env bash
# Runs the bench's gpu section (tfjs-backend-webgpu in Node through Dawn) on a GPU machine that
# has Python but no Node, from the repository root, with .device (scripts/device/pack.sh), .gl
# (the Vulkan loader .debs, see scripts/device/README.md) and public/data copied beside it:
#   bash scripts/device/gpu-bench.sh [more bench flags, e.g. --quick]
# Writes BENCH-gpu.md, bench-gpu.jsonl and bench-gpu.log to $OUT (or tmp/device-out).
set -euo pipefail
out=${OUT:-tmp/device-out}
mkdir -p "$out"

unxz_to() {
  python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
}

# The Vulkan loader, if the machine has none (unpacked into /: these are its own libraries).
if ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
# The driver's manifest, where containers put NVIDIA's.
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] &&
  ! ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json >/dev/null 2>&1; then
  for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$f" ]; then export VK_DRIVER_FILES=$f; break; fi
  done
fi

bin=/tmp/phase-explorer-node
mkdir -p "$bin"
[ -x "$bin/node" ] || { unxz_to .device/node.xz "$bin/node" && chmod +x "$bin/node"; }
dawn=.device/node_modules/webgpu/dist/linux-x64/dawn.node
[ -s "$dawn" ] || unxz_to "$dawn.xz" "$dawn"
[ -s .device/bench.mjs ] || unxz_to .device/bench.mjs.xz .device/bench.mjs

(nvidia-smi -L || true) | tee "$out/bench-gpu.log"
"$bin/node" --version | tee -a "$out/bench-gpu.log"
set -o pipefail
"$bin/node" .device/bench.mjs --only gpu --out "$out/BENCH-gpu.md" "$@" \
  >"$out/bench-gpu.jsonl" 2> >(tee -a "$out/bench-gpu.log" >&2)
