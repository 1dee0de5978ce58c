#!/usr/bin/env bash
# The PPO step on a GPU (issue 19): installs what it can of TensorFlow.js's GPU backends beside the
# workspace's @tensorflow/tfjs (@tensorflow/tfjs-node-gpu: CUDA, its install downloads
# libtensorflow; @tensorflow/tfjs-backend-webgpu on the `webgpu` package: Dawn in Node), then trains
# the default model and GPT-2-small's shape for a few PPO steps on each backend that starts and
# prints the seconds per step beside the CPU's (wasm) from the same run (bench/gpu-step.ts). Exits 2
# when no GPU backend started, saying why. The manifests it changes are restored when it ends.
#
#   packages/ppo/scripts/gpu-bench.sh [--steps N]
set -uo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
pnpm="npx --yes pnpm@12.21.0"
backup=$(mktemp -d)
cp package.json pnpm-lock.yaml "$backup/"
trap 'cp "$backup/package.json" "$backup/pnpm-lock.yaml" "$root/"; rm -rf "$backup"' EXIT

if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L; then
  echo "CUDA: $(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1) driver"
else
  echo "no NVIDIA GPU found (nvidia-smi): tfjs-node-gpu will not start; WebGPU may still find an adapter"
fi
$pnpm add -w @tensorflow/tfjs-node-gpu@4.22.0 ||
  echo "@tensorflow/tfjs-node-gpu did not install (its install step downloads libtensorflow with CUDA)"
$pnpm add -w @tensorflow/tfjs-backend-webgpu@4.22.0 webgpu@0.6.2 ||
  echo "@tensorflow/tfjs-backend-webgpu / webgpu did not install"
$pnpm --filter @va/lm --filter @va/ppo... build >/dev/null
cd packages/ppo && node --import tsx bench/gpu-step.ts "$@"
