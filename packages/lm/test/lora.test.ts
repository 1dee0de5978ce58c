// LoRA: the base stays frozen while the adapter trains, merging gives the adapter's logits, PEFT's
// layout on disk round trips, and bad targets are refused by name.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { tempDir } from '@va/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from '../src/adamw.js';
import { createCausalLM } from '../src/causal-lm.js';
import { parseSafetensors, readSafetensorsFolder } from '../src/safetensors.js';
import { trainStep } from '../src/train.js';
import { maxAbsDiff, TINY_GPT2, TINY_QWEN2, useBackend } from './helpers.js';

const tmp = tempDir('va-lm-lora-');
beforeAll(async () => {
  await useBackend('wasm');
});

const ids = [
  [3, 14, 15, 9, 26, 5, 35, 8],
  [2, 7, 18, 28, 18, 28, 45, 9],
];

describe.each([
  ['gpt2', TINY_GPT2, ['c_attn', 'c_fc'], 'transformer.h.0.attn.c_attn'],
  ['qwen2', TINY_QWEN2, ['q_proj', 'v_proj', 'down_proj'], 'model.layers.0.self_attn.q_proj'],
] as const)('%s', (family, config, targets, peftModule) => {
  it('starts as the base model, trains only the adapter, and merges to the same logits', () => {
    const model = createCausalLM({ ...config, initializer_range: 0.2 }, { seed: 1 });
    const base = model.readParams();
    const logits0 = model.forward(ids).logits;
    const lora = model.addLora({
      r: 4,
      alpha: 8,
      dropout: 0.1,
      targetModules: [...targets],
      seed: 2,
    });
    expect(lora.scale).toBe(2);
    expect(lora.modules).toHaveLength(2 * targets.length);
    expect(model.trainableVariables()).toHaveLength(4 * targets.length);
    expect([...model.variables.values()].some((v) => v.trainable)).toBe(false);
    // B = 0 at the start: the adapted model is the base model.
    const logits1 = model.forward(ids).logits;
    expect(maxAbsDiff(logits1.dataSync(), logits0.dataSync())).toBe(0);
    const opt = new AdamW(model.trainableVariables(), { learningRate: 1e-2 });
    const first = trainStep(model, opt, { inputIds: ids });
    let last = first;
    for (let i = 0; i < 10; i++) last = trainStep(model, opt, { inputIds: ids });
    opt.dispose();
    expect(last.loss).toBeLessThan(first.loss);
    // The base did not move.
    for (const [k, p] of model.readParams())
      expect(maxAbsDiff(p.data, base.get(k)!.data), k).toBe(0);
    const adapted = model.forward(ids).logits;
    expect(maxAbsDiff(adapted.dataSync(), logits0.dataSync())).toBeGreaterThan(1e-3);
    model.mergeLora();
    expect(model.lora).toBeUndefined();
    expect(model.trainableVariables()).toHaveLength(model.variables.size);
    expect([...model.variables.values()].every((v) => v.trainable)).toBe(true);
    const merged = model.forward(ids).logits;
    expect(maxAbsDiff(merged.dataSync(), adapted.dataSync())).toBeLessThan(1e-5);
    tf.dispose([logits0, logits1, adapted, merged]);
    model.dispose();
  });

  it("saves in PEFT's layout and loads back to the same logits", async () => {
    const model = createCausalLM(config, { seed: 3 });
    const lora = model.addLora({ r: 2, alpha: 4, targetModules: [...targets] });
    // Give B some values so that the adapter matters.
    const opt = new AdamW(model.trainableVariables(), { learningRate: 5e-2 });
    trainStep(model, opt, { inputIds: ids });
    opt.dispose();
    const adapted = model.forward(ids).logits;
    const dir = join(tmp, family);
    await lora.save(dir);
    const cfg = JSON.parse(await readFile(join(dir, 'adapter_config.json'), 'utf8'));
    expect(cfg).toMatchObject({
      peft_type: 'LORA',
      task_type: 'CAUSAL_LM',
      r: 2,
      lora_alpha: 4,
      target_modules: [...targets],
      fan_in_fan_out: family === 'gpt2',
    });
    const file = parseSafetensors(
      new Uint8Array(await readFile(join(dir, 'adapter_model.safetensors'))),
    );
    const a = file.tensors.get(`base_model.model.${peftModule}.lora_A.weight`)!;
    const b = file.tensors.get(`base_model.model.${peftModule}.lora_B.weight`)!;
    expect(a.shape[0]).toBe(2); // [r, in]
    expect(b.shape[1]).toBe(2); // [out, r]
    model.removeLora();
    const plain = model.forward(ids).logits;
    await model.loadLora(dir);
    const again = model.forward(ids).logits;
    expect(maxAbsDiff(again.dataSync(), adapted.dataSync())).toBeLessThan(1e-6);
    expect(maxAbsDiff(plain.dataSync(), adapted.dataSync())).toBeGreaterThan(1e-4);
    tf.dispose([adapted, plain, again]);
    model.dispose();
  });
});

describe('LoRA errors and defaults', () => {
  it("uses PEFT's default targets and refuses unknown modules", () => {
    const gpt2 = createCausalLM(TINY_GPT2);
    expect(gpt2.addLora().modules).toEqual(['h.0.attn.c_attn', 'h.1.attn.c_attn']);
    expect(() => gpt2.addLora()).toThrow(/an adapter is attached/);
    gpt2.removeLora();
    expect(() => gpt2.addLora({ targetModules: ['q_proj'] })).toThrow(
      /targetModules.*c_attn, c_proj, c_fc.*"q_proj"/,
    );
    gpt2.dispose();
    const qwen = createCausalLM(TINY_QWEN2);
    expect(qwen.addLora().modules).toEqual([
      'model.layers.0.self_attn.q_proj',
      'model.layers.0.self_attn.v_proj',
      'model.layers.1.self_attn.q_proj',
      'model.layers.1.self_attn.v_proj',
    ]);
    // A fresh adapter (B = 0) merges to the very same weights.
    const before = qwen.readParams();
    qwen.mergeLora();
    for (const [k, p] of qwen.readParams())
      expect(maxAbsDiff(p.data, before.get(k)!.data), k).toBe(0);
    expect(() => qwen.mergeLora()).toThrow(/CausalLM.mergeLora/);
    qwen.dispose();
  });

  it('merges W + (alpha / r) A B into exactly the targeted weights (a plain loop as reference)', () => {
    const model = createCausalLM(TINY_QWEN2, { seed: 5 });
    // down_proj is [in 24, out 16]: a transposed or misplaced update cannot pass.
    const lora = model.addLora({ r: 2, alpha: 6, targetModules: ['down_proj'] });
    expect(lora.scale).toBe(3);
    const [din, dout, r] = [24, 16, 2];
    const a = Float32Array.from({ length: din * r }, (_, i) => ((i % 7) - 3) / 8); // [in, r]
    const b = Float32Array.from({ length: r * dout }, (_, i) => ((i % 5) - 2) / 4); // [r, out]
    const [va, vb] = lora.variables() as [tf.Variable, tf.Variable];
    va.assign(tf.tensor2d(a, [din, r]));
    vb.assign(tf.tensor2d(b, [r, dout]));
    const before = model.readParams();
    model.mergeLora();
    const after = model.readParams();
    const name = 'model.layers.0.mlp.down_proj.weight';
    const w0 = before.get(name)!.data;
    const w1 = after.get(name)!.data;
    let worst = 0;
    for (let i = 0; i < din; i++) {
      for (let k = 0; k < dout; k++) {
        let ab = 0;
        for (let j = 0; j < r; j++) ab += a[i * r + j]! * b[j * dout + k]!;
        worst = Math.max(worst, Math.abs(w1[i * dout + k]! - (w0[i * dout + k]! + 3 * ab)));
      }
    }
    expect(worst).toBeLessThan(1e-6);
    expect(maxAbsDiff(w1, w0)).toBeGreaterThan(0.5);
    // Every other weight, layer 1's down_proj included (its B is still 0), is untouched.
    for (const [k, p] of after) {
      if (k !== name) expect(maxAbsDiff(p.data, before.get(k)!.data), k).toBe(0);
    }
    model.dispose();
  });

  it('leaks nothing across adapter training steps', () => {
    const model = createCausalLM(TINY_QWEN2);
    model.addLora({ dropout: 0.2 });
    const opt = new AdamW(model.trainableVariables());
    trainStep(model, opt, { inputIds: ids });
    const before = tf.memory().numTensors;
    trainStep(model, opt, { inputIds: ids });
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    model.dispose();
  });
});

it('merged weights save as a plain checkpoint', async () => {
  const model = createCausalLM(TINY_QWEN2, { seed: 4 });
  model.addLora();
  model.mergeLora();
  await model.save(join(tmp, 'merged'));
  const { tensors } = await readSafetensorsFolder(join(tmp, 'merged'));
  expect([...tensors.keys()].some((k) => k.includes('lora'))).toBe(false);
  model.dispose();
});
