// The paper's setting end to end on a tiny Gemma: the checkpoint sits in a Hugging Face cache as
// google/gemma-2b-it would (random weights, Gemma's tokenizer files and chat template from @va/lm's
// fixture), and `va-ensemble train --preset paper --offline` trains K = 10 heads on it with Table 8.
// And Gemma 2 read through ONNX (transformers.js) and through @va/lm: the same ids, PyTorch's features.

import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Rng } from '@va/core';
import { createCausalLM, loadTokenizer } from '@va/lm';
import { tempDir } from '@va/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLmBackbone } from '../src/lm-backbone.js';
import { loadOnnxBackbone } from '../src/onnx-backbone.js';
import { PAPER_PRESET } from '../src/presets.js';
import { fixture } from './helpers.js';

const GEMMA_TOKENIZER = new URL('../../lm/test/fixtures/tokenizers/gemma', import.meta.url)
  .pathname;
const SHA = 'a'.repeat(40);
const cache = tempDir('va-gemma-hub-');
const snapshot = join(cache, 'models--google--gemma-2b-it', 'snapshots', SHA);

beforeAll(async () => {
  const tokenizer = await loadTokenizer(GEMMA_TOKENIZER);
  // Gemma-2B's layout (multi-query, head_dim independent of hidden / heads), tiny.
  const model = createCausalLM(
    {
      model_type: 'gemma',
      vocab_size: tokenizer.vocabSize,
      hidden_size: 16,
      intermediate_size: 32,
      num_hidden_layers: 2,
      num_attention_heads: 2,
      num_key_value_heads: 1,
      head_dim: 8,
      max_position_embeddings: 256,
      initializer_range: 0.3,
    },
    { seed: 4 },
  );
  await model.save(snapshot);
  model.dispose();
  for (const f of [
    'tokenizer.json',
    'tokenizer_config.json',
    'special_tokens_map.json',
    'generation_config.json',
  ]) {
    copyFileSync(join(GEMMA_TOKENIZER, f), join(snapshot, f));
  }
  mkdirSync(join(cache, 'models--google--gemma-2b-it', 'refs'), { recursive: true });
  writeFileSync(join(cache, 'models--google--gemma-2b-it', 'refs', 'main'), SHA);
});

describe('a Gemma backbone', () => {
  it("reads a dialogue through Gemma's chat template with one <bos>", async () => {
    const bb = await loadLmBackbone(snapshot, { backend: 'wasm' });
    const text = bb.formatConversation([
      { role: 'user', content: 'Hello world' },
      { role: 'assistant', content: 'the world is' },
    ]);
    expect(text).toBe(
      '<start_of_turn>user\nHello world<end_of_turn>\n<start_of_turn>model\nthe world is<end_of_turn>\n',
    );
    const { inputIds } = await bb.encode([text]);
    expect(inputIds[0]!.slice(0, 3)).toEqual([
      2,
      5,
      bb.model.tokenizer!.encode('user', { addSpecialTokens: false })[0],
    ]);
    expect(inputIds[0]!.filter((id) => id === 2)).toHaveLength(1);
    const f = await bb.embed([text, text]);
    expect(f.dim).toBe(16);
    expect([...f.data.slice(0, 16)]).toEqual([...f.data.slice(16)]);
    expect(f.data.every(Number.isFinite)).toBe(true);
    bb.dispose();
  });
});

describe('va-ensemble train --preset paper', () => {
  const run = promisify(execFile);
  const cli = new URL('../src/cli.ts', import.meta.url).pathname;
  const dir = tempDir('va-gemma-cli-');
  const rng = new Rng(5);
  const good = ['great', 'helpful', 'kind', 'clear', 'thanks'];
  const bad = ['awful', 'rude', 'useless', 'wrong', 'never'];
  const words = (list: string[]) => Array.from({ length: 3 }, () => list[rng.int(5)]).join(' ');
  const rows = Array.from({ length: 50 }, (_, i) =>
    JSON.stringify({
      chosen: `\n\nHuman: question ${i}?\n\nAssistant: ${words(good)}`,
      rejected: `\n\nHuman: question ${i}?\n\nAssistant: ${words(bad)}`,
    }),
  );
  writeFileSync(join(dir, 'pairs.jsonl'), rows.join('\n'));

  it('trains K = 10 heads on google/gemma-2b-it from the Hugging Face cache with Table 8', async () => {
    const out = join(dir, 'paper');
    const t = await run(
      process.execPath,
      [
        ...['--import', 'tsx', cli, 'train', '--data', join(dir, 'pairs.jsonl')],
        ...['--preset', 'paper', '--offline', '--out', out, '--no-cache'],
      ],
      {
        cwd: new URL('..', import.meta.url).pathname,
        env: { ...process.env, HF_HUB_CACHE: cache, HF_HUB_OFFLINE: '1' },
      },
    ).catch((e) => {
      throw new Error(`${e.message}\n${e.stderr}`);
    });
    expect(t.stderr).toMatch(/preset paper: K = 10 heads on the frozen Gemma-2b-it/);
    expect(t.stderr).toMatch(/backbone lm\(google\/gemma-2b-it, gemma, last\)/);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.preset).toBe('paper');
    expect(metrics.backbone).toMatch(/^lm\//);
    expect(metrics.training.config).toMatchObject(PAPER_PRESET.heads);
    expect(metrics.training.config).toMatchObject({
      k: 10,
      batchSize: 32,
      learningRate: 1e-5,
      weightDecay: 0.001,
      schedule: 'cosine',
      epochs: 0.5,
    });
    expect(metrics.training.reports).toHaveLength(10);
    const saved = JSON.parse(readFileSync(join(out, 'ensemble.json'), 'utf8'));
    expect(saved.k).toBe(10);
    expect(saved.backbone.source).toBe('google/gemma-2b-it');
  });
});

describe('Gemma 2 through ONNX (transformers.js) and through @va/lm', () => {
  // scripts/make_tiny_gemma2_fixture.py: one set of weights, exported to ONNX and to safetensors.
  const expected = JSON.parse(readFileSync(fixture('tiny-gemma2-expected.json'), 'utf8')) as {
    dim: number;
    rows: { ids: number[]; last: number[]; mean: number[] }[];
  };

  it("read the same ids and give PyTorch's features, batched with padding", async () => {
    const lm = await loadLmBackbone(fixture('tiny-gemma2'), { backend: 'wasm' });
    const onnx = await loadOnnxBackbone(fixture('tiny-gemma2'), { offline: true });
    for (const bb of [lm, onnx]) {
      const texts = [
        bb.formatConversation([
          { role: 'user', content: 'Hello world' },
          { role: 'assistant', content: 'the world is' },
        ]),
        bb.formatConversation([
          { role: 'user', content: 'Hello' },
          { role: 'assistant', content: 'Hé' },
        ]),
        'Hello world',
      ];
      // Right-padded rows (lm) or one row per text (onnx): compare the real tokens.
      const ids = bb === lm ? (await lm.encode(texts)).inputIds : texts.map((t) => onnx.encode(t));
      expected.rows.forEach((row, r) => {
        expect(ids[r]!.slice(0, row.ids.length), bb.name).toEqual(row.ids);
      });
      const f = await bb.embed(texts, { batchSize: 3 });
      expected.rows.forEach((row, r) => {
        row.last.forEach((v, i) => {
          expect(f.data[r * expected.dim + i], `${bb.name} row ${r}`).toBeCloseTo(v, 4);
        });
      });
      await bb.dispose();
    }
  });
});
