// Benchmarks of the ensemble (run: pnpm bench). (1) Scoring with K = 10 heads on one shared
// backbone against K = 1 (the issue asks for at most 1.05x) and against the naive baseline of K
// separate reward models (K backbone passes). (2) Head training from cached features, pairs/s.
import { Rng } from '@va/core';
import type { Backbone } from '../src/backbone.js';
import { createBackbone } from '../src/create-backbone.js';
import { initEnsembleHeads, scoreWithHeads, selectMembers } from '../src/ensemble-heads.js';
import { trainHeads } from '../src/head-trainer.js';
import { RewardEnsemble } from '../src/reward-ensemble.js';

const queries = Array.from({ length: 64 }, (_, i) => ({
  prompt: `Question ${i}: what do you think of the film?`,
  response: `It was ${i % 2 ? 'great fun, the acting was good' : 'boring, the plot was bad'} and I ${i % 3 ? 'love' : 'hate'} it.`,
}));

async function once(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median times of interleaved rounds (the machine is shared: interleaving cancels drift). */
async function scoringBench(label: string, backbone: Backbone, rounds: number): Promise<void> {
  // The same path for both (format, embed, heads); only the number of heads differs.
  const scorer = (k: number) => {
    const ensemble = new RewardEnsemble(
      backbone,
      initEnsembleHeads(backbone.dim, [...Array(Math.max(k, 2)).keys()], 0),
      {
        batchSize: 16,
      },
    );
    const heads = k === 1 ? selectMembers(ensemble.heads, [0]) : ensemble.heads;
    return async () => scoreWithHeads(heads, await ensemble.features(ensemble.queryTexts(queries)));
  };
  const single = scorer(1);
  const shared = scorer(10);
  await single();
  await shared();
  const t1: number[] = [];
  const t10: number[] = [];
  const tSep: number[] = [];
  for (let r = 0; r < rounds; r++) {
    t1.push(await once(single));
    t10.push(await once(shared));
    if (r % 3 === 0) {
      tSep.push(
        await once(async () => {
          for (let k = 0; k < 10; k++) await single(); // K separate models: K backbone passes
        }),
      );
    }
  }
  const [a, b, c] = [median(t1), median(t10), median(tSep)];
  // The same ratio from its parts, free of the machine's noise: one backbone pass plus the heads.
  const ensemble = new RewardEnsemble(
    backbone,
    initEnsembleHeads(backbone.dim, [...Array(10).keys()], 0),
  );
  const features = await ensemble.features(ensemble.queryTexts(queries));
  const heads1 = selectMembers(ensemble.heads, [0]);
  const headTime = (h: typeof heads1) => {
    const t0 = performance.now();
    for (let r = 0; r < 200; r++) scoreWithHeads(h, features);
    return (performance.now() - t0) / 200;
  };
  const [h1, h10] = [headTime(heads1), headTime(ensemble.heads)];
  const backboneTime = Math.max(0, a - h1);
  console.log(
    `${label.padEnd(24)} ${queries.length} queries: K=1 ${a.toFixed(1)} ms | K=10 shared backbone ` +
      `${b.toFixed(1)} ms (ratio ${(b / a).toFixed(3)}; from parts ${((backboneTime + h10) / (backboneTime + h1)).toFixed(3)}` +
      `, target <= 1.05) | K=10 separate models ${c.toFixed(1)} ms (ratio ${(c / a).toFixed(2)})`,
  );
}

function trainingBench(dim: number, pairs: number): void {
  const rng = new Rng(1);
  const feature = () => ({
    rows: pairs,
    dim,
    data: Float32Array.from({ length: pairs * dim }, () => rng.normal()),
  });
  const data = { chosen: feature(), rejected: feature() };
  const epochs = 2;
  const t0 = performance.now();
  trainHeads(data, { k: 10, epochs, validationFraction: 0.1 });
  const s = (performance.now() - t0) / 1000;
  const seen = Math.round(pairs * 0.9) * epochs;
  console.log(
    `head training from cache  d=${dim}, K=10, ${pairs} pairs x ${epochs} epochs: ${s.toFixed(2)} s, ` +
      `${Math.round(seen / s)} pairs/s (each pair updates all 10 heads)`,
  );
}

console.log('# @va/reward-ensemble bench');
await scoringBench('hashed n-grams (d=256)', await createBackbone('hashed'), 31);
const fixture = new URL('../test/fixtures/tiny-gpt2', import.meta.url).pathname;
await scoringBench('onnx tiny-gpt2 (d=16)', await createBackbone(`onnx:${fixture}`), 31);
await scoringBench('lm tiny-gpt2 (d=16)', await createBackbone(`lm:${fixture}`), 31);
try {
  await scoringBench('lm default (embedded)', await createBackbone('default'), 9);
} catch (e) {
  console.log(`lm default: skipped (${(e as Error).message})`);
}
trainingBench(256, 4000);
trainingBench(2048, 2000);
