// The protocol end to end at its smallest size, in worker processes: every job's result, the
// tables from @va/stats, a worker killed mid-job that loses and redoes nothing, a second run that
// does nothing, a changed config refused; a run stopped by its signal, then resumed.

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { protocolTables } from '@va/stats';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { ExperimentConfig, SMOKE_CONFIG } from '../src/config.js';
import { writeReport } from '../src/report.js';
import { collectResults } from '../src/results.js';
import { jobsOf, RunDir } from '../src/run-dir.js';
import { runExperiment } from '../src/run-experiment.js';

const tmp = tempDir('va-experiment-run-');

describe('runExperiment', () => {
  it('runs the protocol, survives a killed worker, and does nothing the second time', async () => {
    const dir = join(tmp, 'run');
    const config = { ...SMOKE_CONFIG, ppo: { ...SMOKE_CONFIG.ppo, saveEvery: 1 } };
    let victim: { id: string; pid: number } | undefined;
    const first = await runExperiment({
      dir,
      config,
      onStatus: (s) => {
        if (victim) return;
        const r = s.running.find(
          (x) => x.id.startsWith('policies/') && (x.done ?? 0) >= 1 && x.pid,
        );
        if (r?.pid) {
          victim = { id: r.id, pid: r.pid };
          process.kill(r.pid, 'SIGKILL');
        }
      },
    });
    expect(victim).toBeDefined();
    expect(first.failed).toEqual([]);
    const resolved = ExperimentConfig.resolve(config);
    const run = new RunDir(dir);
    const jobs = jobsOf(resolved);
    expect(first.ran).toBe(jobs.length);
    for (const job of jobs) expect(await run.isDone(job), job.id).toBe(true);
    // The killed job resumed from its checkpoint: every PPO step logged once, in order.
    const log = (await readFile(join(dir, victim!.id, 'ppo', 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).step);
    expect(log).toEqual([1, 2]);

    // Tables 1-3 recomputed from the per-policy returns agree with what the run reports.
    const results = await collectResults(run, resolved);
    expect(results.complete).toBe(true);
    expect(results.ensemble?.k).toBe(4);
    for (const v of results.variants) {
      expect(v.returns.vanilla).toHaveLength(2);
      expect(v.returns.varianceAware).toHaveLength(2);
      expect(v.returns.reference).toHaveLength(2);
      const again = protocolTables(v.returns, { seed: resolved.seed });
      expect(v.tables).toEqual(again);
      expect(v.curves.vanilla.kl.step).toEqual([1, 2]);
      for (const p of v.policies.vanilla) expect(Number.isFinite(p.evalKl)).toBe(true);
    }
    const files = await writeReport(run, results);
    const written = JSON.parse(await readFile(files.results, 'utf8'));
    expect(written.variants[0].returns).toEqual(results.variants[0]!.returns);
    // Every table and figure: Tables 1-3 per setting, the distributions and the training curves.
    const markdown = await readFile(files.markdown, 'utf8');
    expect(markdown.match(/\*\*Table [123]: /g)).toHaveLength(6);
    for (const setting of ['ensemble', 'prompted']) {
      for (const figure of ['returns', 'curve-score', 'curve-kl', 'curve-variance']) {
        expect(markdown).toContain(`figures/${figure}-${setting}.png`);
        await stat(join(dir, 'report', 'figures', `${figure}-${setting}.svg`));
      }
    }
    expect((await readFile(files.html, 'utf8')).match(/<svg/g)!.length).toBeGreaterThanOrEqual(8);

    // A second run on the finished folder does nothing and rewrites no result.
    const times = await Promise.all(jobs.map(async (j) => (await stat(run.resultFile(j))).mtimeMs));
    const second = await runExperiment({ dir, config });
    expect([second.ran, second.skipped, second.failed.length]).toEqual([0, jobs.length, 0]);
    expect(
      await Promise.all(jobs.map(async (j) => (await stat(run.resultFile(j))).mtimeMs)),
    ).toEqual(times);

    // Another config in the same folder is refused, naming what changed.
    await expect(runExperiment({ dir, config: { ...config, evalPrompts: 9 } })).rejects.toThrow(
      /ExperimentConfig.evalPrompts: differs from the config of the run in .* \(changed: evalPrompts\)/,
    );
  }, 900_000);

  it('stops on an abort (job processes at once, in this process after the step), and resumes', async () => {
    const dir = join(tmp, 'aborted');
    const config = {
      ...SMOKE_CONFIG,
      settings: ['prompted' as const],
      ppo: { ...SMOKE_CONFIG.ppo, saveEvery: 1 },
    };
    await expect(runExperiment({ dir, config, signal: AbortSignal.abort() })).rejects.toThrow(
      /aborted/,
    );
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);

    const controller = new AbortController();
    let stopped: string | undefined;
    const pids = new Set<number>();
    const error = await runExperiment({
      dir,
      config,
      signal: controller.signal,
      onStatus: (s) => {
        for (const r of s.running) if (r.pid) pids.add(r.pid);
        const r = s.running.find((x) => x.id.startsWith('policies/') && (x.done ?? 0) >= 1);
        if (r && !stopped) {
          stopped = r.id;
          controller.abort(new Error('enough for now'));
        }
      },
    }).catch((e: Error) => e);
    expect((error as Error).message).toBe('enough for now');
    expect(pids.size).toBeGreaterThan(0);
    for (const pid of pids) expect(() => process.kill(pid, 0), `pid ${pid}`).toThrow(/ESRCH/);
    const run = new RunDir(dir);
    const jobs = jobsOf(ExperimentConfig.resolve(config));
    const stepsLogged = async (id: string) =>
      (await readFile(join(dir, id, 'ppo', 'log.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).step);

    // In this process, a training job stops once the step under way is done, without its result.
    const inProcess = new AbortController();
    let second: { id: string; done: number } | undefined;
    const error2 = await runExperiment({
      dir,
      config,
      inProcess: true,
      signal: inProcess.signal,
      onStatus: (s) => {
        const r = s.running.find((x) => x.id.startsWith('policies/') && (x.done ?? 0) >= 1);
        if (r && !second) {
          second = { id: r.id, done: r.done! };
          inProcess.abort(new Error('stop here'));
        }
      },
    }).catch((e: Error) => e);
    expect((error2 as Error).message).toBe('stop here');
    expect(await stepsLogged(second!.id)).toEqual([1, 2].slice(0, second!.done));
    const before = await run.doneJobs(jobs);
    expect([before.has(stopped!), before.has(second!.id)]).toEqual([false, false]);
    const finished = jobs.filter((j) => before.has(j.id));
    const times = await Promise.all(
      finished.map(async (j) => (await stat(run.resultFile(j))).mtimeMs),
    );

    // The same call resumes: what was done stays as it was, the stopped job goes on from its step.
    const again = await runExperiment({ dir, config });
    expect([again.skipped, again.ran, again.failed]).toEqual([
      before.size,
      jobs.length - before.size,
      [],
    ]);
    expect(
      await Promise.all(finished.map(async (j) => (await stat(run.resultFile(j))).mtimeMs)),
    ).toEqual(times);
    expect(await stepsLogged(stopped!)).toEqual([1, 2]);
    expect(await stepsLogged(second!.id)).toEqual([1, 2]);
  }, 900_000);

  it('checks inputs before any work', async () => {
    await expect(
      runExperiment({ dir: join(tmp, 'bad1'), config: { prompts: join(tmp, 'missing.jsonl') } }),
    ).rejects.toThrow(/prompts .*missing.jsonl: no such file/);
    await expect(
      runExperiment({ dir: join(tmp, 'bad2'), config: { evalPrompts: 500 } }),
    ).rejects.toThrow(
      /ExperimentConfig.evalPrompts: must be at most 128, the evaluation prompts of the embedded task \(got 500\)/,
    );
    await expect(
      runExperiment({ dir: join(tmp, 'bad3'), config: { trueReward: 'vibes' } }),
    ).rejects.toThrow(/unknown trueReward 'vibes'/);
    await expect(stat(join(tmp, 'bad2'))).rejects.toThrow(/ENOENT/);
  });
});
