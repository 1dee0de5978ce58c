// Benchmark of one PPO step (generate, score, forward passes, update) with @va/ppo against the same
// algorithm in PyTorch (bench/torch_ppo.py, torch 1.13 on CPU): the default model's shape and a
// GPT-2-small shape (124M parameters). Each side runs in its own process as a server: tfjs on one
// wasm thread and on every core (threads are fixed per process), PyTorch on one thread (the issue's
// baseline; on a loaded machine its OpenMP threads spin, 30 s per step of the default model on two);
// each round runs one step of each in turn, so a load that comes and goes hits all of them, and the
// fastest round counts. Prints seconds per step by phase, the ratios against PyTorch on one
// thread with the issue's targets, the model FLOP/s of each step as a share of the fastest wasm
// matrix product here (packages/lm/bench/matmul-peak.ts), and the peak memory of each side.
//
//   pnpm bench      # or: node --import tsx bench/ppo.bench.ts [--quick] [--rounds N] [--only default]

import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_DIR, parseModelConfig } from '@va/lm';
import { LineServer, matmulPeak } from '../../lm/bench/server.js';
import { ppoStepFlops, serveTfjs } from './ppo-side.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    // Only the cases whose name contains this.
    only: { type: 'string' },
    // Internal: this process is the tfjs side, on this many wasm threads.
    serve: { type: 'string' },
  },
});
if (values.serve) {
  await serveTfjs(Number(values.serve));
  process.exit(0);
}
const quick = values.quick;
const print = (line = '') => process.stdout.write(`${line}\n`);

/** One benchmark shape. */
export interface Case {
  name: string;
  config: Record<string, unknown>;
  batch: number;
  miniBatch: number;
  epochs: number;
  prompt: number;
  new: number;
  rounds: number;
}

const tiny = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'config.json'), 'utf8'));
const gpt2Small = {
  model_type: 'gpt2',
  vocab_size: 50257,
  n_positions: 1024,
  n_embd: 768,
  n_layer: 12,
  n_head: 12,
};
const rounds = (fallback: number) => (values.rounds ? Number(values.rounds) : fallback);
const cases: Case[] = [
  {
    name: 'default (1.1M)',
    config: tiny,
    batch: 16,
    miniBatch: 8,
    epochs: 4,
    prompt: 8,
    new: 16,
    rounds: rounds(quick ? 2 : 5),
  },
  {
    name: 'gpt2-small (124M)',
    config: gpt2Small,
    batch: 4,
    miniBatch: 2,
    epochs: 2,
    prompt: 8,
    new: 16,
    rounds: rounds(quick ? 1 : 2),
  },
];

/** The issue's targets: PyTorch on one thread / tfjs, per case and tfjs thread count. */
const TARGETS: { case: string; threads: 'one' | 'all'; ratio: number }[] = [
  { case: 'default (1.1M)', threads: 'one', ratio: 0.6 },
  { case: 'default (1.1M)', threads: 'all', ratio: 1.0 },
  { case: 'gpt2-small (124M)', threads: 'all', ratio: 1.0 },
];

const python = process.env.VA_TORCH_PYTHON ?? '/usr/bin/python3';
const cores = availableParallelism();
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
print(`machine: ${cores} cores; load average at start ${load()}`);

type Phases = Record<string, number>;
interface Side {
  label: string;
  best: Phases;
  peakRssBytes: number;
}
const phases = ['generate', 'forward', 'advantages', 'optimize'] as const;
const better = (a: Phases | undefined, b: Phases) => (a && a.total! <= b.total! ? a : b);

const peaks = { one: await matmulPeak(1), all: await matmulPeak(cores) };
print(
  `fastest wasm matrix product (512^3 and 1024^3, XNNPACK or @va/lm's kernels): ${peaks.one.toFixed(1)} GFLOP/s on 1 thread, ${peaks.all.toFixed(1)} on ${cores}`,
);

const results: { c: Case; sides: Side[] }[] = [];
for (const c of cases.filter((k) => !values.only || k.name.includes(values.only))) {
  const self = fileURLToPath(import.meta.url);
  const tfjs = (threads: number) =>
    new LineServer(process.execPath, ['--import', 'tsx', self, '--serve', String(threads)], pkg);
  const torch = new LineServer(python, [join(pkg, 'bench', 'torch_ppo.py')], pkg);
  const sides = [
    { label: 'tfjs, 1 thread', server: tfjs(1), step: {} },
    { label: `tfjs, ${cores} threads`, server: tfjs(cores), step: {} },
    { label: 'PyTorch, 1 thread', server: torch, step: { threads: 1 } },
  ];
  const torchCase = {
    ...c,
    config: { ...parseModelConfig(c.config).hf, model_type: 'gpt2' },
    lr: 1e-5,
    beta: 0.2,
    variance: 0.5,
  };
  try {
    await sides[0]!.server.ask({ op: 'setup', case: c });
    await sides[1]!.server.ask({ op: 'setup', case: c });
    await torch.ask({ op: 'setup', case: torchCase });
  } catch (error) {
    console.error(
      `A side did not start (${(error as Error).message}). The PyTorch baseline needs ${python} with torch ` +
        '(Debian: apt-get install python3-torch, or set VA_TORCH_PYTHON).',
    );
    process.exit(1);
  }
  const best: (Phases | undefined)[] = sides.map(() => undefined);
  const rss = sides.map(() => 0);
  for (let r = 0; r < c.rounds; r++) {
    for (const [i, s] of sides.entries()) {
      const answer = await s.server.ask({ op: 'step', ...s.step });
      best[i] = better(best[i], answer.seconds as Phases);
      rss[i] = Math.max(rss[i]!, answer.peakRssBytes as number);
    }
    print(
      `${c.name} round ${r + 1}/${c.rounds} (best so far): ${sides.map((s, i) => `${s.label} ${best[i]!.total!.toFixed(2)} s`).join(', ')}; load ${load()}`,
    );
  }
  for (const s of sides) s.server.close();
  results.push({
    c,
    sides: sides.map((s, i) => ({ label: s.label, best: best[i]!, peakRssBytes: rss[i]! })),
  });
}
print(`load average at the end ${load()}`);

const flops = (c: Case) => ppoStepFlops(parseModelConfig(c.config), c);
print(
  '\nPPO step, best of the interleaved rounds (ratio: PyTorch 1 thread time / this side time):',
);
print(
  '\n| model | shape | side | s/step | ratio to PyTorch 1 thread | model GFLOP/s | share of the fastest product | peak RSS |',
);
print('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const { c, sides } of results) {
  const shape = `${c.batch} prompts x (${c.prompt} + ${c.new}) tokens, minibatch ${c.miniBatch}, ${c.epochs} epochs`;
  const torch1 = sides[2]!.best.total!;
  for (const [i, s] of sides.entries()) {
    const gf = flops(c) / s.best.total! / 1e9;
    const peak = i % 2 === 0 ? peaks.one : peaks.all;
    print(
      `| ${c.name} | ${shape} | ${s.label} | ${s.best.total!.toFixed(2)} | ${(torch1 / s.best.total!).toFixed(2)}x | ${gf.toFixed(1)} | ${i < 2 ? `${((100 * gf) / peak).toFixed(0)}%` : '-'} | ${(s.peakRssBytes / 2 ** 20).toFixed(0)} MB |`,
    );
  }
}

print('\nWhere the time goes (share of the step):\n');
print(`| model | side | ${phases.join(' | ')} |`);
print(`| --- | --- | ${phases.map(() => '---').join(' | ')} |`);
for (const { c, sides } of results) {
  for (const s of sides) {
    print(
      `| ${c.name} | ${s.label} | ${phases.map((p) => `${((100 * s.best[p]!) / s.best.total!).toFixed(0)}% (${s.best[p]!.toFixed(2)} s)`).join(' | ')} |`,
    );
  }
}

print('\nTargets (PyTorch on one thread / tfjs, same run):');
for (const t of TARGETS) {
  const r = results.find((x) => x.c.name === t.case);
  if (!r) continue;
  const tfjs = r.sides[t.threads === 'one' ? 0 : 1]!;
  const ratio = r.sides[2]!.best.total! / tfjs.best.total!;
  const slowest = [...phases].sort((a, b) => tfjs.best[b]! - tfjs.best[a]!)[0]!;
  const share = (100 * tfjs.best[slowest]!) / tfjs.best.total!;
  print(
    `- ${t.case}, ${tfjs.label}: ${ratio.toFixed(2)}x against >= ${t.ratio.toFixed(1)}x: ${ratio >= t.ratio ? 'met' : `not met, ${((100 * (t.ratio - ratio)) / t.ratio).toFixed(0)}% short; ${slowest} takes ${share.toFixed(0)}% of the step`}`,
  );
}
