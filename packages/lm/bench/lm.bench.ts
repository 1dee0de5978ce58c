// Benchmark of @va/lm against PyTorch on this machine, in one run:
//  0. the limit: the fastest wasm SIMD matrix product here, on one thread and on every core
//     (bench/matmul-peak.ts: XNNPACK's and the kernels' own, 512^3 and 1024^3);
//  1. memory over consecutive training steps: tfjs's peak and kept bytes, the wasm heap, the RSS;
//  2. tokens per second of a training step (forward, backward, clipping, AdamW) and of KV-cached
//     sampling, for the default model's shape and GPT-2-small's: tfjs on one wasm thread (this
//     process) and on every core (a child process: wasm's threads are fixed per process) against
//     torch 1.13 on one thread and on every core (bench/torch_bench.py); each round runs each side
//     once in turn, so that a load that comes and goes hits all four, and the fastest round counts;
//     with each side's model GFLOP/s and, for tfjs, its share of the limit;
//  3. the kernels of one training step of the default model by time (tf.profile), before (the
//     composed tfjs ops, in a child process) and after (the wasm kernels), both on one thread.
//
//   pnpm bench          # or: node --import tsx bench/lm.bench.ts [--quick] [--backend cpu]

import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend.js';
import { createCausalLM } from '../src/causal-lm.js';
import { countParameters, parseModelConfig } from '../src/config.js';
import { useSimdKernels } from '../src/kernels/index.js';
import { forwardFlops, generateFlops } from './flops.js';
import {
  cases as allCases,
  type Case,
  type KernelRow,
  type Profile,
  profileStep,
  type Runner,
  runner,
  timeOnce,
  trainer,
} from './lm-cases.js';
import { LineServer, matmulPeak, serveLines } from './server.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'wasm' },
    // Internal: this process serves the cases on this many wasm threads.
    serve: { type: 'string' },
    // Internal: the "before" profile (composed ops), printed as JSON.
    'profile-before': { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const cases = allCases(quick);
const print = (line = '') => process.stdout.write(`${line}\n`);

if (values.serve) {
  await selectBackend({ backend: 'wasm', threads: Number(values.serve) });
  let current: Runner | undefined;
  await serveLines(async (req) => {
    if (req.op === 'setup') {
      current = runner(cases[req.index as number]!);
      await current.run(); // warm-up
      return {};
    }
    if (req.op === 'time') return { seconds: await timeOnce(current!) };
    current?.dispose();
    current = undefined;
    return {};
  });
  process.exit(0);
}
if (values['profile-before']) {
  await selectBackend({ backend: 'wasm', threads: 1 });
  useSimdKernels(false);
  print(JSON.stringify(await profileStep()));
  process.exit(0);
}

const python = process.env.VA_TORCH_PYTHON ?? '/usr/bin/python3';
try {
  execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
} catch (error) {
  console.error(
    `The PyTorch baseline cannot run with ${python} (${(error as Error).message.split('\n')[0]}). ` +
      'Install it (Debian: apt-get install python3-torch) or set VA_TORCH_PYTHON to a Python with torch.',
  );
  process.exit(1);
}

const choice = await selectBackend({ backend: values.backend as 'wasm' | 'cpu', threads: 1 });
const cores = availableParallelism();
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
print(`tfjs ${tf.version.tfjs}: ${choice.backend} (${choice.reason})`);
print(`machine: ${cores} cores; load average at start ${load()}`);

// ---------------------------------------------------------------------------------------------
// 0. The limit
// ---------------------------------------------------------------------------------------------

const peaks = { one: await matmulPeak(1), all: await matmulPeak(cores) };
print(
  `\nFastest wasm SIMD matrix product here (XNNPACK's or the kernels', 512^3 and 1024^3): ${peaks.one.toFixed(1)} GFLOP/s on 1 thread, ${peaks.all.toFixed(1)} GFLOP/s on ${cores}.`,
);

// ---------------------------------------------------------------------------------------------
// 1. Memory over consecutive steps (first: the wasm heap grows and never shrinks)
// ---------------------------------------------------------------------------------------------

/** The wasm heap's size (it grows, never shrinks), when wasm runs. */
function heapMiB(): number | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const b = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
  return b.wasm.HEAPU8.length / 2 ** 20;
}

print(
  '\nMemory per training step (tf.profile: peak and kept tensor bytes; the wasm heap; the RSS):',
);
print(
  '\n| model | step | peak tensors MiB | kept bytes | live tensors | wasm heap MiB | RSS MiB |',
);
print('| --- | --- | --- | --- | --- | --- | --- |');
for (const c of cases.filter((k) => k.kind === 'train')) {
  const model = createCausalLM(c.config, { seed: 0 });
  const t = trainer(model, c);
  const steps = quick ? 2 : 4;
  for (let s = 1; s <= steps; s++) {
    const info = await tf.profile(() => {
      t.step();
    });
    const heap = heapMiB();
    print(
      `| ${c.name} | ${s} | ${(info.peakBytes / 2 ** 20).toFixed(0)} | ${info.newBytes} | ${tf.memory().numTensors} | ${heap === undefined ? '-' : heap.toFixed(0)} | ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} |`,
    );
  }
  t.dispose();
  model.dispose();
}

// ---------------------------------------------------------------------------------------------
// 2. Speed, interleaved
// ---------------------------------------------------------------------------------------------

const torch = new LineServer(python, [join(pkg, 'bench', 'torch_bench.py')], pkg);
const rounds = quick ? 1 : 3;
/** Best seconds per side: tfjs 1 thread, tfjs on every core, torch 1 thread, torch every core. */
const results: { c: Case; tokens: number; best: number[] }[] = [];
let torchVersion = '';
for (const [index, c] of cases.entries()) {
  const mine = runner(c);
  await mine.run(); // warm-up
  const child = new LineServer(
    process.execPath,
    ['--import', 'tsx', self, '--serve', String(cores)],
    pkg,
  );
  await child.ask({ op: 'setup', index });
  const hf = { ...parseModelConfig(c.config).hf, model_type: 'gpt2' };
  torchVersion = String((await torch.ask({ op: 'setup', case: { ...c, config: hf } })).torch);
  const best = [Infinity, Infinity, Infinity, Infinity];
  for (let r = 0; r < rounds; r++) {
    const times = [
      await timeOnce(mine),
      (await child.ask({ op: 'time' })).seconds as number,
      (await torch.ask({ op: 'time', threads: 1 })).seconds as number,
      (await torch.ask({ op: 'time', threads: cores })).seconds as number,
    ];
    times.forEach((t, i) => {
      best[i] = Math.min(best[i]!, t);
    });
  }
  await torch.ask({ op: 'free' });
  child.close();
  mine.dispose();
  results.push({ c, tokens: mine.tokens, best });
  print(
    `${c.name.padEnd(18)} ${c.kind.padEnd(8)} tokens/s: tfjs 1 thread ${(mine.tokens / best[0]!).toFixed(1)}, tfjs ${cores} threads ${(mine.tokens / best[1]!).toFixed(1)}, torch 1 thread ${(mine.tokens / best[2]!).toFixed(1)}, torch ${cores} threads ${(mine.tokens / best[3]!).toFixed(1)}; load ${load()}`,
  );
}
torch.close();
print(`load average at the end ${load()}`);

/** Model FLOPs of one run of a case. */
function flopsOf(c: Case): number {
  const m = parseModelConfig(c.config);
  return c.kind === 'train'
    ? 3 * forwardFlops(m, c.batch, c.seq!, c.seq!, c.seq!)
    : generateFlops(m, c.batch, c.prompt!, c.new!);
}

const sides = [
  'tfjs, 1 thread',
  `tfjs, ${cores} threads`,
  `torch ${torchVersion}, 1 thread`,
  `torch, ${cores} threads`,
];
print(
  `\nTokens per second, best of ${rounds} interleaved round(s); ratio: this side / torch on 1 thread; GFLOP/s: model FLOPs per second, and (tfjs) the share of the fastest product on as many threads:`,
);
print(
  '\n| model | params | phase | shape | side | tokens/s | ratio to torch 1 thread | GFLOP/s | share of the limit |',
);
print('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const { c, tokens, best } of results) {
  const shape =
    c.kind === 'train'
      ? `batch ${c.batch} x ${c.seq}`
      : `batch ${c.batch}, ${c.prompt} + ${c.new} tokens`;
  const params = countParameters(parseModelConfig(c.config)).toLocaleString('en-US');
  best.forEach((seconds, i) => {
    const gf = flopsOf(c) / seconds / 1e9;
    const share = i === 0 ? gf / peaks.one : i === 1 ? gf / peaks.all : undefined;
    print(
      `| ${c.name} | ${params} | ${c.kind === 'train' ? 'train step' : 'generate'} | ${shape} | ${sides[i]} | ${(tokens / seconds).toFixed(1)} | ${(best[2]! / seconds).toFixed(2)} | ${gf.toFixed(1)} | ${share === undefined ? '-' : `${(100 * share).toFixed(0)}%`} |`,
    );
  });
}

// The aims this package set itself (the PPO step's targets are @va/ppo's bench).
print('\nAims (tfjs / torch on one thread, same run): training 1.0x, generation 1.5x:');
for (const { c, best } of results) {
  const aim = c.kind === 'train' ? 1 : 1.5;
  for (const i of [0, 1]) {
    const ratio = best[2]! / best[i]!;
    print(
      `- ${c.name} ${c.kind}, ${sides[i]}: ${ratio.toFixed(2)}x: ${ratio >= aim ? 'met' : `${((100 * (aim - ratio)) / aim).toFixed(0)}% short`}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Kernels of a training step, before and after
// ---------------------------------------------------------------------------------------------

if (choice.backend === 'wasm') {
  const child = execFileSync(process.execPath, ['--import', 'tsx', self, '--profile-before'], {
    encoding: 'utf8',
    cwd: pkg,
  });
  const before = JSON.parse(child.trim().split('\n').pop()!) as Profile;
  const after = await profileStep();
  const top = quick ? 8 : 14;
  print(
    '\nKernels of one training step of the default model (batch 16 x 128), by time (tf.profile), one thread each:' +
      '\nbefore: the composed tfjs ops; after: the wasm kernels.',
  );
  print('\n| before: kernel | calls | ms | after: kernel | calls | ms |');
  print('| --- | --- | --- | --- | --- | --- |');
  for (let i = 0; i < top; i++) {
    const cell = (r?: KernelRow) => (r ? `${r.name} | ${r.calls} | ${r.ms.toFixed(1)}` : ' | | ');
    print(`| ${cell(before.rows[i])} | ${cell(after.rows[i])} |`);
  }
  const sum = (p: Profile) =>
    `all ${p.kernels} kernels | | ${p.kernelMs.toFixed(0)} (step ${p.stepMs.toFixed(0)} ms, peak ${p.peakMiB.toFixed(0)} MiB)`;
  print(`| ${sum(before)} | ${sum(after)} |`);
}
process.exit(0);
