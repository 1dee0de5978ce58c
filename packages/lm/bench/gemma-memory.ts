// Peak memory of loadCausalLM on a Gemma-shaped random checkpoint written locally (no download):
// `write` makes the folder (BF16 shards, as the hub's Gemma files), `load` loads it in this process
// and reports the kernel's peak resident set (VmHWM) against the float32 weight bytes.
//
//   node --import tsx bench/gemma-memory.ts write /tmp/gemma-430m                    # ~430M params
//   node --import tsx bench/gemma-memory.ts write /tmp/gemma-2b --layers 18 --hidden 2048 \
//        --heads 8 --intermediate 16384                                             # Gemma-2B's shape
//   node --import tsx bench/gemma-memory.ts load /tmp/gemma-430m --backend cpu      # wasm, auto

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@va/core';
import { countParameters, parseModelConfig } from '../src/config.js';
import { loadCausalLM } from '../src/load.js';
import { writeSafetensorsFolder } from '../src/safetensors.js';
import { parameterSpecs } from '../src/weights.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    hidden: { type: 'string', default: '1024' },
    layers: { type: 'string', default: '6' },
    heads: { type: 'string', default: '4' },
    intermediate: { type: 'string', default: '8192' },
    vocab: { type: 'string', default: '256000' },
    backend: { type: 'string', default: 'cpu' },
  },
});
const [command, dir] = positionals;
if (!dir || (command !== 'write' && command !== 'load')) {
  throw new Error('usage: gemma-memory.ts write|load <dir> [--hidden --layers --heads ...]');
}

/** The kernel's peak and current resident set of this process, in bytes (Linux). */
function residentBytes(): { peak: number; now: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { peak: kb('VmHWM') * 1024, now: kb('VmRSS') * 1024 };
}

const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

if (command === 'write') {
  // Gemma-2B's layout (multi-query, head_dim 256, tied), scaled down by the flags.
  const json = {
    architectures: ['GemmaForCausalLM'],
    model_type: 'gemma',
    vocab_size: Number(values.vocab),
    hidden_size: Number(values.hidden),
    intermediate_size: Number(values.intermediate),
    num_hidden_layers: Number(values.layers),
    num_attention_heads: Number(values.heads),
    num_key_value_heads: 1,
    head_dim: 256,
    max_position_embeddings: 8192,
    torch_dtype: 'bfloat16',
  };
  const config = parseModelConfig(json);
  const rng = new Rng(1);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const spec of parameterSpecs(config)) {
    const data = rng.fillNormal(new Float32Array(spec.shape.reduce((a, b) => a * b, 1)));
    for (let i = 0; i < data.length; i++) data[i]! *= 0.02;
    tensors.set(spec.name, { shape: [...spec.shape], data });
  }
  await writeSafetensorsFolder(dir, tensors, { dtype: 'BF16', maxShardBytes: 1_000_000_000 });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(json, null, 2));
  console.log(`wrote ${dir}: ${countParameters(config).toLocaleString('en')} parameters (BF16)`);
} else {
  const before = residentBytes();
  const start = performance.now();
  const backend = values.backend === 'auto' ? undefined : (values.backend as 'cpu' | 'wasm');
  const warnings: string[] = [];
  const logger = { info: () => {}, warn: (m: string) => warnings.push(m), metrics: () => {} };
  const model = await loadCausalLM(dir, { ...(backend ? { backend } : {}), logger });
  const seconds = (performance.now() - start) / 1000;
  const after = residentBytes();
  const weights = model.parameterCount * 4;
  console.log(
    JSON.stringify({
      backend: tf.getBackend(),
      parameters: model.parameterCount,
      float32WeightBytes: gb(weights),
      rssBeforeLoad: gb(before.now),
      peakRss: gb(after.peak),
      rssAfterLoad: gb(after.now),
      peakOverWeights: Number(((after.peak - before.now) / weights).toFixed(2)),
      loadSeconds: Number(seconds.toFixed(1)),
    }),
  );
  for (const w of warnings) console.log(w);
  model.dispose();
}
