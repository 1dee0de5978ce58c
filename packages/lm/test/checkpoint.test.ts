// Checkpoints in Hugging Face's layout: loading the reference fixtures through loadCausalLM, saving
// with HF names and layouts, bit-exact round trips, shards and bf16, refusing misfit checkpoints.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Logger } from '@va/core';
import { tempDir } from '@va/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from '../src/adamw.js';
import { createCausalLM } from '../src/causal-lm.js';
import { decodeBf16, encodeBf16 } from '../src/float16.js';
import { loadCausalLM } from '../src/load.js';
import { readSafetensorsFolder, writeSafetensorsFolder } from '../src/safetensors.js';
import { trainCausalLM, trainStep } from '../src/train.js';
import { parameterSpecs } from '../src/weights.js';
import {
  type Expected,
  FIXTURES,
  maxAbsDiff,
  REFERENCE_CHECKPOINTS,
  TINY_GPT2,
  TINY_QWEN2,
  useBackend,
} from './helpers.js';

const tmp = tempDir('va-lm-ckpt-');
beforeAll(async () => {
  await useBackend('wasm');
});

function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

describe.each(REFERENCE_CHECKPOINTS)('%s', (name) => {
  it('loads through loadCausalLM, warns about nothing, and matches the reference logits', async () => {
    const warnings: string[] = [];
    const logger: Logger = { info: () => {}, warn: (m) => warnings.push(m), metrics: () => {} };
    const model = await loadCausalLM(join(FIXTURES, name), { backend: 'current', logger });
    const expected = JSON.parse(
      await readFile(join(FIXTURES, name, 'expected.json'), 'utf8'),
    ) as Expected;
    const { logits, hiddenStates } = model.forward(expected.inputIds);
    expect(maxAbsDiff(logits.dataSync(), expected.logits)).toBeLessThan(1e-4);
    expect(warnings).toEqual([]);
    tf.dispose([logits, hiddenStates]);
    model.dispose();
  });

  it('saves exactly the tensors, names and layouts of the Hugging Face file', async () => {
    const model = await loadCausalLM(join(FIXTURES, name), { backend: 'current' });
    const out = join(tmp, `${name}-saved`);
    await model.save(out);
    model.dispose();
    const original = (await readSafetensorsFolder(join(FIXTURES, name))).tensors;
    const saved = (await readSafetensorsFolder(out)).tensors;
    const gpt2 = name.startsWith('gpt2');
    // GPT-2 is saved as GPT2LMHeadModel.save_pretrained names it (transformer.*), without buffers.
    const want = [...original.keys()]
      .filter((k) => !k.endsWith('.attn.bias'))
      .map((k) => (gpt2 ? `transformer.${k}` : k));
    expect([...saved.keys()].sort()).toEqual(want.sort());
    for (const [k, t] of original) {
      if (k.endsWith('.attn.bias')) continue;
      const s = saved.get(gpt2 ? `transformer.${k}` : k)!;
      expect(s.shape, k).toEqual(t.shape);
      expect(bitsEqual(s.data, t.data), k).toBe(true);
    }
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    const source = JSON.parse(await readFile(join(FIXTURES, name, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ ...source, torch_dtype: 'float32' });
  });
});

describe('round trips', () => {
  it.each([
    ['gpt2', TINY_GPT2],
    ['qwen2', TINY_QWEN2],
  ] as const)(
    '%s: a trained model saved and loaded is bit-exact, sharded too',
    async (family, config) => {
      const model = createCausalLM(config, { seed: 8 });
      const opt = new AdamW(model.trainableVariables(), { learningRate: 1e-2 });
      trainStep(model, opt, { inputIds: [[1, 2, 3, 4, 5]] });
      opt.dispose();
      const before = model.readParams();
      const single = join(tmp, `${family}-single`);
      const sharded = join(tmp, `${family}-sharded`);
      await model.save(single);
      await model.save(sharded, { maxShardBytes: 4000 });
      model.dispose();
      const index = JSON.parse(
        await readFile(join(sharded, 'model.safetensors.index.json'), 'utf8'),
      );
      expect(new Set(Object.values(index.weight_map)).size).toBeGreaterThan(2);
      for (const dir of [single, sharded]) {
        const back = await loadCausalLM(dir, { backend: 'current' });
        const after = back.readParams();
        expect([...after.keys()]).toEqual([...before.keys()]);
        for (const [k, p] of before) expect(bitsEqual(after.get(k)!.data, p.data), k).toBe(true);
        back.dispose();
      }
    },
  );

  it('bf16 saves load back as the bf16-rounded weights', async () => {
    const model = createCausalLM(TINY_QWEN2, { seed: 9 });
    const dir = join(tmp, 'bf16');
    await model.save(dir, { dtype: 'BF16' });
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(config.torch_dtype).toBe('bfloat16');
    const back = await loadCausalLM(dir, { backend: 'current' });
    const w = model.readParams().get('model.layers.0.mlp.up_proj.weight')!.data;
    const got = back.readParams().get('model.layers.0.mlp.up_proj.weight')!.data;
    expect(bitsEqual(got, decodeBf16(encodeBf16(w)))).toBe(true);
    expect(bitsEqual(got, w)).toBe(false);
    model.dispose();
    back.dispose();
  });
});

describe('misfit checkpoints are refused', () => {
  async function variant(
    name: string,
    edit: (t: Map<string, { shape: number[]; data: Float32Array }>) => void,
  ) {
    const dir = join(tmp, name);
    const { tensors } = await readSafetensorsFolder(join(FIXTURES, 'gpt2-tiny'));
    const plain = new Map([...tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data }]));
    edit(plain);
    await writeSafetensorsFolder(dir, plain);
    await writeFile(
      join(dir, 'config.json'),
      await readFile(join(FIXTURES, 'gpt2-tiny', 'config.json')),
    );
    return dir;
  }

  it('names the tensor, the expected and the actual shape (and frees what it had uploaded)', async () => {
    const dir = await variant('wrong-shape', (t) => {
      t.set('h.1.attn.c_attn.weight', { shape: [48, 16], data: new Float32Array(768) });
    });
    const before = tf.memory().numTensors;
    await expect(loadCausalLM(dir, { backend: 'current' })).rejects.toThrow(
      /loadCausalLM: tensor 'h.1.attn.c_attn.weight' has shape \[48, 16\], expected \[16, 48\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names missing tensors', async () => {
    const dir = await variant('missing', (t) => {
      t.delete('h.0.mlp.c_proj.bias');
      t.delete('ln_f.weight');
    });
    const before = tf.memory().numTensors;
    await expect(loadCausalLM(dir, { backend: 'current' })).rejects.toThrow(
      /missing 2 tensor\(s\).*h\.0\.mlp\.c_proj\.bias, ln_f\.weight/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads tensors in any file order into variables in spec order', async () => {
    const dir = await variant('reversed', (t) => {
      const entries = [...t].reverse();
      t.clear();
      for (const [k, v] of entries) t.set(k, v);
    });
    const model = await loadCausalLM(dir, { backend: 'current' });
    expect([...model.variables.keys()]).toEqual(parameterSpecs(model.config).map((s) => s.name));
    const expected = JSON.parse(
      await readFile(join(FIXTURES, 'gpt2-tiny', 'expected.json'), 'utf8'),
    ) as Expected;
    const { logits, hiddenStates } = model.forward(expected.inputIds);
    expect(maxAbsDiff(logits.dataSync(), expected.logits)).toBeLessThan(1e-4);
    tf.dispose([logits, hiddenStates]);
    model.dispose();
  });

  it('warns about tensors it does not use, and refuses unknown model types', async () => {
    const dir = await variant('extra', (t) => {
      t.set('score.weight', { shape: [2, 16], data: new Float32Array(32) });
    });
    const warnings: string[] = [];
    const model = await loadCausalLM(dir, {
      backend: 'current',
      logger: { info: () => {}, warn: (m) => warnings.push(m), metrics: () => {} },
    });
    expect(warnings[0]).toMatch(/1 checkpoint tensor\(s\) not used: score.weight/);
    model.dispose();
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, model_type: 'bert' }));
    await expect(loadCausalLM(dir, { backend: 'current' })).rejects.toThrow(
      /model_type: "bert" is not supported; supported model types: gpt2, llama, qwen2, mistral/,
    );
  });
});

describe('weights too large for the wasm heap', () => {
  // Gemma-2B's config.json alone: the check runs before any weight is read.
  const gemma2b = {
    model_type: 'gemma',
    vocab_size: 256000,
    hidden_size: 2048,
    intermediate_size: 16384,
    num_hidden_layers: 18,
    num_attention_heads: 8,
    num_key_value_heads: 1,
    head_dim: 256,
  };

  it('are refused on wasm by name, and sent to cpu when the backend is chosen automatically', async () => {
    const dir = join(tmp, 'gemma-2b-config-only');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'config.json'), JSON.stringify(gemma2b));
    const before = tf.memory().numTensors;
    await expect(loadCausalLM(dir, { backend: 'wasm' })).rejects.toThrow(
      /loadCausalLM: this gemma model has 2,506,172,416 parameters, 9.3 GiB in float32, and the wasm backend holds at most 3.0 GiB of weights.*\{ backend: "cpu" \}.*@tensorflow\/tfjs-node/,
    );
    expect(() => createCausalLM(gemma2b)).toThrow(
      /createCausalLM: this gemma model has 2,506,172,416/,
    );
    const warnings: string[] = [];
    const logger: Logger = { info: () => {}, warn: (m) => warnings.push(m), metrics: () => {} };
    // Automatic choice: wasm gives way to cpu; then the (absent) weights are what fails.
    await expect(loadCausalLM(dir, { logger })).rejects.toThrow(/safetensors/);
    expect(warnings).toEqual([
      "loadCausalLM: 2,506,172,416 parameters (9.3 GiB in float32) do not fit the wasm backend's " +
        "4 GiB heap; using the 'cpu' backend (slow; install @tensorflow/tfjs-node for a native one)",
    ]);
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.memory().numTensors).toBe(before);
    await useBackend('wasm');
  });
});

describe('a Hugging Face checkpoint loads, generates, trains and saves', () => {
  it.each(['qwen2-tiny', 'gpt2-tiny'])('%s', async (name) => {
    const model = await loadCausalLM(join(FIXTURES, name), { backend: 'wasm' });
    expect(tf.getBackend()).toBe('wasm');
    const prompts = [
      [1, 2, 3],
      [4, 5],
    ];
    const gen = await model.generate(prompts, {
      maxNewTokens: 6,
      doSample: true,
      seed: 2,
      eosTokenId: [],
    });
    expect(gen.tokens.map((t) => t.length)).toEqual([6, 6]);
    const stream = Array.from({ length: 300 }, (_, i) => (i * 5) % 11);
    const before = model.tokenLogProbs([stream.slice(0, 12)]);
    const res = trainCausalLM(
      model,
      { train: stream },
      { steps: 12, batchSize: 4, contextLength: 10, learningRate: 1e-2, warmupSteps: 2 },
    );
    const after = model.tokenLogProbs([stream.slice(0, 12)]);
    expect(after.sum().dataSync()[0]!).toBeGreaterThan(before.sum().dataSync()[0]! + 1);
    expect(res.losses.at(-1)!).toBeLessThan(res.losses[0]!);
    const dir = join(tmp, `${name}-trained`);
    await model.save(dir);
    const back = await loadCausalLM(dir, { backend: 'current' });
    const reloaded = back.readParams();
    for (const [k, p] of model.readParams()) {
      expect(bitsEqual(reloaded.get(k)!.data, p.data), k).toBe(true);
    }
    tf.dispose([before, after]);
    back.dispose();
    model.dispose();
  });
});
