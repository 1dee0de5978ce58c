// A run lives in a folder: its config, the reward model it prepared, one folder per trained policy
// (PPO log, checkpoints, result), one result per reference run, and the report. A job's result
// file is written last and atomically: a job is done exactly when its result exists.

import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError, deriveSeed, ResourceError, writeJsonAtomic } from '@va/core';
import { ExperimentConfig, type ResolvedExperimentConfig, type Setting } from './config.js';

/** A variant of a setting: the setting itself, or a Table 4 level of the prompted setting. */
export interface Variant {
  /** `ensemble`, `prompted`, or `table4-<i>`. */
  readonly name: string;
  readonly setting: Setting;
  /** Table 4 levels: the offline judge's interval widths. */
  readonly widths?: { readonly minWidth: number; readonly maxWidth: number };
  /** Whether the variant has reference runs and Tables 1-3 (Table 4 levels have only the F test). */
  readonly reference: boolean;
}

/** Table 4: the spread of the judge's interval widths shrinks around the same middle width. */
export const TABLE4_LEVELS: readonly { minWidth: number; maxWidth: number }[] = [
  { minWidth: 0.05, maxWidth: 0.6 },
  { minWidth: 0.15, maxWidth: 0.5 },
  { minWidth: 0.25, maxWidth: 0.4 },
  { minWidth: 0.3, maxWidth: 0.35 },
];

/** One unit of work; `id` names it everywhere (results, queues, logs). */
export type Job =
  | { readonly kind: 'prepare-ensemble'; readonly id: string; readonly needs: readonly string[] }
  | {
      readonly kind: 'train';
      readonly id: string;
      readonly variant: Variant;
      readonly method: 'vanilla' | 'variance-aware';
      /** 0-based index among the N seeds. */
      readonly index: number;
      /** The PPO seed. */
      readonly seed: number;
      readonly needs: readonly string[];
    }
  | {
      readonly kind: 'reference';
      readonly id: string;
      readonly variant: Variant;
      readonly index: number;
      readonly seed: number;
      readonly needs: readonly string[];
    };

export function variantsOf(c: ResolvedExperimentConfig): Variant[] {
  const out: Variant[] = c.settings.map((s) => ({ name: s, setting: s, reference: true }));
  if (c.table4) {
    TABLE4_LEVELS.forEach((widths, i) => {
      out.push({ name: `table4-${i}`, setting: 'prompted', widths, reference: false });
    });
  }
  return out;
}

/** Every job of a run, in the order a single worker would take them. */
export function jobsOf(c: ResolvedExperimentConfig): Job[] {
  const jobs: Job[] = [];
  const variants = variantsOf(c);
  if (c.settings.includes('ensemble'))
    jobs.push({ kind: 'prepare-ensemble', id: 'prepare-ensemble', needs: [] });
  for (const variant of variants) {
    const needs = variant.setting === 'ensemble' ? ['prepare-ensemble'] : [];
    if (variant.reference) {
      for (let i = 0; i < c.seeds; i++) {
        jobs.push({
          kind: 'reference',
          id: `reference/${variant.name}/seed-${i}`,
          variant,
          index: i,
          seed: deriveSeed(c.seed, 'reference', variant.name, i),
          needs,
        });
      }
    }
    // Interleaved so that both methods progress together.
    for (let i = 0; i < c.seeds; i++) {
      for (const method of ['vanilla', 'variance-aware'] as const) {
        jobs.push({
          kind: 'train',
          id: `policies/${variant.name}/${method}/seed-${i}`,
          variant,
          method,
          index: i,
          seed: deriveSeed(c.seed, 'ppo', variant.name, method, i),
          needs,
        });
      }
    }
  }
  return jobs;
}

/** config.json as {@link RunDir.init} writes it. */
function configJson(config: ResolvedExperimentConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** The fingerprint of a run's config: sha256 of its config.json (queued jobs carry it). */
export function configHash(config: ResolvedExperimentConfig): string {
  return createHash('sha256').update(configJson(config)).digest('hex');
}

/** Paths of a run folder. */
export class RunDir {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }
  get configFile(): string {
    return join(this.root, 'config.json');
  }
  get ensembleDir(): string {
    return join(this.root, 'ensemble');
  }
  get reportDir(): string {
    return join(this.root, 'report');
  }
  get logsDir(): string {
    return join(this.root, 'logs');
  }
  /** The folder of a job (a policy's PPO run folder, the ensemble's folder). */
  jobDir(job: Job): string {
    return job.kind === 'prepare-ensemble' ? this.ensembleDir : join(this.root, job.id);
  }
  /** The file whose existence marks the job done. */
  resultFile(job: Job): string {
    return job.kind === 'reference'
      ? join(this.root, `${job.id}.json`)
      : join(this.jobDir(job), 'result.json');
  }

  async isDone(job: Job): Promise<boolean> {
    return (await stat(this.resultFile(job)).catch(() => undefined)) !== undefined;
  }

  /**
   * The ids of the jobs among `jobs` that are done (their result file exists): the one reading of
   * what is done, for runs, queues and status lines. Ids in `known` (done at an earlier reading)
   * are not looked at again, so that a status poll only looks at the open jobs: a result is written
   * last and stays while a run goes on (removing one to redo its job takes a new run).
   */
  async doneJobs(jobs: readonly Job[], known?: ReadonlySet<string>): Promise<Set<string>> {
    const open = known ? jobs.filter((j) => !known.has(j.id)) : jobs;
    const found = await Promise.all(open.map(async (j) => ((await this.isDone(j)) ? j.id : '')));
    return new Set([...(known ?? []), ...found.filter((id) => id !== '')]);
  }

  async readResult<T>(job: Job): Promise<T | undefined> {
    const text = await readFile(this.resultFile(job), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  async writeResult(job: Job, value: unknown): Promise<void> {
    await writeJsonAtomic(this.resultFile(job), value);
  }

  /**
   * Creates the folder for `config` or checks that it holds the same run: a run folder's config
   * never changes under it (a changed config would mix policies of two experiments).
   */
  async init(config: ResolvedExperimentConfig): Promise<'created' | 'resumed'> {
    const json = configJson(config);
    const existing = await readFile(this.configFile, 'utf8').catch(() => undefined);
    if (existing !== undefined) {
      if (existing === json) return 'resumed';
      const old = ExperimentConfig.resolve(JSON.parse(existing));
      const changed = Object.keys(config).filter(
        (k) =>
          JSON.stringify((config as Record<string, unknown>)[k]) !==
          JSON.stringify((old as Record<string, unknown>)[k]),
      );
      throw new ConfigError(
        'ExperimentConfig',
        changed[0] ?? '(root)',
        `differs from the config of the run in ${this.root} (changed: ${changed.join(', ')}). ` +
          'Use another run folder for another config, or delete this one to start over',
      );
    }
    try {
      await mkdir(this.root, { recursive: true });
      await writeJsonAtomic(this.configFile, config);
    } catch (cause) {
      throw new ResourceError(
        `cannot write the run folder ${this.root} (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}); choose a writable folder`,
        { cause },
      );
    }
    return 'created';
  }

  /** The config of an existing run folder. */
  async readConfig(): Promise<ResolvedExperimentConfig> {
    return (await this.readConfigWithHash()).config;
  }

  /** The config of an existing run folder and its fingerprint ({@link configHash}), in one read. */
  async readConfigWithHash(): Promise<{ config: ResolvedExperimentConfig; hash: string }> {
    const text = await readFile(this.configFile, 'utf8').catch(() => undefined);
    if (text === undefined) {
      throw new ResourceError(
        `${this.root} is not a run folder (no config.json); start one with 'va experiment run'`,
      );
    }
    const hash = createHash('sha256').update(text).digest('hex');
    return { config: ExperimentConfig.resolve(JSON.parse(text)), hash };
  }
}
