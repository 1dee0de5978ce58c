// Benchmark of @va/lm against PyTorch on this machine, in one run: tokens per second of a training
// step (forward, backward, AdamW) and of KV-cached sampling, for the tiny default model's shape and
// a GPT-2-small shape (124M parameters). tfjs runs first (wasm backend, single-threaded), then
// bench/torch_bench.py (torch 1.13, CPU, TORCH_THREADS threads, default 1) on the same cases.
//
//   pnpm bench                     # or: node --import tsx bench/lm.bench.ts [--quick] [--backend cpu]

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { AdamW } from '../src/adamw.js';
import { selectBackend } from '../src/backend.js';
import { createCausalLM } from '../src/causal-lm.js';
import { countParameters, parseModelConfig } from '../src/config.js';
import { PAPER_GENERATION } from '../src/generate.js';
import { trainStep } from '../src/train.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'wasm' },
  },
});

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
  steps?: number;
  prompt?: number;
  new?: number;
}

const quick = values.quick;
const cases: Case[] = [
  {
    name: 'default (1.1M)',
    kind: 'train',
    config: tinyConfig,
    batch: 16,
    seq: 128,
    steps: quick ? 2 : 5,
  },
  { name: 'default (1.1M)', kind: 'generate', config: tinyConfig, batch: 8, prompt: 8, new: 32 },
  {
    name: 'gpt2-small (124M)',
    kind: 'train',
    config: gpt2Small,
    batch: 2,
    seq: 64,
    steps: quick ? 1 : 2,
  },
  {
    name: 'gpt2-small (124M)',
    kind: 'generate',
    config: gpt2Small,
    batch: 2,
    prompt: 8,
    new: quick ? 8 : 16,
  },
];

function rows(batch: number, len: number, vocab: number, seed: number): number[][] {
  return Array.from({ length: batch }, (_, i) =>
    Array.from({ length: len }, (_, j) => (seed * 7919 + i * 104729 + j * 31337) % vocab),
  );
}

async function tfjsRate(c: Case): Promise<number> {
  const model = createCausalLM(c.config, { seed: 0 });
  const vocab = model.config.vocabSize;
  try {
    if (c.kind === 'train') {
      const opt = new AdamW(model.trainableVariables(), {
        learningRate: 1e-4,
        beta2: 0.95,
        weightDecay: 0.1,
      });
      const ids = rows(c.batch, c.seq! + 1, vocab, 1);
      trainStep(model, opt, { inputIds: ids }, { maxGradNorm: 1 }); // warm-up (and optimizer state)
      const t = performance.now();
      for (let s = 0; s < c.steps!; s++)
        trainStep(model, opt, { inputIds: ids }, { maxGradNorm: 1 });
      const seconds = (performance.now() - t) / 1000;
      opt.dispose();
      return (c.batch * c.seq! * c.steps!) / seconds;
    }
    const prompts = rows(c.batch, c.prompt!, vocab, 2);
    const settings = { ...PAPER_GENERATION, minNewTokens: 0, maxNewTokens: c.new!, eosTokenId: [] };
    await model.generate(prompts, settings); // warm-up
    const t = performance.now();
    const res = await model.generate(prompts, { ...settings, seed: 1 });
    const seconds = (performance.now() - t) / 1000;
    return res.tokens.flat().length / seconds;
  } finally {
    model.dispose();
  }
}

const backend = await selectBackend({ backend: values.backend as 'wasm' | 'cpu' });
console.log(
  `tfjs ${tf.version.tfjs}, backend ${backend.backend}; PyTorch CPU with ${process.env.TORCH_THREADS ?? 1} thread(s)`,
);
const ours: number[] = [];
for (const c of cases) {
  const rate = await tfjsRate(c);
  ours.push(rate);
  console.log(`tfjs  ${c.name.padEnd(18)} ${c.kind.padEnd(8)} ${rate.toFixed(1)} tokens/s`);
}
const torchCases = cases.map((c) => ({
  ...c,
  config: { ...parseModelConfig(c.config).hf, model_type: 'gpt2' },
}));
// The baseline needs a Python with torch: Debian's python3-torch by default, or VA_TORCH_PYTHON.
const python = process.env.VA_TORCH_PYTHON ?? '/usr/bin/python3';
let out: string;
try {
  out = execFileSync(python, [join(pkg, 'bench', 'torch_bench.py'), JSON.stringify(torchCases)], {
    encoding: 'utf8',
    env: { ...process.env, TORCH_THREADS: process.env.TORCH_THREADS ?? '1' },
  });
} catch (error) {
  console.error(
    `The PyTorch baseline did not run with ${python} (${(error as Error).message.split('\n')[0]}). ` +
      'Install it (Debian: apt-get install python3-torch) or set VA_TORCH_PYTHON to a Python with torch.',
  );
  process.exit(1);
}
const theirs = out
  .trim()
  .split('\n')
  .map((line) => (JSON.parse(line) as { tokensPerSecond: number }).tokensPerSecond);

console.log(
  '\n| model | params | phase | shape | tfjs tokens/s | PyTorch tokens/s | tfjs / PyTorch |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
cases.forEach((c, i) => {
  const shape =
    c.kind === 'train'
      ? `batch ${c.batch} x ${c.seq}`
      : `batch ${c.batch}, ${c.prompt} + ${c.new} tokens`;
  const params = countParameters(parseModelConfig(c.config)).toLocaleString('en-US');
  console.log(
    `| ${c.name} | ${params} | ${c.kind === 'train' ? 'train step' : 'generate'} | ${shape} | ${ours[i]!.toFixed(1)} | ${theirs[i]!.toFixed(1)} | ${(ours[i]! / theirs[i]!).toFixed(2)} |`,
  );
});
