// Benchmark of one PPO step (generate, score, forward passes, update) with @va/ppo against the same
// algorithm in PyTorch (bench/torch_ppo.py, torch 1.13 on CPU), in one run: the default model's
// shape and a GPT-2-small shape (124M parameters). Prints seconds per step by phase, the ratio, and
// the peak memory (resident set) of each side.
//
//   pnpm bench      # or: node --import tsx bench/ppo.bench.ts [--quick]; TORCH_THREADS=2 for both cores

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import type { RewardModel } from '@va/core';
import {
  createCausalLM,
  DEFAULT_MODEL_DIR,
  PAPER_GENERATION,
  parseModelConfig,
  selectBackend,
} from '@va/lm';
import { PPOTrainer } from '../src/trainer.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = values.quick;

interface Case {
  name: string;
  config: Record<string, unknown>;
  batch: number;
  miniBatch: number;
  epochs: number;
  prompt: number;
  new: number;
  steps: number;
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
const cases: Case[] = [
  {
    name: 'default (1.1M)',
    config: tiny,
    batch: 16,
    miniBatch: 8,
    epochs: 4,
    prompt: 8,
    new: 16,
    steps: quick ? 1 : 3,
  },
  {
    name: 'gpt2-small (124M)',
    config: gpt2Small,
    batch: 4,
    miniBatch: 2,
    epochs: 2,
    prompt: 8,
    new: 16,
    steps: 1,
  },
];
const TARGET = 5; // the reward counts this token id in the response
const reward: RewardModel = {
  name: `count(token ${TARGET})`,
  async score(queries) {
    return queries.map((q) => {
      const n = q.response.split(' ').filter((t) => t === String(TARGET)).length;
      return { mean: n, variance: 0.5, sample: n };
    });
  },
};

let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

async function tfjsStep(c: Case) {
  const model = createCausalLM(
    { ...c.config, eos_token_id: null, pad_token_id: null },
    { seed: 0 },
  );
  const trainer = await PPOTrainer.create({
    policy: model,
    reward,
    config: {
      method: 'variance-aware',
      batchSize: c.batch,
      miniBatchSize: c.miniBatch,
      ppoEpochs: c.epochs,
      learningRate: 1e-5,
      adaptiveKl: false,
      generation: {
        ...PAPER_GENERATION,
        temperature: 1,
        minNewTokens: c.new,
        maxNewTokens: c.new,
        eosTokenId: [],
      },
    },
  });
  const vocab = model.config.vocabSize;
  const prompts = (s: number) =>
    Array.from({ length: c.batch }, (_, i) =>
      Array.from({ length: c.prompt }, (_, j) => (s * 7919 + i * 104729 + j * 31337) % vocab),
    );
  const timer = setInterval(sampleRss, 50);
  await trainer.step(prompts(0)); // warm-up
  const rows: Record<string, number>[] = [];
  const memory: number[] = [];
  for (let s = 1; s <= c.steps; s++) {
    const st = await trainer.step(prompts(s));
    sampleRss();
    memory.push(process.memoryUsage().rss);
    rows.push({
      generate: st['time/ppo/generate']!,
      forward: st['time/ppo/forward_pass']! + st['time/ppo/score']!,
      // PyTorch's "advantages" phase holds the per-token rewards, GAE and the whitening.
      advantages: st['time/ppo/compute_rewards']! + st['time/ppo/compute_advantages']!,
      optimize: st['time/ppo/optimize_step']!,
      total: st['time/ppo/total']!,
    });
  }
  clearInterval(timer);
  const tensors = tf.memory().numTensors;
  trainer.dispose();
  model.dispose();
  const mean = Object.fromEntries(
    Object.keys(rows[0]!).map((k) => [k, rows.reduce((a, r) => a + r[k]!, 0) / rows.length]),
  );
  return { seconds: mean, peakRssBytes: peakRss, rssPerStep: memory, tensors };
}

const backend = await selectBackend({ backend: 'wasm' });
const threads = process.env.TORCH_THREADS ?? '1';
console.log(
  `tfjs ${tf.version.tfjs}, backend ${backend.backend}; PyTorch CPU with ${threads} thread(s)`,
);
const ours: Awaited<ReturnType<typeof tfjsStep>>[] = [];
for (const c of cases) {
  peakRss = 0;
  const r = await tfjsStep(c);
  ours.push(r);
  const mb = (x: number) => `${(x / 2 ** 20).toFixed(0)} MB`;
  console.log(
    `tfjs  ${c.name.padEnd(18)} ${r.seconds.total!.toFixed(2)} s/step; rss per step ${r.rssPerStep.map(mb).join(', ')}; ${r.tensors} live tensors`,
  );
}
const python = process.env.VA_TORCH_PYTHON ?? '/usr/bin/python3';
const torchCases = cases.map((c) => ({
  ...c,
  config: { ...parseModelConfig(c.config).hf, model_type: 'gpt2' },
  lr: 1e-5,
  beta: 0.2,
  variance: 0.5,
}));
let out: string;
try {
  out = execFileSync(python, [join(pkg, 'bench', 'torch_ppo.py'), JSON.stringify(torchCases)], {
    encoding: 'utf8',
    env: { ...process.env, TORCH_THREADS: threads },
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
  .map((l) => JSON.parse(l) as { seconds: Record<string, number>; peakRssBytes: number });

const phases = ['generate', 'forward', 'advantages', 'optimize'] as const;
console.log(
  '\n| model | shape | tfjs s/step | PyTorch s/step | speed (PyTorch time / tfjs time) | tfjs peak RSS | PyTorch peak RSS |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
cases.forEach((c, i) => {
  const a = ours[i]!.seconds.total!;
  const b = theirs[i]!.seconds.total!;
  const shape = `${c.batch} prompts x (${c.prompt} + ${c.new}) tokens, minibatch ${c.miniBatch}, ${c.epochs} epochs`;
  console.log(
    `| ${c.name} | ${shape} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(b / a).toFixed(2)}x | ${(ours[i]!.peakRssBytes / 2 ** 20).toFixed(0)} MB | ${(theirs[i]!.peakRssBytes / 2 ** 20).toFixed(0)} MB |`,
  );
});
console.log('\nWhere the time goes (share of the step):\n');
console.log(`| model | side | ${phases.join(' | ')} |`);
console.log(`| --- | --- | ${phases.map(() => '---').join(' | ')} |`);
cases.forEach((c, i) => {
  for (const [side, s] of [
    ['tfjs', ours[i]!.seconds],
    ['PyTorch', theirs[i]!.seconds],
  ] as const) {
    console.log(
      `| ${c.name} | ${side} | ${phases.map((p) => `${((100 * s[p]!) / s.total!).toFixed(0)}% (${s[p]!.toFixed(2)} s)`).join(' | ')} |`,
    );
  }
});
