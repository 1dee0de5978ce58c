// The results of a run, gathered from its folder into one object (and `results.json`): every
// per-policy and per-reference return, Tables 1-3 per setting through @va/stats, Table 4, the
// training curves per method, and the KL each method ended at. Anyone can recompute the tests
// from the returns it lists.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '@va/core';
import {
  mean,
  type ProtocolTables,
  protocolTables,
  type VarianceRatioSweepRow,
  varianceRatioSweep,
} from '@va/stats';
import type { ResolvedExperimentConfig } from './config.js';
import type { EnsembleResult, PolicyResult, ReferenceResult } from './jobs.js';
import { type Job, jobsOf, type RunDir, TABLE4_LEVELS, variantsOf } from './run-dir.js';

/** Format tag of `results.json`. */
export const RESULTS_FORMAT = 'va-experiment-results';

/** A training curve: per PPO step, the mean over seeds and the range (min, max). */
export interface Curve {
  readonly step: number[];
  readonly mean: number[];
  readonly min: number[];
  readonly max: number[];
}

/** The metrics the report plots per method, by their PPO stat names. */
export const CURVE_METRICS = {
  score: 'ppo/mean_reward_model_mean',
  kl: 'objective/kl',
  variance: 'ppo/variance/mean',
} as const;

type Method = 'vanilla' | 'varianceAware';
const METHOD_NAME: Readonly<Record<Method, 'vanilla' | 'variance-aware'>> = {
  vanilla: 'vanilla',
  varianceAware: 'variance-aware',
};

/** The KL each method ended at, and whether they are comparable. */
export interface KlComparison {
  /** Mean over policies of the KL on evaluation responses. */
  readonly vanilla: number;
  readonly varianceAware: number;
  /** Mean over policies of `objective/kl` at the last training step. */
  readonly vanillaTrain: number;
  readonly varianceAwareTrain: number;
  /** `max / min` of the two evaluation KLs (each at least 0.01). */
  readonly ratio: number;
  /** Whether the ratio is at most 1.5 (the paper calibrates beta to make them similar). */
  readonly similar: boolean;
}

/** Everything about one setting (or Table 4 level). */
export interface VariantResults {
  readonly name: string;
  readonly setting: string;
  /** The true-reward averages: one per policy, and one per reference run. */
  readonly returns: { vanilla: number[]; varianceAware: number[]; reference: number[] };
  readonly policies: { vanilla: PolicyResult[]; varianceAware: PolicyResult[] };
  readonly reference: ReferenceResult[];
  /** Tables 1-3 (absent for Table 4 levels, which have no reference runs). */
  readonly tables?: ProtocolTables;
  /** Why Tables 1-3 could not be computed from samples of the needed size (e.g. both constant). */
  readonly tablesError?: string;
  readonly kl: KlComparison;
  readonly curves: Record<Method, Record<keyof typeof CURVE_METRICS, Curve>>;
  /** Interval widths of the offline judge (Table 4 levels). */
  readonly widths?: { minWidth: number; maxWidth: number };
}

/** The contents of `results.json`. */
export interface ExperimentResults {
  readonly format: typeof RESULTS_FORMAT;
  readonly version: 1;
  readonly config: ResolvedExperimentConfig;
  readonly complete: boolean;
  /** Jobs done / all jobs. */
  readonly progress: { done: number; total: number };
  readonly ensemble?: EnsembleResult;
  readonly variants: VariantResults[];
  readonly table4?: (VarianceRatioSweepRow & { minWidth: number; maxWidth: number })[];
  /** Why Table 4 could not be computed once every level had its policies. */
  readonly table4Error?: string;
}

/**
 * `compute()`, or the reason @va/stats refused the samples (a `ValidationError`, e.g. two constant
 * samples, whose variance ratio is 0/0): a run's report says so instead of failing.
 */
function testsOrReason<T>(compute: () => T): { value?: T; error?: string } {
  try {
    return { value: compute() };
  } catch (error) {
    if (error instanceof ValidationError) return { error: error.message };
    throw error;
  }
}

async function readLog(path: string): Promise<Record<string, number>[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, number>];
      } catch {
        return [];
      }
    });
}

function curve(logs: Record<string, number>[][], key: string): Curve {
  const steps = Math.max(0, ...logs.map((l) => l.length));
  const out: Curve = { step: [], mean: [], min: [], max: [] };
  for (let s = 0; s < steps; s++) {
    const v = logs
      .map((l) => l[s]?.[key])
      .filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    if (v.length === 0) continue;
    out.step.push(s + 1);
    out.mean.push(mean(v));
    out.min.push(Math.min(...v));
    out.max.push(Math.max(...v));
  }
  return out;
}

/** The mean, or NaN for no values (a run still in progress). */
const meanOrNaN = (x: readonly number[]) => (x.length ? mean(x) : Number.NaN);

/**
 * Gathers a run's results. A run still in progress gives what is done so far (`complete: false`;
 * the tables need at least two policies per method and one reference run).
 */
export async function collectResults(
  run: RunDir,
  config: ResolvedExperimentConfig,
): Promise<ExperimentResults> {
  const jobs = jobsOf(config);
  let done = 0;
  const byId = new Map<string, unknown>();
  for (const job of jobs) {
    const r = await run.readResult(job);
    if (r !== undefined) {
      done += 1;
      byId.set(job.id, r);
    }
  }
  const trainJobs = (variant: string, method: 'vanilla' | 'variance-aware') =>
    jobs.filter(
      (j): j is Extract<Job, { kind: 'train' }> =>
        j.kind === 'train' && j.variant.name === variant && j.method === method,
    );
  const variants: VariantResults[] = [];
  for (const v of variantsOf(config)) {
    const policies = {
      vanilla: trainJobs(v.name, 'vanilla').flatMap((j) =>
        byId.has(j.id) ? [byId.get(j.id) as PolicyResult] : [],
      ),
      varianceAware: trainJobs(v.name, 'variance-aware').flatMap((j) =>
        byId.has(j.id) ? [byId.get(j.id) as PolicyResult] : [],
      ),
    };
    const reference = jobs
      .filter((j) => j.kind === 'reference' && j.variant.name === v.name)
      .flatMap((j) => (byId.has(j.id) ? [byId.get(j.id) as ReferenceResult] : []));
    const returns = {
      vanilla: policies.vanilla.map((p) => p.trueReturn),
      varianceAware: policies.varianceAware.map((p) => p.trueReturn),
      reference: reference.map((r) => r.trueReturn),
    };
    const { value: tables, error: tablesError } =
      v.reference &&
      returns.vanilla.length >= 2 &&
      returns.varianceAware.length >= 2 &&
      returns.reference.length >= 1
        ? testsOrReason(() => protocolTables(returns, { seed: config.seed }))
        : {};
    const logsOf = async (method: 'vanilla' | 'variance-aware') =>
      Promise.all(
        trainJobs(v.name, method).map((j) => readLog(join(run.jobDir(j), 'ppo', 'log.jsonl'))),
      );
    const logs = {
      vanilla: await logsOf('vanilla'),
      varianceAware: await logsOf('variance-aware'),
    };
    const curves = Object.fromEntries(
      (Object.keys(METHOD_NAME) as Method[]).map((m) => [
        m,
        Object.fromEntries(
          Object.entries(CURVE_METRICS).map(([name, key]) => [name, curve(logs[m], key)]),
        ),
      ]),
    ) as VariantResults['curves'];
    const klV = meanOrNaN(policies.vanilla.map((p) => p.evalKl));
    const klVa = meanOrNaN(policies.varianceAware.map((p) => p.evalKl));
    // Estimates near or below zero (a policy that hardly moved) are compared as 0.01 nats.
    const [a, b] = [Math.max(klV, 0.01), Math.max(klVa, 0.01)];
    const ratio = Math.max(a, b) / Math.min(a, b);
    variants.push({
      name: v.name,
      setting: v.setting,
      returns,
      policies,
      reference,
      ...(tables ? { tables } : {}),
      ...(tablesError ? { tablesError } : {}),
      kl: {
        vanilla: klV,
        varianceAware: klVa,
        vanillaTrain: meanOrNaN(policies.vanilla.map((p) => p.finalTrainKl)),
        varianceAwareTrain: meanOrNaN(policies.varianceAware.map((p) => p.finalTrainKl)),
        ratio,
        similar: ratio <= 1.5,
      },
      curves,
      ...(v.widths ? { widths: v.widths } : {}),
    });
  }
  const levels = variants.filter((v) => v.name.startsWith('table4-'));
  const { value: table4, error: table4Error } =
    config.table4 &&
    levels.every((l) => l.returns.vanilla.length >= 2 && l.returns.varianceAware.length >= 2)
      ? testsOrReason(() =>
          varianceRatioSweep(
            levels.map((l, i) => ({
              label: `widths ${TABLE4_LEVELS[i]!.minWidth}-${TABLE4_LEVELS[i]!.maxWidth}`,
              vanilla: l.returns.vanilla,
              varianceAware: l.returns.varianceAware,
            })),
          ).map((row, i) => ({ ...row, ...TABLE4_LEVELS[i]! })),
        )
      : {};
  const ensembleJob = jobs.find((j) => j.kind === 'prepare-ensemble');
  return {
    format: RESULTS_FORMAT,
    version: 1,
    config,
    complete: done === jobs.length,
    progress: { done, total: jobs.length },
    ...(ensembleJob && byId.has(ensembleJob.id)
      ? { ensemble: byId.get(ensembleJob.id) as EnsembleResult }
      : {}),
    variants,
    ...(table4 ? { table4 } : {}),
    ...(table4Error ? { table4Error } : {}),
  };
}
