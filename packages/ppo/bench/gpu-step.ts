// The PPO step on a GPU, run by scripts/gpu-bench.sh: a few steps of the default model and of
// GPT-2-small's shape on each backend that starts here (tfjs-node-gpu's CUDA `tensorflow`, WebGPU
// through the `webgpu` package's Dawn) and on the CPU (wasm, one thread) in the same run, seconds per
// step side by side. A backend that does not start is reported with the reason and skipped.
//
//   node --import tsx bench/gpu-step.ts [--steps N] [--backends wasm,tensorflow-gpu,webgpu]

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MODEL_DIR, selectBackend } from '@va/lm';
import { buildTrainer, type StepShape } from './ppo-side.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '3' },
    backends: { type: 'string', default: 'wasm,tensorflow-gpu,webgpu' },
  },
});
const steps = Number(values.steps);
const print = (line = '') => process.stdout.write(`${line}\n`);

const cases: (StepShape & { name: string })[] = [
  {
    name: 'default (1.1M)',
    config: JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'config.json'), 'utf8')),
    batch: 16,
    miniBatch: 8,
    epochs: 4,
    prompt: 8,
    new: 16,
  },
  {
    name: 'gpt2-small (124M)',
    config: {
      model_type: 'gpt2',
      vocab_size: 50257,
      n_positions: 1024,
      n_embd: 768,
      n_layer: 12,
      n_head: 12,
    },
    batch: 4,
    miniBatch: 2,
    epochs: 2,
    prompt: 8,
    new: 16,
  },
];

/** Makes a backend current; the reason it could not, else undefined. */
async function start(name: string): Promise<string | undefined> {
  try {
    if (name === 'webgpu') {
      const pkg = 'webgpu';
      const webgpu = (await import(pkg)) as { create(flags: string[]): unknown; globals: object };
      Object.assign(globalThis, webgpu.globals);
      Object.assign(globalThis, { navigator: { gpu: webgpu.create([]) } });
      await import('@tensorflow/tfjs-backend-webgpu' as string);
      if (!(await tf.setBackend('webgpu'))) return 'tf.setBackend("webgpu") failed (no adapter?)';
      await tf.ready();
      return undefined;
    }
    await selectBackend({ backend: name as 'tensorflow-gpu' | 'wasm' });
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

const table: string[] = [];
for (const backend of values.backends!.split(',')) {
  const failed = await start(backend);
  if (failed) {
    print(`${backend}: not started: ${failed}`);
    continue;
  }
  print(`${backend}: running (${tf.getBackend()})`);
  for (const c of cases) {
    try {
      const t = await buildTrainer(c);
      await t.trainer.step(t.prompts(0)); // warm-up
      let total = 0;
      for (let s = 1; s <= steps; s++) {
        const st = await t.trainer.step(t.prompts(s));
        total += st['time/ppo/total']!;
      }
      t.dispose();
      const line = `| ${c.name} | ${backend} | ${(total / steps).toFixed(2)} |`;
      table.push(line);
      print(line);
    } catch (error) {
      print(`| ${c.name} | ${backend} | failed: ${(error as Error).message.split('\n')[0]} |`);
    }
  }
}
print(`\nPPO step, mean of ${steps} steps after a warm-up (seconds):\n`);
print('| model | backend | s/step |');
print('| --- | --- | --- |');
for (const line of table) print(line);
process.exit(table.some((l) => !l.includes('| wasm |')) ? 0 : 2);
