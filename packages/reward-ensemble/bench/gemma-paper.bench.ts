// What the paper's setting costs on this machine: a Gemma-shaped random checkpoint (written by
// @va/lm's bench/gemma-memory.ts, no download) read as an `lm` backbone, texts of a fixed token
// length embedded, and K = 10 heads trained on 1,000 pairs of features with Table 8 and with the
// defaults. Prints seconds per text (wall and CPU), the time per 1,000 pairs, the peak memory.
//
//   node --import tsx ../lm/bench/gemma-memory.ts write /tmp/gemma-2b --layers 18 --hidden 2048 \
//        --heads 8 --intermediate 16384
//   node --import tsx bench/gemma-paper.bench.ts --model /tmp/gemma-2b --texts 2 --length 64

import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '@va/core';
import { trainHeads } from '../src/head-trainer.js';
import { loadLmBackbone } from '../src/lm-backbone.js';
import { PAPER_PRESET } from '../src/presets.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    texts: { type: 'string', default: '4' },
    length: { type: 'string', default: '128' },
    batch: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'auto' },
  },
});
if (!values.model) throw new Error('--model <Gemma-shaped checkpoint folder> is required');
const dir = values.model;
const texts = Number(values.texts);
const length = Number(values.length);

// A random checkpoint has no tokenizer: give it @va/lm's tiny Gemma-format one (ids stay in range).
const tokenizerDir = new URL('../../lm/test/fixtures/tokenizers/gemma', import.meta.url).pathname;
if (!existsSync(join(dir, 'tokenizer.json'))) {
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
    copyFileSync(join(tokenizerDir, f), join(dir, f));
  }
}

const peakRss = () =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024;
const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;

let t0 = performance.now();
const backend = values.backend === 'auto' ? undefined : (values.backend as 'cpu' | 'wasm');
const bb = await loadLmBackbone(dir, { maxLength: length, ...(backend ? { backend } : {}) });
const loadSeconds = (performance.now() - t0) / 1000;
const tf = await import('@tensorflow/tfjs');

// Dialogues long enough that every text is cut to exactly `length` tokens (from the left).
const rng = new Rng(1);
const words = ['the', 'world', 'is', 'hello', 'model', 'user', 'kind', 'answer', 'film', 'good'];
const dialogue = () =>
  bb.formatConversation([
    { role: 'user', content: Array.from({ length: length }, () => words[rng.int(10)]).join(' ') },
    { role: 'assistant', content: Array.from({ length: 8 }, () => words[rng.int(10)]).join(' ') },
  ]);
const batch = Array.from({ length: texts }, dialogue);
const { attentionMask } = await bb.encode(batch);
const tokens = attentionMask.flat().reduce((a, b) => a + b, 0);
await bb.embed(batch.slice(0, 1), { batchSize: 1 }); // warm-up (kernels, first allocations)
// Wall time moves with whatever else the shared machine runs; this process's CPU time (the work
// is single-threaded) does not, so both are reported.
t0 = performance.now();
const cpu0 = process.cpuUsage();
await bb.embed(batch, { batchSize: Number(values.batch) });
const perText = (performance.now() - t0) / 1000 / texts;
const { user, system } = process.cpuUsage(cpu0);
const cpuPerText = (user + system) / 1e6 / texts;

// Heads on 1,000 pairs of features of this width (a frozen backbone's features are computed once).
const d = bb.dim;
const features = () => {
  const data = new Float32Array(1000 * d);
  rng.fillNormal(data);
  return { rows: 1000, dim: d, data };
};
const pairs = { chosen: features(), rejected: features() };
const timeHeads = (config: object) => {
  const start = performance.now();
  trainHeads(pairs, config);
  return (performance.now() - start) / 1000;
};
const headsTable8 = timeHeads(PAPER_PRESET.heads);
const headsDefault = timeHeads({ k: 10 });

const embedPer1000 = perText * 2000;
console.log(
  JSON.stringify(
    {
      model: dir,
      backend: tf.getBackend(),
      parameters: bb.model.parameterCount,
      loadSeconds: Number(loadSeconds.toFixed(1)),
      tokensPerText: tokens / texts,
      secondsPerText: Number(perText.toFixed(2)),
      cpuSecondsPerText: Number(cpuPerText.toFixed(2)),
      tokensPerSecond: Number((tokens / texts / perText).toFixed(2)),
      tokensPerCpuSecond: Number((tokens / texts / cpuPerText).toFixed(2)),
      embedHoursPer1000Pairs: Number((embedPer1000 / 3600).toFixed(2)),
      embedCpuHoursPer1000Pairs: Number(((cpuPerText * 2000) / 3600).toFixed(2)),
      headSecondsPer1000PairsTable8: Number(headsTable8.toFixed(2)),
      headSecondsPer1000PairsDefault: Number(headsDefault.toFixed(2)),
      peakRss: gib(peakRss()),
    },
    null,
    1,
  ),
);
bb.dispose();
