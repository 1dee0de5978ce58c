// Benchmark of @va/lm against PyTorch on this machine, in one run:
//  1. memory over consecutive training steps: tfjs's peak and kept bytes, the wasm heap, the RSS;
//  2. tokens per second of a training step (forward, backward, clipping, AdamW) and of KV-cached
//     sampling, for the default model's shape and GPT-2-small's, against torch 1.13 on one thread
//     and on every core (bench/torch_bench.py as a server: each round times tfjs, then torch on one
//     thread, then on all, so that a load that comes and goes hits all three; the best round counts);
//  3. the kernels of one training step of the default model by time (tf.profile), before (the
//     single-threaded wasm build and the composed ops, in a child process) and after.
//
//   pnpm bench          # or: node --import tsx bench/lm.bench.ts [--quick] [--backend cpu] [--threads N]

import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { AdamW } from '../src/adamw.js';
import { selectBackend } from '../src/backend.js';
import { type CausalLM, createCausalLM } from '../src/causal-lm.js';
import { countParameters, parseModelConfig } from '../src/config.js';
import { PAPER_GENERATION } from '../src/generate.js';
import { useSimdKernels } from '../src/kernels/index.js';
import { trainStep } from '../src/train.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string' },
    // Internal: the "before" profile, printed as JSON by a child process.
    'profile-before': { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const print = (line = '') => process.stdout.write(`${line}\n`);

const defaultConfigPath = join(pkg, 'assets', 'default', 'config.json');
const tinyConfig: Record<string, unknown> = existsSync(defaultConfigPath)
  ? JSON.parse(readFileSync(defaultConfigPath, 'utf8'))
  : { model_type: 'gpt2', vocab_size: 2048, n_positions: 128, n_embd: 128, n_layer: 4, n_head: 4 };
const gpt2Small = {
  model_type: 'gpt2',
  vocab_size: 50257,
  n_positions: 1024,
  n_embd: 768,
  n_layer: 12,
  n_head: 12,
};

interface Case {
  name: string;
  kind: 'train' | 'generate';
  config: Record<string, unknown>;
  batch: number;
  seq?: number;
  prompt?: number;
  new?: number;
}

const cases: Case[] = [
  { name: 'default (1.1M)', kind: 'train', config: tinyConfig, batch: 16, seq: 128 },
  { name: 'default (1.1M)', kind: 'generate', config: tinyConfig, batch: 8, prompt: 8, new: 32 },
  { name: 'gpt2-small (124M)', kind: 'train', config: gpt2Small, batch: 2, seq: 64 },
  {
    name: 'gpt2-small (124M)',
    kind: 'generate',
    config: gpt2Small,
    batch: 2,
    prompt: 8,
    new: quick ? 8 : 16,
  },
];
const rounds = quick ? 1 : 3;

function rows(batch: number, len: number, vocab: number, seed: number): number[][] {
  return Array.from({ length: batch }, (_, i) =>
    Array.from({ length: len }, (_, j) => (seed * 7919 + i * 104729 + j * 31337) % vocab),
  );
}

/** A training step of `model` on fixed windows of the case's shape. */
function trainer(model: CausalLM, c: Case): { step: () => void; dispose: () => void } {
  const opt = new AdamW(model.trainableVariables(), {
    learningRate: 1e-4,
    beta2: 0.95,
    weightDecay: 0.1,
  });
  const ids = rows(c.batch, c.seq! + 1, model.config.vocabSize, 1);
  return {
    step: () => trainStep(model, opt, { inputIds: ids }, { maxGradNorm: 1 }),
    dispose: () => opt.dispose(),
  };
}

// ---------------------------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------------------------

interface KernelRow {
  name: string;
  calls: number;
  ms: number;
}
interface Profile {
  stepMs: number;
  kernelMs: number;
  kernels: number;
  peakMiB: number;
  rows: KernelRow[];
}

/** One profiled training step of the default model: kernels by total time. */
async function profileStep(): Promise<Profile> {
  const model = createCausalLM(tinyConfig, { seed: 0 });
  const t = trainer(model, cases[0]!);
  t.step(); // warm-up (optimizer state, XNNPACK operators)
  const start = performance.now();
  const info = await tf.profile(() => {
    t.step();
  });
  const stepMs = performance.now() - start;
  t.dispose();
  model.dispose();
  const by = new Map<string, KernelRow>();
  for (const k of info.kernels) {
    // Custom gradients appear as scopes around the kernels they run: count the kernels only.
    if (k.name === 'unnamed scope' || k.name === 'forward') continue;
    const row = by.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
    row.calls++;
    row.ms += k.kernelTimeMs as number;
    by.set(k.name, row);
  }
  const all = [...by.values()].sort((a, b) => b.ms - a.ms);
  return {
    stepMs,
    kernelMs: all.reduce((s, r) => s + r.ms, 0),
    kernels: all.reduce((s, r) => s + r.calls, 0),
    peakMiB: info.peakBytes / 2 ** 20,
    rows: all,
  };
}

if (values['profile-before']) {
  await selectBackend({ backend: 'wasm', threads: 1 });
  useSimdKernels(false);
  print(JSON.stringify(await profileStep()));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The PyTorch server
// ---------------------------------------------------------------------------------------------

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
const server: ChildProcessWithoutNullStreams = spawn(python, [
  join(pkg, 'bench', 'torch_bench.py'),
]);
server.stderr.pipe(process.stderr);
const answers = createInterface({ input: server.stdout })[Symbol.asyncIterator]();
async function ask(request: object): Promise<Record<string, unknown>> {
  server.stdin.write(`${JSON.stringify(request)}\n`);
  const next = await answers.next();
  if (next.done) throw new Error('bench/torch_bench.py ended early (see its error above)');
  return JSON.parse(next.value);
}

// Threads are opt-in in @va/lm (see defaultWasmThreads); the bench asks for one per core.
const choice = await selectBackend({
  backend: values.backend as 'wasm' | 'cpu',
  threads: values.threads ? Number(values.threads) : Math.min(availableParallelism(), 8),
});
const cores = availableParallelism();
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
print(`tfjs ${tf.version.tfjs}: ${choice.backend} (${choice.reason})`);
print(`machine: ${cores} cores; load average at start ${load()}`);

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
// 2. Speed
// ---------------------------------------------------------------------------------------------

interface Timing {
  tfjs: number;
  torch1: number;
  torchAll: number;
}
const results: Timing[] = [];
let torchVersion = '';
for (const c of cases) {
  const model = createCausalLM(c.config, { seed: 0 });
  const vocab = model.config.vocabSize;
  let tokens: number;
  let runOnce: () => Promise<void>;
  let cleanup = () => {};
  if (c.kind === 'train') {
    const t = trainer(model, c);
    tokens = c.batch * c.seq!;
    runOnce = async () => t.step();
    cleanup = t.dispose;
  } else {
    const prompts = rows(c.batch, c.prompt!, vocab, 2);
    const settings = { ...PAPER_GENERATION, minNewTokens: 0, maxNewTokens: c.new!, eosTokenId: [] };
    tokens = c.batch * c.new!;
    runOnce = async () => {
      await model.generate(prompts, { ...settings, seed: 1 });
    };
  }
  const hf = { ...parseModelConfig(c.config).hf, model_type: 'gpt2' };
  const setup = await ask({ op: 'setup', case: { ...c, config: hf } });
  torchVersion = String(setup.torch);
  await runOnce(); // warm-up
  const best: Timing = { tfjs: Infinity, torch1: Infinity, torchAll: Infinity };
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    await runOnce();
    best.tfjs = Math.min(best.tfjs, (performance.now() - start) / 1000);
    best.torch1 = Math.min(best.torch1, (await ask({ op: 'time', threads: 1 })).seconds as number);
    best.torchAll = Math.min(
      best.torchAll,
      (await ask({ op: 'time', threads: cores })).seconds as number,
    );
  }
  await ask({ op: 'free' });
  cleanup();
  model.dispose();
  const rate = {
    tfjs: tokens / best.tfjs,
    torch1: tokens / best.torch1,
    torchAll: tokens / best.torchAll,
  };
  results.push(rate);
  print(
    `${c.name.padEnd(18)} ${c.kind.padEnd(8)} tfjs ${rate.tfjs.toFixed(1)}, torch 1 thread ${rate.torch1.toFixed(1)}, torch ${cores} threads ${rate.torchAll.toFixed(1)} tokens/s`,
  );
}
server.stdin.end();
print(`load average at the end ${load()}`);

print(
  `\n| model | params | phase | shape | tfjs tokens/s | torch ${torchVersion}, 1 thread | tfjs / torch | torch, ${cores} threads | tfjs / torch ${cores} threads |`,
);
print('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
cases.forEach((c, i) => {
  const r = results[i]!;
  const shape =
    c.kind === 'train'
      ? `batch ${c.batch} x ${c.seq}`
      : `batch ${c.batch}, ${c.prompt} + ${c.new} tokens`;
  const params = countParameters(parseModelConfig(c.config)).toLocaleString('en-US');
  print(
    `| ${c.name} | ${params} | ${c.kind === 'train' ? 'train step' : 'generate'} | ${shape} | ${r.tfjs.toFixed(1)} | ${r.torch1.toFixed(1)} | ${(r.tfjs / r.torch1).toFixed(2)} | ${r.torchAll.toFixed(1)} | ${(r.tfjs / r.torchAll).toFixed(2)} |`,
  );
});

// ---------------------------------------------------------------------------------------------
// 3. Kernels of a training step, before and after
// ---------------------------------------------------------------------------------------------

if (choice.backend === 'wasm') {
  const child = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--profile-before'],
    { encoding: 'utf8', cwd: pkg },
  );
  const before = JSON.parse(child.trim().split('\n').pop()!) as Profile;
  const after = await profileStep();
  const top = quick ? 8 : 14;
  print(
    `\nKernels of one training step of the default model (batch 16 x 128), by time (tf.profile):` +
      `\nbefore: 1 thread, composed ops; after: ${choice.threads ?? 1} thread(s), fused kernels.`,
  );
  print('\n| before: kernel | calls | ms | after: kernel | calls | ms |');
  print('| --- | --- | --- | --- | --- | --- |');
  for (let i = 0; i < top; i++) {
    const b = before.rows[i];
    const a = after.rows[i];
    const cell = (r?: KernelRow) => (r ? `${r.name} | ${r.calls} | ${r.ms.toFixed(1)}` : ' | | ');
    print(`| ${cell(b)} | ${cell(a)} |`);
  }
  const sum = (p: Profile) =>
    `all ${p.kernels} kernels | | ${p.kernelMs.toFixed(0)} (step ${p.stepMs.toFixed(0)} ms, peak ${p.peakMiB.toFixed(0)} MiB)`;
  print(`| ${sum(before)} | ${sum(after)} |`);
}
