// Benchmark of the embedded default run: its wall time in one worker process and in one per core
// (the speed-up from parallel seeds), and where the time goes (generation, scoring, forward
// passes, update, evaluation, the ensemble's preparation), summed over all jobs from their logs.
//
//   pnpm bench                 # the default run, twice (about 2 x 5 minutes on two free cores)
//   node --import tsx bench/experiment.bench.ts --quick    # N = 2, 8 PPO steps

import { readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDuration } from '@va/core';
import type { ExperimentConfig } from '../src/config.js';
import type { EnsembleResult, PolicyResult, ReferenceResult } from '../src/jobs.js';
import { jobsOf } from '../src/run-dir.js';
import { runExperiment } from '../src/run-experiment.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const base: Partial<ExperimentConfig> = values.quick ? { seeds: 2, ppo: { steps: 8 } } : {};
const cores = availableParallelism();

async function timed(workers: number) {
  const dir = join(tmpdir(), `va-experiment-bench-${workers}-${process.pid}`);
  await rm(dir, { recursive: true, force: true });
  const r = await runExperiment({ dir, config: { ...base, workers } });
  if (r.failed.length) throw new Error(`jobs failed: ${JSON.stringify(r.failed)}`);
  const parts = {
    generate: 0,
    score: 0,
    forward: 0,
    update: 0,
    advantages: 0,
    evaluation: 0,
    ensemble: 0,
  };
  for (const job of jobsOf(r.config)) {
    const result = await r.run.readResult<PolicyResult & ReferenceResult & EnsembleResult>(job);
    if (job.kind === 'prepare-ensemble') parts.ensemble += result!.seconds;
    if (job.kind !== 'train') continue;
    const log = (await readFile(join(r.run.jobDir(job), 'ppo', 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    let training = 0;
    for (const s of log) {
      parts.generate += s['time/ppo/generate']!;
      parts.score += s['time/ppo/score']!;
      parts.forward += s['time/ppo/forward_pass']!;
      parts.update += s['time/ppo/optimize_step']!;
      parts.advantages += s['time/ppo/compute_rewards']! + s['time/ppo/compute_advantages']!;
      training += s['time/ppo/total']!;
    }
    parts.evaluation += Math.max(0, result!.seconds - training);
  }
  await rm(dir, { recursive: true, force: true });
  return { seconds: r.seconds, parts, jobs: jobsOf(r.config).length };
}

console.log(`The default run${values.quick ? ' (quick: N = 2, 8 steps)' : ''}, ${cores} cores`);
const one = await timed(1);
const all = await timed(cores);
console.log('\n| workers | wall time | speed-up |');
console.log('| --- | --- | --- |');
console.log(`| 1 | ${formatDuration(one.seconds)} | 1.00x |`);
console.log(
  `| ${cores} | ${formatDuration(all.seconds)} | ${(one.seconds / all.seconds).toFixed(2)}x |`,
);
const total = Object.values(one.parts).reduce((a, b) => a + b, 0);
console.log(
  `\nWhere the time goes (one worker, summed over ${one.jobs} jobs; reference runs not counted):\n`,
);
console.log('| part | seconds | share |');
console.log('| --- | --- | --- |');
for (const [k, v] of Object.entries(one.parts)) {
  console.log(`| ${k} | ${v.toFixed(1)} | ${((100 * v) / total).toFixed(0)}% |`);
}
