#!/usr/bin/env bash
# Builds @va/lm's WebAssembly SIMD kernels (csrc/*.c) with clang and lld 14 (Debian's clang, lld,
# wabt) into assets/wasm/: va-kernels.wasm for tfjs-backend-wasm's single-threaded build (its plain
# memory imported) and va-kernels-threads.wasm for the threaded build (its shared memory, atomics).
# Both run on tfjs's own heap, so the script refuses a binary that has data segments, imports more
# than that memory or touches the stack pointer (the stack would lie inside tfjs's heap).
#
#   scripts/build-wasm.sh           # rebuild; CI then checks that git sees no change
set -euo pipefail
cd "$(dirname "$0")/.."
clang=${CLANG:-clang}
out=assets/wasm
mkdir -p "$out"
flags=(--target=wasm32 -msimd128 -O3 -nostdlib -ffreestanding -fno-builtin -fvisibility=hidden
  -Wall -Wextra -Werror -Wno-unused-parameter -ffile-prefix-map="$PWD"=.
  -Wl,--no-entry -Wl,--import-memory -Wl,--strip-all -Wl,--no-export-dynamic -Wl,-z,stack-size=0)
sources=(csrc/job.c csrc/gemm.c csrc/attention.c csrc/norm.c csrc/pointwise.c csrc/loss.c csrc/adamw.c)

"$clang" "${flags[@]}" -o "$out/va-kernels.wasm" "${sources[@]}"
"$clang" "${flags[@]}" -matomics -mbulk-memory -Wl,--shared-memory -Wl,--max-memory=4294967296 \
  -o "$out/va-kernels-threads.wasm" "${sources[@]}"

for wasm in "$out/va-kernels.wasm" "$out/va-kernels-threads.wasm"; do
  info=$(wasm-objdump -x "$wasm")
  if grep -q '^Data\[' <<<"$info"; then
    echo "$wasm: has data segments (they would be written into tfjs's heap)" >&2
    exit 1
  fi
  imports=$(sed -n '/^Import\[/,/^[A-Z]/p' <<<"$info" | grep -c ' <- ' || true)
  if [ "$imports" != 1 ] || ! grep -q 'memory\[0\].*<- env.memory' <<<"$info"; then
    echo "$wasm: must import env.memory and nothing else:" >&2
    sed -n '/^Import\[/,/^[A-Z]/p' <<<"$info" >&2
    exit 1
  fi
  # (Captured first: grep -q in a pipeline under pipefail would fail on wasm-objdump's SIGPIPE.)
  code=$(wasm-objdump -d "$wasm")
  if grep -Eq 'global\.(get|set) ' <<<"$code"; then
    echo "$wasm: a kernel uses a global (the stack pointer), so it spills to the stack, which" >&2
    echo "would be tfjs's memory: index local arrays only by constants" >&2
    awk '/^[0-9a-f]+ func\[/{f=$0} /global\.(get|set) /{print f}' <<<"$code" | sort -u >&2
    exit 1
  fi
  echo "$wasm: $(wc -c <"$wasm") bytes, no data, no stack, imports env.memory only"
done
