// The cases of bench/lm.bench.ts and what runs them, in the bench's process (wasm on one thread) or
// in its child on every core (`--serve`): a training step (forward, backward, clipping, AdamW) or
// KV-cached sampling with PAPER_GENERATION, for the default model's shape and GPT-2-small's; and
// the kernels of one training step of the default model by time (tf.profile).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { AdamW } from '../src/adamw.js';
import { type CausalLM, createCausalLM } from '../src/causal-lm.js';
import { PAPER_GENERATION } from '../src/generate.js';
import { trainStep } from '../src/train.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const defaultConfigPath = join(pkg, 'assets', 'default', 'config.json');
export const tinyConfig: Record<string, unknown> = existsSync(defaultConfigPath)
  ? JSON.parse(readFileSync(defaultConfigPath, 'utf8'))
  : { model_type: 'gpt2', vocab_size: 2048, n_positions: 128, n_embd: 128, n_layer: 4, n_head: 4 };
export const gpt2Small = {
  model_type: 'gpt2',
  vocab_size: 50257,
  n_positions: 1024,
  n_embd: 768,
  n_layer: 12,
  n_head: 12,
};

export interface Case {
  name: string;
  kind: 'train' | 'generate';
  config: Record<string, unknown>;
  batch: number;
  seq?: number;
  prompt?: number;
  new?: number;
}

export function cases(quick: boolean): Case[] {
  return [
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
}

export function rows(batch: number, len: number, vocab: number, seed: number): number[][] {
  return Array.from({ length: batch }, (_, i) =>
    Array.from({ length: len }, (_, j) => (seed * 7919 + i * 104729 + j * 31337) % vocab),
  );
}

/** A training step of `model` on fixed windows of the case's shape. */
export function trainer(model: CausalLM, c: Case): { step: () => void; dispose: () => void } {
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

/** A built case: one timed run, its tokens, and its cleanup. */
export interface Runner {
  run: () => Promise<void>;
  tokens: number;
  dispose: () => void;
}

export function runner(c: Case): Runner {
  const model = createCausalLM(c.config, { seed: 0 });
  if (c.kind === 'train') {
    const t = trainer(model, c);
    return {
      run: async () => t.step(),
      tokens: c.batch * c.seq!,
      dispose: () => {
        t.dispose();
        model.dispose();
      },
    };
  }
  const prompts = rows(c.batch, c.prompt!, model.config.vocabSize, 2);
  const settings = { ...PAPER_GENERATION, minNewTokens: 0, maxNewTokens: c.new!, eosTokenId: [] };
  return {
    run: async () => {
      await model.generate(prompts, { ...settings, seed: 1 });
    },
    tokens: c.batch * c.new!,
    dispose: () => model.dispose(),
  };
}

/** Seconds of one run. */
export async function timeOnce(r: Runner): Promise<number> {
  const start = performance.now();
  await r.run();
  return (performance.now() - start) / 1000;
}

export interface KernelRow {
  name: string;
  calls: number;
  ms: number;
}
export interface Profile {
  stepMs: number;
  kernelMs: number;
  kernels: number;
  peakMiB: number;
  rows: KernelRow[];
}

/** One profiled training step of the default model (batch 16 x 128): kernels by total time. */
export async function profileStep(): Promise<Profile> {
  const model = createCausalLM(tinyConfig, { seed: 0 });
  const t = trainer(model, cases(false)[0]!);
  t.step(); // warm-up (optimizer state)
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
