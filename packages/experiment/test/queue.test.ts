// Runs on several machines, against a real Redis: three `va worker` processes share a run's jobs and
// end with the local run's per-seed results; a worker killed mid-job loses nothing (its job resumes
// elsewhere from its checkpoint); a poisoned job is reported after its attempts, not retried forever;
// enqueueing the same run again adds nothing; a changed config and paths outside the store are
// refused; no password or key shows in anything the run wrote or printed.

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '@va/core';
import { tempDir } from '@va/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { vaCommand } from '../src/command.js';
import { ExperimentConfig, SMOKE_CONFIG } from '../src/config.js';
import { openRunQueue, type QueueJobData, queuedJobId, queueRunStatus } from '../src/queue.js';
import { queueTarget } from '../src/queue-connection.js';
import { runOnQueue } from '../src/queue-run.js';
import { startQueueWorker } from '../src/queue-worker.js';
import { collectResults } from '../src/results.js';
import { configHash, jobsOf, RunDir } from '../src/run-dir.js';
import { runExperiment } from '../src/run-experiment.js';
import { testRedis } from './redis.js';
import { sleep, startVa } from './va-process.js';

const redis = await testRedis();
afterAll(async () => {
  if (typeof redis !== 'string') await redis.stop();
});

/** A judge key a worker's environment holds: it must never travel with a job. */
const API_KEY = 'sk-test-0123456789abcdefghij';

const va = startVa;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe.skipIf(typeof redis === 'string')(
  `runs on a queue${typeof redis === 'string' ? ` (${redis})` : ''}`,
  () => {
    const { url, password } = redis as Exclude<typeof redis, string>;
    const env = { VA_REDIS_PASSWORD: password, OPENAI_API_KEY: API_KEY };
    const queueName = `va-test-${process.pid}`;
    const target = queueTarget(url, { name: queueName, env });
    const q = ['--queue', url, '--queue-name', queueName];
    // `va experiment status` in this process reads the password where every va command does.
    process.env.VA_REDIS_PASSWORD = password;

    it('spreads a run over three workers, survives a killed one, reports a poisoned job, adds nothing twice', async () => {
      const tmp = tempDir('va-queue-');
      const store = join(tmp, 'store');
      const dir = join(store, 'runs', 'smoke');
      const config = {
        ...SMOKE_CONFIG,
        settings: ['prompted' as const],
        ppo: { ...SMOKE_CONFIG.ppo, saveEvery: 1 },
      };
      const resolved = ExperimentConfig.resolve(config);
      const configFile = join(tmp, 'smoke.json');
      await writeFile(configFile, JSON.stringify(config));
      const run = new RunDir(dir);
      const jobs = jobsOf(resolved);
      const poisoned = 'policies/prompted/variance-aware/seed-1';
      // A file where the job's folder goes: every attempt fails the same way.
      await mkdir(join(dir, 'policies', 'prompted', 'variance-aware'), { recursive: true });
      await writeFile(join(dir, poisoned), 'not a folder');
      const runArgs = [
        'experiment',
        'run',
        '--config',
        configFile,
        '--dir',
        dir,
        '--store',
        store,
        ...q,
      ];
      const printed: { output: string }[] = [];
      const runVa = async (args: string[]) => {
        const p = va(args, env);
        printed.push(p);
        return { code: await p.exited, output: p.output };
      };
      /** `va` in this process (no start-up time), its output kept with the others. */
      const vaHere = async (args: string[]) => {
        const p = { output: '' };
        printed.push(p);
        const write = (t: string) => (p.output += t.endsWith('\n') ? t : `${t}\n`);
        const previous = process.exitCode;
        const code = await runCommand(
          'va',
          () =>
            vaCommand(args, {
              stdout: { write },
              logger: { info: write, warn: write, metrics() {} },
            }),
          { write },
        );
        process.exitCode = previous;
        return { code, output: p.output };
      };
      const lastJson = (output: string) => JSON.parse(output.trim().split('\n').at(-1)!);

      // Three workers (they take a few seconds to start) ...
      const workers = [0, 1, 2].map(() => {
        const w = va(['worker', ...q, '--store', store, '--lock-seconds', '2'], env);
        printed.push(w);
        return w;
      });
      const queue = await openRunQueue(target);
      const idsOnQueue = async () =>
        (await queue.queue.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']))
          .map((j) => j.id)
          .sort();
      try {
        // ... the same run queued twice: the second adds nothing.
        const first = await vaHere([...runArgs, '--detach']);
        expect(first.code, first.output).toBe(0);
        expect(lastJson(first.output)).toMatchObject({ added: jobs.length, queued: 0 });
        const ids = await idsOnQueue();
        expect(ids).toHaveLength(jobs.length);
        const second = await vaHere([...runArgs, '--detach']);
        expect(lastJson(second.output)).toMatchObject({ added: 0, retried: 0 });
        expect(await idsOnQueue()).toEqual(ids);

        // A run that waits for the workers; one worker is killed mid-training.
        const waiting = va(runArgs, env);
        printed.push(waiting);
        const ref = { run: 'runs/smoke', configHash: configHash(resolved) };
        let victim: { id: string; worker: string } | undefined;
        let statusWhileRunning = '';
        while (!victim) {
          const s = await queueRunStatus(queue, run, resolved, ref);
          const r = s.running.find((x) => x.id.startsWith('policies/') && (x.done ?? 0) >= 1);
          if (r?.worker) {
            victim = { id: r.id, worker: r.worker };
            process.kill(Number(r.worker.split(':').at(-1)), 'SIGKILL');
            statusWhileRunning = (await vaHere(['experiment', 'status', '--dir', dir])).output;
          }
          await sleep(100);
        }
        const firstRun = { code: await waiting.exited, output: waiting.output };

        // The poisoned job: reported with its error after its 3 attempts, the others all done.
        expect(firstRun.code, firstRun.output).toBe(1);
        expect(firstRun.output).toMatch(
          new RegExp(`1 jobs failed.*\\n  ${poisoned}: .*(EEXIST|ENOTDIR)`),
        );
        const bad = await queue.queue.getJob(queuedJobId(ref, poisoned));
        expect([await bad!.getState(), bad!.attemptsMade]).toEqual(['failed', 3]);
        for (const job of jobs) expect(await run.isDone(job), job.id).toBe(job.id !== poisoned);
        expect(statusWhileRunning).toMatch(/\| [23] workers \|.*running: .* on [^ ]+:\d+/);

        // The killed worker's job was taken up by another and resumed from its checkpoint.
        const killed = await queue.queue.getJob(queuedJobId(ref, victim.id));
        expect(killed!.stalledCounter).toBe(1);
        expect(killed!.processedBy).not.toBe(victim.worker);
        const log = (await readFile(join(dir, victim.id, 'ppo', 'log.jsonl'), 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).step);
        expect(log).toEqual([1, 2]);

        // Fixed, the same command retries only the failed job and completes the run; meanwhile the
        // same run on one machine, with the same seeds.
        await rm(join(dir, poisoned));
        const local = new RunDir(join(tmp, 'local'));
        const [again] = await Promise.all([
          runVa(runArgs),
          runExperiment({ dir: local.root, config, inProcess: true }),
        ]);
        expect(again.code, again.output).toBe(0);
        expect(again.output).toMatch(/5 done, 0 added, 1 retried, 0 already queued/);

        // The same per-seed results as the run on one machine.
        const queued = await collectResults(run, resolved);
        const alone = await collectResults(local, resolved);
        expect(queued.variants[0]!.returns).toEqual(alone.variants[0]!.returns);
        const written = JSON.parse(await readFile(join(dir, 'report', 'results.json'), 'utf8'));
        expect(written.variants[0].returns).toEqual(alone.variants[0]!.returns);

        // Another config in the same folder is refused, naming what changed.
        const changed = await vaHere([...runArgs, '--eval-prompts', '9']);
        expect(changed.code).toBe(2);
        expect(changed.output).toMatch(
          /ExperimentConfig.evalPrompts: differs from the config of the run/,
        );

        // Workers refuse jobs whose config changed since they were queued, or that name paths
        // outside their store, at once (no retries).
        const forged = async (data: QueueJobData) => {
          const job = await queue.queue.add('train', data, {
            jobId: `forged-${Math.random()}`,
            attempts: 3,
          });
          for (let i = 0; i < 300 && !(await job.isFailed()); i++) await sleep(100);
          const after = await queue.queue.getJob(job.id!);
          return { reason: after!.failedReason, attempts: after!.attemptsMade };
        };
        const base = { format: 1, kind: 'job', job: jobs[0]!.id } as const;
        expect(await forged({ ...base, run: ref.run, configHash: '0'.repeat(64) })).toEqual({
          reason: expect.stringMatching(
            /refused by .*: the config of .* changed after this job was queued/,
          ),
          attempts: 1,
        });
        expect(await forged({ ...base, run: '../..', configHash: ref.configHash })).toEqual({
          reason: expect.stringMatching(/refused by .*without '\.\.'/),
          attempts: 1,
        });
        const elsewhere = new RunDir(join(store, 'runs', 'elsewhere'));
        const reading = ExperimentConfig.resolve({ ...config, prompts: '/etc/hostname' });
        await elsewhere.init(reading);
        expect(
          await forged({ ...base, run: 'runs/elsewhere', configHash: configHash(reading) }),
        ).toEqual({
          reason: expect.stringMatching(
            /ExperimentConfig.prompts: names \/etc\/hostname, outside the store/,
          ),
          attempts: 1,
        });

        for (const w of workers) w.child.kill('SIGTERM');
        await Promise.all(workers.map((w) => w.exited));

        // No password nor key in any file of the store, anything printed, or any job on the queue.
        const onQueue = await queue.queue.getJobs(['completed', 'failed', 'waiting', 'active']);
        const texts = [
          ...(await Promise.all((await filesUnder(store)).map((f) => readFile(f, 'utf8')))),
          ...printed.map((p) => p.output),
          ...onQueue.map((j) => JSON.stringify(j.asJSON())),
        ];
        expect(texts.length).toBeGreaterThan(jobs.length);
        expect(password.length).toBeGreaterThanOrEqual(8);
        for (const text of texts) {
          expect(text.includes(password)).toBe(false);
          expect(text.includes(API_KEY)).toBe(false);
        }
        expect(printed.map((p) => p.output).join()).toContain(url);
      } finally {
        await queue.queue.obliterate({ force: true });
        await queue.close();
      }
    }, 600_000);

    it('holds the jobs that need the ensemble until it is done, and reports them when it fails', async () => {
      const tmp = tempDir('va-queue-flow-');
      const store = join(tmp, 'store');
      const dir = join(store, 'run');
      const config = { ...SMOKE_CONFIG, settings: ['ensemble' as const] };
      const jobs = jobsOf(ExperimentConfig.resolve(config));
      const dependents = jobs.filter((j) => j.needs.length > 0).map((j) => j.id);
      expect(dependents).toHaveLength(6);
      const flowTarget = queueTarget(url, { name: `${queueName}-flow`, env });
      // The order of the work matters here, not the work: each job writes a stand-in result.
      const order: string[] = [];
      let failing = true;
      const worker = await startQueueWorker({
        queue: flowTarget,
        store,
        lockSeconds: 2,
        execute: async (run, _config, job) => {
          order.push(job.id);
          if (job.id === 'prepare-ensemble' && failing) throw new Error('no pairs today');
          await run.writeResult(job, { id: job.id });
        },
      });
      const queue = await openRunQueue(flowTarget);
      try {
        const failed = await runOnQueue({ dir, store, queue: flowTarget, config, maxAttempts: 2 });
        expect(failed.queued).toEqual({ added: 1, retried: 0, queued: 0 });
        expect(order).toEqual(['prepare-ensemble', 'prepare-ensemble']);
        expect(failed.failed).toEqual([
          { id: 'prepare-ensemble', error: 'no pairs today', attempts: 2 },
          ...dependents.map((id) => ({
            id,
            error: 'needs prepare-ensemble, which failed',
            attempts: 0,
          })),
        ]);

        // Run again: the failed job starts over, and the jobs that need it follow it.
        failing = false;
        const done = await runOnQueue({ dir, store, queue: flowTarget, config });
        expect(done.queued).toEqual({ added: 0, retried: 1, queued: 0 });
        expect(done.failed).toEqual([]);
        expect(order[2]).toBe('prepare-ensemble');
        expect(order.slice(3).sort()).toEqual([...dependents].sort());

        // A result removed to redo its job: the same command runs that job again, and only it.
        const redo = jobs.find((j) => j.id === dependents[0])!;
        await rm(new RunDir(dir).resultFile(redo));
        const again = await runOnQueue({ dir, store, queue: flowTarget, config });
        expect([again.queued, again.ran]).toEqual([{ added: 0, retried: 1, queued: 0 }, 1]);
        expect(order.slice(3 + dependents.length)).toEqual([redo.id]);
      } finally {
        await worker.close(true);
        await queue.queue.obliterate({ force: true });
        await queue.close();
      }
    }, 120_000);

    it('names a wrong password without showing it, and leaves no run folder behind', async () => {
      const tmp = tempDir('va-queue-auth-');
      const wrong = 'not-the-password-0123';
      const error = await runOnQueue({
        dir: join(tmp, 'run'),
        store: tmp,
        queue: queueTarget(url, { name: queueName, env: { VA_REDIS_PASSWORD: wrong } }),
        config: { ...SMOKE_CONFIG, settings: ['prompted'] },
      }).catch((e: Error) => e);
      expect((error as Error).message).toMatch(
        /^cannot reach the queue at redis:\/\/127\.0\.0\.1:\d+\/0 \((WRONGPASS|NOAUTH).*VA_REDIS_PASSWORD its password\?$/,
      );
      expect(`${(error as Error).message}${(error as Error).stack}`).not.toContain(wrong);
      expect(existsSync(join(tmp, 'run'))).toBe(false);
    });
  },
);
