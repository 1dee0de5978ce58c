// Benchmark of simulateBandit (Figure 3's Monte Carlo) against a straightforward baseline measured
// in the same run: one allocation per draw, normals by Rng.normal(), the public policy functions.
// Run: pnpm bench (in packages/theory), or node --import tsx bench/simulate.ts

import { Rng } from '@va/core';
import {
  matchedEpsilon,
  simulateBandit,
  vanillaPolicy,
  varianceAwarePolicy,
} from '../src/index.js';

const K = 10;
const rStar = Array.from({ length: K }, (_, i) => 0.1 * i);
const sigma2 = Array.from({ length: K }, (_, i) => 0.1 + 0.3 * i);
const pi0 = new Array(K).fill(1 / K);

function baseline(samples: number, epsilon: number, constraint: 'free' | 'simplex'): number {
  const rng = new Rng(1);
  const epsVa = matchedEpsilon(epsilon, sigma2);
  const vanilla: number[] = [];
  const aware: number[] = [];
  for (let j = 0; j < samples; j++) {
    const rHat = rStar.map((r, i) => r + Math.sqrt(sigma2[i]!) * rng.normal());
    const v = vanillaPolicy(pi0, rHat, epsilon, { constraint });
    const va = varianceAwarePolicy(pi0, rHat, sigma2, epsVa, { constraint });
    vanilla.push(v.reduce((s, p, i) => s + p * rStar[i]!, 0));
    aware.push(va.reduce((s, p, i) => s + p * rStar[i]!, 0));
  }
  return vanilla.length + aware.length;
}

function rate(run: () => unknown, draws: number, repeats = 3): number {
  run(); // warm-up
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < repeats; k++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return draws / (best / 1000);
}

const rows: { case: string; fast: number; baseline: number }[] = [];
for (const [constraint, epsilon, fastDraws, baseDraws] of [
  ['free', 0.01, 1_000_000, 100_000],
  ['simplex', 0.05, 200_000, 20_000],
] as const) {
  const fast = rate(
    () => simulateBandit({ rStar, sigma2, epsilon, samples: fastDraws, constraint }),
    fastDraws,
  );
  const slow = rate(() => baseline(baseDraws, epsilon, constraint), baseDraws);
  rows.push({ case: `${constraint}, K = ${K}`, fast, baseline: slow });
}

console.log('simulateBandit: draws per second (best of 3), against a naive per-draw baseline');
for (const r of rows) {
  console.log(
    `  ${r.case.padEnd(16)} simulateBandit ${(r.fast / 1e6).toFixed(2)} M/s   baseline ${(r.baseline / 1e6).toFixed(3)} M/s   ratio ${(r.fast / r.baseline).toFixed(1)}x   (1e6 draws: ${(1e6 / r.fast).toFixed(3)} s)`,
  );
}
