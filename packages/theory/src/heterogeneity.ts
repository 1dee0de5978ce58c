// Figure 4: the bandit experiment repeated with variances drawn from a narrow and from a wide
// interval. The wider the spread of the variances, the sharper the variance-aware distribution.

import { defineConfig, deriveSeed, is, type ProgressCallback, Rng } from '@va/core';
import { type SampleSummary, summarize } from '@va/stats';
import type { Constraint } from './checks.js';
import type { UnderperformanceRisk } from './risk.js';
import { BanditConfig, type BanditSimulation, simulateBandit } from './simulate.js';

/** One variance interval `U[low, high]`. */
export interface VarianceInterval {
  readonly label: string;
  readonly low: number;
  readonly high: number;
}

/** Settings of {@link heterogeneitySweep}. */
export interface HeterogeneityConfig {
  /** Number of arms (used when `rStar` is null). */
  readonly arms: number;
  /** True rewards; `null`: drawn from U[0, 1] with the seed. */
  readonly rStar: ArrayLike<number> | null;
  /** The variance intervals compared (SPEC: U[0.5, 1.5] vs U[0.01, 4]). */
  readonly intervals: readonly VarianceInterval[];
  readonly epsilon: number;
  readonly samples: number;
  readonly seed: number;
  readonly constraint: Constraint;
}

/** The config of {@link heterogeneitySweep}, with SPEC's narrow and wide intervals. */
export const HeterogeneityConfig = defineConfig<HeterogeneityConfig>('HeterogeneityConfig', {
  arms: { default: 10, doc: 'arms when rStar is drawn', check: is.positiveInteger },
  rStar: {
    default: null,
    doc: 'true rewards (null: U[0, 1] draws)',
    check: (v) =>
      v === null || (typeof v === 'object' && typeof v.length === 'number' && v.length > 0)
        ? undefined
        : 'must be a non-empty array of numbers or null',
  },
  intervals: {
    default: Object.freeze([
      Object.freeze({ label: 'narrow U[0.5, 1.5]', low: 0.5, high: 1.5 }),
      Object.freeze({ label: 'wide U[0.01, 4]', low: 0.01, high: 4 }),
    ]),
    doc: 'variance intervals',
    check: (v) =>
      Array.isArray(v) &&
      v.length > 0 &&
      v.every((i) => typeof i?.label === 'string' && i.low > 0 && i.high >= i.low)
        ? undefined
        : 'must be a non-empty array of { label, low, high } with 0 < low <= high',
  },
  // The simulation's own keys, as simulateBandit takes them.
  epsilon: BanditConfig.schema.epsilon,
  samples: { ...BanditConfig.schema.samples, doc: 'Monte Carlo draws per interval' },
  seed: BanditConfig.schema.seed,
  constraint: BanditConfig.schema.constraint,
});

/** One interval's outcome. */
export interface HeterogeneityResult {
  readonly interval: VarianceInterval;
  /** The variances used: `low + (high - low) u_i`, the same `u` for every interval. */
  readonly sigma2: Float64Array;
  readonly simulation: BanditSimulation;
  /** Spread of each method's true returns. */
  readonly spread: { readonly vanilla: SampleSummary; readonly varianceAware: SampleSummary };
  /** Theorem 2.4 for these variances. */
  readonly closedForm?: UnderperformanceRisk;
}

/** What {@link heterogeneitySweep} returns. */
export interface HeterogeneitySweep {
  readonly rStar: Float64Array;
  readonly results: readonly HeterogeneityResult[];
}

/**
 * Figure 4. For each interval, `sigma2_i = low + (high - low) u_i` with `u_i ~ U[0, 1]` drawn once
 * (common random numbers: the intervals differ only in spread), then {@link simulateBandit} with
 * the same draw seed. Returns each interval's returns (in `simulation`) and their spread.
 */
export function heterogeneitySweep(
  options: Partial<HeterogeneityConfig> & { readonly onProgress?: ProgressCallback } = {},
): HeterogeneitySweep {
  const { onProgress, ...partial } = options ?? {};
  const config = HeterogeneityConfig.resolve(partial);
  const arms = config.rStar === null ? config.arms : config.rStar.length;
  const rewardRng = new Rng(deriveSeed(config.seed, 'rStar'));
  const rStar =
    config.rStar === null
      ? Float64Array.from({ length: arms }, () => rewardRng.next())
      : Float64Array.from(config.rStar);
  const varianceRng = new Rng(deriveSeed(config.seed, 'sigma2'));
  const u = Float64Array.from({ length: arms }, () => varianceRng.next());
  const drawSeed = deriveSeed(config.seed, 'draws');
  const results = config.intervals.map((interval, index) => {
    const sigma2 = u.map((ui) => interval.low + (interval.high - interval.low) * ui);
    const simulation = simulateBandit({
      rStar,
      sigma2,
      epsilon: config.epsilon,
      samples: config.samples,
      seed: drawSeed,
      constraint: config.constraint,
      onProgress: onProgress
        ? ({ done, total }) =>
            onProgress({
              task: `heterogeneitySweep ${interval.label}`,
              done: index * config.samples + done,
              total: (total ?? config.samples) * config.intervals.length,
              unit: 'draws',
            })
        : undefined,
    });
    return {
      interval,
      sigma2,
      simulation,
      spread: {
        vanilla: summarize(simulation.returns.vanilla),
        varianceAware: summarize(simulation.returns.varianceAware),
      },
      closedForm: simulation.closedForm,
    };
  });
  return { rStar, results };
}
