// The limit: the fastest wasm SIMD matrix product on this machine, on the threads this process
// starts wasm with, by both implementations in it: XNNPACK's (tfjs-backend-wasm's matMul) and
// @va/lm's kernels' (csrc/gemm.c). Square products of 512 and 1024, best of several runs, in
// GFLOP/s. The benches run it once per thread count (wasm's threads are fixed per process).
//
//   node --import tsx bench/matmul-peak.ts [--threads N]     # prints one JSON line

import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend.js';
import { fusedMatMul } from '../src/kernels/index.js';

/** GFLOP/s of each implementation and size, and the best of all. */
export interface MatMulPeak {
  threads: number;
  gflops: Record<string, { xnnpack: number; kernels: number }>;
  best: number;
}

/** Times both implementations (wasm must already run, on the threads to measure). */
export function measureMatMulPeak(threads: number, sizes = [512, 1024], rounds = 5): MatMulPeak {
  const gflops: MatMulPeak['gflops'] = {};
  let best = 0;
  for (const n of sizes) {
    const a = tf.randomNormal([n, n], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([n, n], 0, 1, 'float32', 2) as tf.Tensor2D;
    const time = (f: () => tf.Tensor) => {
      f().dispose(); // warm-up (XNNPACK packs b once per tensor)
      let fastest = Infinity;
      for (let r = 0; r < rounds; r++) {
        const start = performance.now();
        f().dataSync();
        fastest = Math.min(fastest, performance.now() - start);
      }
      return (2 * n ** 3) / (fastest * 1e6);
    };
    // Interleaved, so that a load that comes and goes hits both.
    const x = time(() => tf.matMul(a, b));
    const k = time(() => fusedMatMul(a, b));
    gflops[n] = {
      xnnpack: Math.max(
        x,
        time(() => tf.matMul(a, b)),
      ),
      kernels: Math.max(
        k,
        time(() => fusedMatMul(a, b)),
      ),
    };
    best = Math.max(best, gflops[n]!.xnnpack, gflops[n]!.kernels);
    tf.dispose([a, b]);
  }
  return { threads, gflops, best };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { threads: { type: 'string' } } });
  const threads = values.threads ? Number(values.threads) : availableParallelism();
  const choice = await selectBackend({ backend: 'wasm', threads });
  process.stdout.write(`${JSON.stringify(measureMatMulPeak(choice.threads ?? 1))}\n`);
  process.exit(0);
}
